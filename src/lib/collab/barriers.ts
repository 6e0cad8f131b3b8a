/**
 * How the Barriers board reads its cards: similar barriers put together in groups, and, once
 * a dot vote has been revealed, the barriers that got the most dots. Pure functions over
 * cards, so the server's checks, every screen and the unit tests agree.
 *
 * A group is every barrier sharing a `groupId`, the id of the card the first two were put
 * together with (its "lead", which may later leave or be deleted). A group left with a single
 * card is no group: that card reads as any other.
 */
import type { Card } from './cards';

export interface BarrierGroup {
	/** The `groupId` its cards share. */
	id: string;
	/** The title someone gave it, or the text of its first card. */
	title: string;
	/** Whether `title` was given (false: taken from the first card). */
	hasOwnTitle: boolean;
	cards: Card[];
}

export type BarrierEntry = { kind: 'card'; card: Card } | { kind: 'group'; group: BarrierGroup };

/**
 * The board's barriers as they are shown: groups (where their first card is) and single
 * cards, in the order given (the board's order).
 */
export function arrangeBarriers(barriers: readonly Card[]): BarrierEntry[] {
	const members = new Map<string, Card[]>();
	for (const card of barriers) {
		if (!card.groupId) continue;
		const list = members.get(card.groupId);
		if (list) list.push(card);
		else members.set(card.groupId, [card]);
	}
	const entries: BarrierEntry[] = [];
	const placed = new Set<string>();
	for (const card of barriers) {
		const cards = card.groupId ? members.get(card.groupId) : undefined;
		if (!cards || cards.length < 2) {
			entries.push({ kind: 'card', card });
			continue;
		}
		if (placed.has(card.groupId!)) continue;
		placed.add(card.groupId!);
		entries.push({ kind: 'group', group: groupOf(card.groupId!, cards) });
	}
	return entries;
}

function groupOf(id: string, cards: Card[]): BarrierGroup {
	const given = cards.find((c) => c.groupTitle?.trim())?.groupTitle?.trim();
	// The card the others were put with comes first, while it is in the group.
	const lead = cards.find((c) => c.id === id);
	const ordered = lead ? [lead, ...cards.filter((c) => c !== lead)] : cards;
	return {
		id,
		title: given ?? ordered[0]!.text,
		hasOwnTitle: !!given,
		cards: ordered
	};
}

/**
 * Competition ranking ("1224"): 1 for the most dots, cards with as many dots share a rank, and
 * the next rank skips as many places as shared it.
 */
export function ranksByDots(
	ranking: ReadonlyArray<{ cardId: string; dots: number }>
): Map<string, number> {
	const ranks = new Map<string, number>();
	for (const entry of ranking) {
		const ahead = ranking.filter((other) => other.dots > entry.dots).length;
		ranks.set(entry.cardId, ahead + 1);
	}
	return ranks;
}

/** Ranks shown as top barriers (ties at the last one included). */
export const TOP_BARRIER_RANKS = 5;

/**
 * The barriers a revealed dot vote put on top: ranked, with at least one dot, best first.
 * Null while no barrier has a rank (no vote revealed yet): the section is not shown at all.
 */
export function topBarriers(barriers: readonly Card[]): Card[] | null {
	const ranked = barriers.filter((c) => typeof c.rank === 'number');
	if (ranked.length === 0) return null;
	return ranked
		.filter((c) => c.rank! <= TOP_BARRIER_RANKS && (c.dots ?? 0) > 0)
		.sort((a, b) => a.rank! - b.rank! || a.position - b.position || a.createdAt - b.createdAt);
}
