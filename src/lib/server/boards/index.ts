/**
 * The stages' boards, imported as one namespace (`import * as boards from '$lib/server/boards'`):
 *
 * - cards.ts: adding, changing and removing cards, as a participant or the facilitator;
 * - access.ts: which board a member writes on and what they may change on it;
 * - barriers.ts: grouping barriers, and the dot vote's ranks on the board;
 * - journey.ts: the lead journey's order, and keeping the template's journey in the charter;
 * - setup.ts: the boards a new workshop starts with (its template's, or a copied workshop's).
 *
 * Every refusal is a `RuleError` (src/lib/server/rules.ts), checked before anything is written.
 */
export { add, change, remove } from './cards';
export { recordDotResults } from './barriers';
export { keepInCharter, move } from './journey';
export { copy, prefill } from './setup';
