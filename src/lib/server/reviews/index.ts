/**
 * Review sessions: months after signing, the room checks whether the charter still holds.
 *
 * A review session is its own record on the charter's workshop, not a new workshop: the
 * people who agreed the charter are that workshop's participants and teams, so its pulses are
 * polls of kind `pulse` there, with the polls' voting tokens (one key per poll and team), the
 * casts without a session, the turnout and the k rule of `publishResult`. Phones see them as
 * they see any open poll. A pulse's reason travels inside the anonymous ballot (the `reason`
 * column next to the choice, under the token's tracker, never a participant), and leaves the
 * server only in the published result: sorted, and only when k or more voted. Sent any other
 * way (with the session), a reason would name its author.
 *
 * Rules, each refused with words and nothing changed:
 * - a review starts from a charter whose current version every invited leader signed;
 * - one review open at a time; a closed review takes no pulse (the polls refuse the cast);
 * - an amendment edits the version the review reviewed, and only while it is the current one.
 *
 * Imported as one namespace (`import * as reviews from '$lib/server/reviews'`):
 * sessions.ts (start, read, close), amendments.ts (marking clauses, the amended version),
 * schedule.ts (review dates and reminders) and health.ts (each clause's pulses over time).
 */
export { amend, mark } from './amendments';
export { health, type ClauseHealth } from './health';
export { isDue, nextReview, sendDueReminders, setNextReview } from './schedule';
export { clauses, close, get, list, start, type ClausePulse, type ReviewSession } from './sessions';
