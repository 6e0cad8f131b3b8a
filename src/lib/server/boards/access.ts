/**
 * Who writes where on a stage's boards: the board a member's cards go to (their team's while
 * private writing is on), which fields of someone else's card a participant may change, and
 * the projector's counts when a team's private board changes.
 */
import type * as Y from 'yjs';
import { cardsOf, isUnknownItem, readCard, type Card } from '../../collab/cards';
import { stageDocName, teamDocName } from '../../collab/doc-names';
import type { WorkshopMember } from '../api';
import * as projector from '../projector';
import { RuleError } from '../rules';
import * as stageControls from '../stage-controls';
import * as stages from '../stages';

/** The board a member writes on now: their team's while private writing is on. */
export async function boardFor(member: WorkshopMember, workshopId: string, stageKey: string) {
	const stage = await stages.get(workshopId, stageKey);
	if (!stage) throw new RuleError('This workshop has no such stage.', 404);
	const state = await stageControls.stateOf(workshopId, stageKey);
	if (member.kind === 'participant') {
		if (state.locked)
			throw new RuleError('This stage is locked: the facilitator has closed it for edits.', 409);
		if (state.privateWrite) return teamDocName(workshopId, stageKey, member.teamId);
	}
	return stageDocName(workshopId, stageKey);
}

/**
 * What the room works on together once barriers are on the board: putting similar ones in a
 * group, naming the group, and giving a barrier its remedy and the remedy's owner. Any
 * participant may change these on any barrier while the stage is open; the rest of a card
 * stays with the team that wrote it.
 */
const SHARED_BARRIER_FIELDS: ReadonlySet<string> = new Set([
	'groupId',
	'groupTitle',
	'remedy',
	'remedyOwner'
]);

/**
 * The lifecycle facts of a term (its typed value, owner and handing-off team, exit criteria,
 * hours basis, attempts and reasons): the room agrees them together, as it drafts the merged
 * wording, so any participant may set them on any term while the stage is open. The term's
 * name, hint and kind of value stay with the team that wrote it (or the facilitator).
 */
const SHARED_TERM_FIELDS: ReadonlySet<string> = new Set([
	'value',
	'ownerTeamId',
	'fromTeamId',
	'exitCriteria',
	'hoursBasis',
	'attempts',
	'reasons'
]);

/**
 * Who may change which fields: the facilitator everything; a participant their own team's
 * cards, the steps of the journey their team owns, the shared fields of any barrier and of
 * any term, and the verdict on an empathy card about their team.
 */
export function mayChange(
	member: WorkshopMember,
	card: Card,
	patch: Record<string, unknown>
): boolean {
	if (member.kind === 'facilitator') return true;
	if (card.teamId === member.teamId) return true;
	if (card.type === 'step' && card.ownerTeamId === member.teamId) return true;
	const keys = Object.keys(patch);
	if (card.type === 'barrier' && keys.every((k) => SHARED_BARRIER_FIELDS.has(k))) return true;
	if (card.type === 'term' && keys.every((k) => SHARED_TERM_FIELDS.has(k))) return true;
	const verdictOnly = keys.every((k) => k === 'verdict' || k === 'correction');
	return verdictOnly && card.aboutTeamId === member.teamId;
}

/** The card, or null when there is none by that id or it is an item this release cannot read. */
export function cardIn(doc: Y.Doc, cardId: string): Card | null {
	const item = cardsOf(doc).get(cardId);
	const card = item ? readCard(cardId, item) : null;
	return card && !isUnknownItem(card) ? card : null;
}

/** A card came to or left a team's private board: the projector's counts follow. */
export async function countIfPrivate(docName: string, workshopId: string, stageKey: string) {
	if (docName !== stageDocName(workshopId, stageKey)) {
		await projector.refreshUnrevealed(workshopId, stageKey);
	}
}
