/**
 * Adding, changing and removing board items. The server writes them (through the realtime
 * hub, so they reach every screen at once) after checking the text and who is asking; the
 * author's team is stamped here, never taken from the browser.
 */
import * as Y from 'yjs';
import { ranksByDots } from '../collab/barriers';
import {
	addCard,
	cardsOf,
	deleteCard,
	listCards,
	readCard,
	termText,
	TERM_TEXT,
	textOwner,
	updateCard,
	isUnknownItem,
	type Card,
	type CardFields
} from '../collab/cards';
import { moveInJourney, type MoveDirection } from '../collab/journey';
import { stageDocName, teamDocName } from '../collab/doc-names';
import type { TemplateContent } from '../domain/template-library';
import type { WorkshopMember } from './api';
import { newId } from './ids';
import * as projector from './projector';
import * as rooms from './rooms';
import * as stageControls from './stage-controls';
import * as stages from './stages';
import * as workshops from './workshops';
import { RuleError } from './rules';

/** The board a member writes on now: their team's while private writing is on. */
async function boardFor(member: WorkshopMember, workshopId: string, stageKey: string) {
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

export async function add(
	member: WorkshopMember,
	workshopId: string,
	stageKey: string,
	input: CardFields & { type: Card['type']; text: string }
): Promise<string> {
	const docName = await boardFor(member, workshopId, stageKey);
	const teamIds = (await workshops.teams(workshopId)).map((t) => t.id);
	for (const key of ['aboutTeamId', 'ownerTeamId', 'fromTeamId'] as const) {
		const value = input[key];
		if (value && !teamIds.includes(value))
			throw new RuleError('That team is not part of this workshop.', 404);
	}
	const id = newId();
	await rooms.change(docName, (doc) => {
		let position = 0;
		cardsOf(doc).forEach((item) => {
			const p = item.get('position');
			if (typeof p === 'number' && p >= position) position = p + 1;
		});
		addCard(doc, { ...input, id, teamId: member.teamId, createdAt: Date.now(), position }, teamIds);
	});
	await countIfPrivate(docName, workshopId, stageKey);
	return id;
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
function mayChange(member: WorkshopMember, card: Card, patch: Record<string, unknown>): boolean {
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
function cardIn(doc: Y.Doc, cardId: string): Card | null {
	const item = cardsOf(doc).get(cardId);
	const card = item ? readCard(cardId, item) : null;
	return card && !isUnknownItem(card) ? card : null;
}

export async function change(
	member: WorkshopMember,
	workshopId: string,
	stageKey: string,
	cardId: string,
	patch: Partial<CardFields> & { text?: string }
): Promise<void> {
	const docName = await boardFor(member, workshopId, stageKey);
	if (patch.ownerTeamId || patch.fromTeamId) {
		const teamIds = (await workshops.teams(workshopId)).map((t) => t.id);
		for (const teamId of [patch.ownerTeamId, patch.fromTeamId]) {
			if (teamId && !teamIds.includes(teamId))
				throw new RuleError('That team is not part of this workshop.', 404);
		}
	}
	// Checked and written in one synchronous step, so nobody's change slips in between.
	await rooms.change(docName, (doc) => {
		const card = cardIn(doc, cardId);
		if (!card) throw new RuleError('This board has no such card.', 404);
		if (!mayChange(member, card, patch))
			throw new RuleError('Only the team that wrote this card may change it.', 403);
		const { groupId, groupTitle, ...rest } = patch;
		// Everything is checked before anything is written: a refusal changes nothing.
		const regroup = groupId === undefined ? null : planRegroup(doc, card, groupId);
		if (groupTitle !== undefined && !card.groupId && !regroup)
			throw new RuleError('This barrier is in no group to give a title.', 409);
		updateCard(doc, cardId, rest);
		if (regroup) regroup();
		if (groupTitle !== undefined) {
			const group = cardIn(doc, cardId)!.groupId;
			for (const member of listCards(doc, 'barrier')) {
				if (group && member.groupId === group) updateCard(doc, member.id, { groupTitle });
			}
		}
	});
}

/**
 * Putting a barrier into a group with another barrier on the same board (`groupId`: that
 * card's id), or taking it out (`groupId: null`). The card joins the group the other card is
 * in, or starts one with it, and takes the group's title; a group left with one card is
 * dissolved. Returns the writes to make once every check has passed.
 */
function planRegroup(doc: Y.Doc, card: Card, withId: string | null): () => void {
	if (card.type !== 'barrier') throw new RuleError('Only barriers are put in groups.', 400);
	const barriers = listCards(doc, 'barrier');
	const leaving = card.groupId ?? null;
	/** Dissolves the card's old group if only one card is left in it. */
	const tidy = () => {
		if (!leaving) return;
		const left = listCards(doc, 'barrier').filter((c) => c.groupId === leaving);
		if (left.length === 1) updateCard(doc, left[0]!.id, { groupId: null, groupTitle: '' });
	};
	if (withId === null) {
		return () => {
			updateCard(doc, card.id, { groupId: null, groupTitle: '' });
			tidy();
		};
	}
	if (withId === card.id)
		throw new RuleError('A barrier cannot be put in a group with itself.', 400);
	const other = barriers.find((c) => c.id === withId);
	if (!other)
		throw new RuleError('That card is not a barrier on this board: it cannot be grouped.', 404);
	const group = other.groupId ?? other.id;
	const title = barriers.find((c) => c.groupId === group && c.groupTitle)?.groupTitle ?? '';
	return () => {
		if (!other.groupId) updateCard(doc, other.id, { groupId: group });
		updateCard(doc, card.id, { groupId: group, groupTitle: title });
		if (leaving !== group) tidy();
	};
}

/**
 * Moves a journey step one place earlier or later. The facilitator may move any step; a
 * participant, while the stage is open, a step their team wrote or owns.
 */
export async function move(
	member: WorkshopMember,
	workshopId: string,
	stageKey: string,
	cardId: string,
	direction: MoveDirection
): Promise<void> {
	const docName = await boardFor(member, workshopId, stageKey);
	await rooms.change(docName, (doc) => {
		const card = cardIn(doc, cardId);
		if (!card) throw new RuleError('This board has no such card.', 404);
		if (card.type !== 'step') throw new RuleError('Only journey steps are reordered.', 400);
		if (!mayChange(member, card, { position: true }))
			throw new RuleError('Only the team that wrote or owns this step may move it.', 403);
		const moves = moveInJourney(listCards(doc, 'step'), cardId, direction);
		if (!moves)
			throw new RuleError(
				direction === 'earlier'
					? 'This step is already the first of its part of the journey.'
					: 'This step is already the last of its part of the journey.',
				409
			);
		for (const { id, position } of moves) cardsOf(doc).get(id)!.set('position', position);
	});
}

/**
 * Writes a revealed dot vote onto the stage's shared board: each barrier's dots and its rank
 * (1 = most dots; as many dots, same rank), and clears both on every other barrier, so the
 * board shows the latest vote only. Entries that are not barriers on that board (a card
 * deleted since the vote opened) are left out; the rest are ranked among themselves.
 */
export async function recordDotResults(
	workshopId: string,
	stageKey: string,
	ranking: { cardId: string; dots: number }[]
): Promise<void> {
	for (const { dots } of ranking) {
		if (!Number.isInteger(dots) || dots < 0)
			throw new RangeError(`Dots are a whole number from 0: got ${dots}.`);
	}
	if (new Set(ranking.map((entry) => entry.cardId)).size !== ranking.length)
		throw new RangeError('A ranking names each card once.');
	const stage = await stages.get(workshopId, stageKey);
	if (!stage) throw new RuleError('This workshop has no such stage.', 404);
	await rooms.change(stageDocName(workshopId, stageKey), (doc) => {
		const barriers = new Set(listCards(doc, 'barrier').map((c) => c.id));
		const counted = ranking.filter((entry) => barriers.has(entry.cardId));
		const ranks = ranksByDots(counted);
		const dotsOf = new Map(counted.map((entry) => [entry.cardId, entry.dots]));
		for (const id of barriers) {
			const item = cardsOf(doc).get(id)!;
			const rank = ranks.get(id) ?? null;
			const dots = dotsOf.get(id) ?? null;
			// Only what differs is written, so a repeated call adds nothing to the log.
			if ((item.get('rank') ?? null) !== rank) item.set('rank', rank);
			if ((item.get('dots') ?? null) !== dots) item.set('dots', dots);
		}
	});
}

export async function remove(
	member: WorkshopMember,
	workshopId: string,
	stageKey: string,
	cardId: string
) {
	const docName = await boardFor(member, workshopId, stageKey);
	const card = await rooms.read(docName, (doc) => cardIn(doc, cardId));
	if (!card) throw new RuleError('This board has no such card.', 404);
	if (member.kind !== 'facilitator' && card.teamId !== member.teamId) {
		throw new RuleError('Only the team that wrote this card may remove it.', 403);
	}
	await rooms.change(docName, (doc) => void deleteCard(doc, cardId));
	await countIfPrivate(docName, workshopId, stageKey);
}

/** A card came to or left a team's private board: the projector's counts follow. */
async function countIfPrivate(docName: string, workshopId: string, stageKey: string) {
	if (docName !== stageDocName(workshopId, stageKey)) {
		await projector.refreshUnrevealed(workshopId, stageKey);
	}
}

/**
 * The template's starting content (the terms, the lead journey), written once when a workshop
 * is created so the facilitator can edit it before the session. Each stage of the workshop
 * takes what the template's stage of the same key holds; a term's draft fills its merged
 * wording, and a step's owner is the workshop's team of that name.
 */
export async function prefill(workshopId: string, template: TemplateContent): Promise<void> {
	const [stageRows, teamRows] = await Promise.all([
		stages.list(workshopId),
		workshops.teams(workshopId)
	]);
	const teamIds = teamRows.map((t) => t.id);
	const teamByName = new Map(teamRows.map((t) => [t.name.toLowerCase(), t.id]));
	for (const stage of stageRows) {
		const source = template.stages.find((s) => s.key === stage.key);
		const items: Card[] = [];
		const drafts = new Map<string, string>();
		const now = Date.now();
		if (stage.kind === 'shared-terms') {
			(source?.terms ?? []).forEach((term, position) => {
				const id = newId();
				if (term.draft) drafts.set(id, term.draft);
				items.push({
					id,
					type: 'term',
					text: term.name,
					hint: term.hint,
					valueType: term.valueType,
					value: term.value,
					teamId: null,
					createdAt: now,
					position
				});
			});
		}
		if (stage.kind === 'connections') {
			(source?.journey ?? []).forEach((step, position) =>
				items.push({
					id: newId(),
					type: 'step',
					text: step.step,
					ownerTeamId: teamByName.get(step.owner.toLowerCase()) ?? null,
					system: step.system,
					slaHours: step.slaHours,
					broken: null,
					isReturnPath: step.returnPath,
					teamId: null,
					createdAt: now,
					position
				})
			);
		}
		if (items.length === 0) continue;
		await rooms.change(stageDocName(workshopId, stage.key), (doc: Y.Doc) => {
			for (const item of items) addCard(doc, item, teamIds);
			for (const [id, draft] of drafts) termText(doc, id, TERM_TEXT.merged)?.insert(0, draft);
		});
	}
}

/**
 * The facilitator keeps a stage's lead journey in the charter although it is still the
 * template's suggestion (the charter leaves such a journey out otherwise). Marks every step,
 * so the choice lasts when the charter is compiled again.
 */
export async function keepInCharter(workshopId: string, stageKey: string): Promise<void> {
	const stage = await stages.get(workshopId, stageKey);
	if (!stage) throw new RuleError('This workshop has no such stage.', 404);
	await rooms.change(stageDocName(workshopId, stageKey), (doc) => {
		const steps = listCards(doc, 'step');
		if (steps.length === 0)
			throw new RuleError('This stage has no lead journey to keep in the charter.', 409);
		for (const step of steps) {
			if (step.keptInCharter !== true) cardsOf(doc).get(step.id)!.set('keptInCharter', true);
		}
	});
}

/**
 * A copied workshop starts with the boards of its source, as they are now. Its teams are new
 * ones, made in the source's order (workshops.copySource), so every team a card names (who
 * wrote it, owns it, is its subject) and every team's wording is carried to the copy's team
 * in the same place; a term gets its texts for every team of the copy.
 */
export async function copy(sourceWorkshopId: string, targetWorkshopId: string): Promise<void> {
	const [sourceTeams, targetTeams] = await Promise.all([
		workshops.teams(sourceWorkshopId),
		workshops.teams(targetWorkshopId)
	]);
	const copied = new Map(sourceTeams.map((t, i) => [t.id, targetTeams[i]?.id ?? null]));
	const teamOf = (id: string | null | undefined) => (id ? (copied.get(id) ?? null) : null);
	const teamIds = targetTeams.map((t) => t.id);
	for (const stage of await stages.list(targetWorkshopId)) {
		const items = await rooms.read(stageDocName(sourceWorkshopId, stage.key), (doc) => {
			const found: Array<{ card: Card; texts: Array<[string, string]> }> = [];
			cardsOf(doc).forEach((item, id) => {
				const texts: Array<[string, string]> = [];
				item.forEach((value, key) => {
					if (value instanceof Y.Text) texts.push([key, value.toString()]);
				});
				const card = readCard(id, item);
				// An item this release cannot read is not copied: it could not be shown there either.
				if (!isUnknownItem(card)) found.push({ card, texts });
			});
			return found;
		});
		await rooms.change(stageDocName(targetWorkshopId, stage.key), (doc) => {
			for (const { card, texts } of items) {
				const moved: Card = { ...card, teamId: teamOf(card.teamId) };
				if (card.ownerTeamId !== undefined) moved.ownerTeamId = teamOf(card.ownerTeamId);
				if (card.aboutTeamId !== undefined) moved.aboutTeamId = teamOf(card.aboutTeamId);
				addCard(doc, moved, teamIds);
				const item = cardsOf(doc).get(card.id)!;
				for (const [key, text] of texts) {
					const owner = textOwner(key);
					const team = owner.kind === 'team' ? teamOf(owner.teamId) : null;
					// A team the copy does not have (more teams in the source): its text stays behind.
					if (owner.kind === 'team' && !team) continue;
					const target = !team
						? key
						: key.startsWith('wording:')
							? TERM_TEXT.wording(team)
							: TERM_TEXT.fields(team);
					if (!text) continue;
					let into = item.get(target);
					if (!(into instanceof Y.Text)) item.set(target, (into = new Y.Text()));
					(into as Y.Text).insert(0, text);
				}
			}
		});
	}
}
