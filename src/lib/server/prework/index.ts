/**
 * Pre-work: questions each team answers on its phones, at its own pace, days before the live
 * session. An answer is a card on the stage's *team* board, the board private writing uses:
 * opening pre-work starts a private round on every stage that asks something, so the
 * realtime server keeps each team's answers from every other team (src/lib/collab/access.ts)
 * until the facilitator presses "Reveal" in the session, which merges the team boards into
 * the stage board as it does for any private round.
 *
 * Who answered is stored (to count completion per team and to remind by mail), never shown:
 * the facilitator gets counts, and the answers carry only their team, like every card.
 *
 * Imported as one namespace (`import * as prework from '$lib/server/prework'`):
 *
 * - opening.ts: the questions, opening (a private round on every stage that asks) and closing;
 * - answers.ts: a participant's answers, as notes on their team's boards;
 * - completion.ts: completion per team, as counts;
 * - invites.ts: personal links, mailed invitations and reminders;
 * - rules.ts: where the pre-work stands, and the refusals shared by all (each a `RuleError`).
 */
export { answer, answersOf, type Answerer } from './answers';
export { completion, type TeamCompletion } from './completion';
export {
	bindInvite,
	findInvite,
	invite,
	linkPath,
	remind,
	teamOf,
	type OpenedInvite
} from './invites';
export { close, DEFAULT_PROMPTS, draftPrompts, open, prompts, type Prompt } from './opening';
export {
	PREWORK_CLOSED,
	PREWORK_NOT_OPEN,
	PREWORK_REVEALED,
	status,
	type PreworkStatus
} from './rules';
