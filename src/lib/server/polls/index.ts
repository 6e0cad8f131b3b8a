/**
 * Polls, imported as one namespace (`import * as polls from '$lib/server/polls'`):
 *
 * - lifecycle.ts: the facilitator runs a poll (create, open/close/reveal through `advance`,
 *   re-vote, delete) and never votes;
 * - tokens.ts: a participant's device gets one blind-signed voting token per poll, with its
 *   session (who may vote, never who did), signed with the keys of keys.ts;
 * - ballots.ts: the device casts with that token and nothing else; the anonymity-critical
 *   code, with what it guarantees and against whom;
 * - turnout.ts: counts of people per team, never choices;
 * - views.ts: the polls as the room and every screen show them;
 * - export.ts: the bulletin and the CSV of a revealed result;
 * - rules.ts: the poll's row and rules.
 *
 * Every refusal is a `RuleError` (src/lib/server/rules.ts).
 *
 * Results leave only through `publishResult` (src/lib/domain/polls/k-rule.ts), which hides
 * small teams and whatever would let them be worked out; after the reveal, the bulletin lists
 * every counted ballot's tracker and choice, so each device can find its own.
 */
export { cast, type CastAnswer, type CastRequest } from './ballots';
export { bulletin, resultCsv, type BulletinLine } from './export';
export { advance, create, createPulse, remove, revote } from './lifecycle';
export { rulesOf } from './rules';
export { hasToken, issue, TokenError, voterOf, type TokenRequest, type Voter } from './tokens';
export { publishTurnout, refreshTurnout, turnout } from './turnout';
export { list, roomViews } from './views';
