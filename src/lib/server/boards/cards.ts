/**
 * Adding, changing and removing board items. The server writes them (through the realtime
 * hub, so they reach every screen at once) after checking the text and who is asking; the
 * author's team is stamped here, never taken from the browser.
 */
import {
	addCard,
	cardsOf,
	deleteCard,
	listCards,
	updateCard,
	type Card,
	type CardFields
} from '../../collab/cards';
import type { WorkshopMember } from '../api';
import { newId } from '../ids';
import * as rooms from '../rooms';
import { RuleError } from '../rules';
import * as workshops from '../workshops';
import { boardFor, cardIn, countIfPrivate, mayChange } from './access';
import { planRegroup } from './barriers';

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
