/**
 * What the room does with barriers once they are on the board: grouping similar ones, and the
 * revealed dot vote's ranks written onto the shared board.
 */
import type * as Y from 'yjs';
import { ranksByDots } from '../../collab/barriers';
import { cardsOf, listCards, updateCard, type Card } from '../../collab/cards';
import { stageDocName } from '../../collab/doc-names';
import * as rooms from '../rooms';
import { RuleError } from '../rules';
import * as stages from '../stages';

/**
 * Putting a barrier into a group with another barrier on the same board (`groupId`: that
 * card's id), or taking it out (`groupId: null`). The card joins the group the other card is
 * in, or starts one with it, and takes the group's title; a group left with one card is
 * dissolved. Returns the writes to make once every check has passed.
 */
export function planRegroup(doc: Y.Doc, card: Card, withId: string | null): () => void {
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
