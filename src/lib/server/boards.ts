/**
 * Adding, changing and removing board items. The server writes them (through the realtime
 * hub, so they reach every screen at once) after checking the text and who is asking; the
 * author's team is stamped here, never taken from the browser.
 */
import * as Y from 'yjs';
import {
	addCard,
	cardsOf,
	deleteCard,
	readCard,
	updateCard,
	type Card,
	type CardFields
} from '../collab/cards';
import { stageDocName, teamDocName } from '../collab/doc-names';
import { DEFAULT_JOURNEY, DEFAULT_TERMS } from '../domain/template';
import type { WorkshopMember } from './api';
import { newId } from './ids';
import * as rooms from './rooms';
import * as stages from './stages';
import * as workshops from './workshops';

export class BoardRuleError extends Error {
	override name = 'BoardRuleError';
	constructor(
		message: string,
		readonly status: 403 | 404 | 409
	) {
		super(message);
	}
}

/** The board a member writes on now: their team's while private writing is on. */
async function boardFor(member: WorkshopMember, workshopId: string, stageKey: string) {
	const stage = await stages.get(workshopId, stageKey);
	if (!stage) throw new BoardRuleError('This workshop has no such stage.', 404);
	const state = await rooms.stageState(workshopId, stageKey);
	if (member.kind === 'participant') {
		if (state.locked)
			throw new BoardRuleError(
				'This stage is locked: the facilitator has closed it for edits.',
				409
			);
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
	for (const key of ['aboutTeamId', 'ownerTeamId'] as const) {
		const value = input[key];
		if (value && !teamIds.includes(value))
			throw new BoardRuleError('That team is not part of this workshop.', 404);
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
	return id;
}

/** Who may change which fields: the author's team its card; the team a card is about its verdict. */
function mayChange(member: WorkshopMember, card: Card, patch: Record<string, unknown>): boolean {
	if (member.kind === 'facilitator') return true;
	if (card.teamId === member.teamId) return true;
	const verdictOnly = Object.keys(patch).every((k) => k === 'verdict' || k === 'correction');
	return verdictOnly && card.aboutTeamId === member.teamId;
}

export async function change(
	member: WorkshopMember,
	workshopId: string,
	stageKey: string,
	cardId: string,
	patch: Partial<CardFields> & { text?: string }
): Promise<void> {
	const docName = await boardFor(member, workshopId, stageKey);
	const card = await rooms.read(docName, (doc) => {
		const item = cardsOf(doc).get(cardId);
		return item ? readCard(cardId, item) : null;
	});
	if (!card) throw new BoardRuleError('This board has no such card.', 404);
	if (!mayChange(member, card, patch))
		throw new BoardRuleError('Only the team that wrote this card may change it.', 403);
	await rooms.change(docName, (doc) => void updateCard(doc, cardId, patch));
}

export async function remove(
	member: WorkshopMember,
	workshopId: string,
	stageKey: string,
	cardId: string
) {
	const docName = await boardFor(member, workshopId, stageKey);
	const card = await rooms.read(docName, (doc) => {
		const item = cardsOf(doc).get(cardId);
		return item ? readCard(cardId, item) : null;
	});
	if (!card) throw new BoardRuleError('This board has no such card.', 404);
	if (member.kind !== 'facilitator' && card.teamId !== member.teamId) {
		throw new BoardRuleError('Only the team that wrote this card may remove it.', 403);
	}
	await rooms.change(docName, (doc) => void deleteCard(doc, cardId));
}

/**
 * The template's starting content (the terms, the lead journey), written once when a workshop
 * is created so the facilitator can edit it before the session.
 */
export async function prefill(workshopId: string): Promise<void> {
	const [stageRows, teamRows] = await Promise.all([
		stages.list(workshopId),
		workshops.teams(workshopId)
	]);
	const teamIds = teamRows.map((t) => t.id);
	const teamByName = new Map(teamRows.map((t) => [t.name, t.id]));
	for (const stage of stageRows) {
		const items: Card[] = [];
		const now = Date.now();
		if (stage.kind === 'shared-terms') {
			DEFAULT_TERMS.forEach((term, position) =>
				items.push({
					id: newId(),
					type: 'term',
					text: term.name,
					hint: term.hint,
					valueType: term.valueType,
					value: null,
					teamId: null,
					createdAt: now,
					position
				})
			);
		}
		if (stage.kind === 'connections') {
			DEFAULT_JOURNEY.forEach((step, position) =>
				items.push({
					id: newId(),
					type: 'step',
					text: step.step,
					ownerTeamId: teamByName.get(step.owner) ?? null,
					system: step.system,
					slaHours: null,
					broken: null,
					isReturnPath: position === DEFAULT_JOURNEY.length - 1,
					teamId: null,
					createdAt: now,
					position
				})
			);
		}
		if (items.length === 0) continue;
		await rooms.change(stageDocName(workshopId, stage.key), (doc: Y.Doc) => {
			for (const item of items) addCard(doc, item, teamIds);
		});
	}
}

/** A copied workshop starts with the boards of its source, as they are now. */
export async function copy(sourceWorkshopId: string, targetWorkshopId: string): Promise<void> {
	for (const stage of await stages.list(targetWorkshopId)) {
		const state = await rooms.read(stageDocName(sourceWorkshopId, stage.key), (doc) =>
			Y.encodeStateAsUpdate(doc)
		);
		await rooms.change(stageDocName(targetWorkshopId, stage.key), (doc) =>
			Y.applyUpdate(doc, state)
		);
	}
}
