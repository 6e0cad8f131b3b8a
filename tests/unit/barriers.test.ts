import { describe, expect, test } from 'vitest';
import { arrangeBarriers, ranksByDots, topBarriers } from '../../src/lib/collab/barriers';
import type { Card } from '../../src/lib/collab/cards';

function barrier(id: string, position: number, fields: Partial<Card> = {}): Card {
	return {
		id,
		type: 'barrier',
		text: `barrier ${id}`,
		teamId: null,
		createdAt: 1,
		position,
		...fields
	};
}

describe('grouping barriers', () => {
	test('cards sharing a group id read as one group where its first card is, others as single cards', () => {
		const cards = [
			barrier('a', 0),
			barrier('b', 1, { groupId: 'c' }),
			barrier('c', 2, { groupId: 'c' }),
			barrier('d', 3, { groupId: 'c' })
		];
		const entries = arrangeBarriers(cards);
		expect(entries.map((e) => (e.kind === 'card' ? e.card.id : `group:${e.group.id}`))).toEqual([
			'a',
			'group:c'
		]);
		const group = entries[1]!.kind === 'group' ? entries[1]!.group : null;
		// The card the others were put with leads, and names the group until it gets a title.
		expect(group?.cards.map((c) => c.id)).toEqual(['c', 'b', 'd']);
		expect(group?.title).toBe('barrier c');
		expect(group?.hasOwnTitle).toBe(false);
	});

	test('a given title wins; a group whose lead left is named after its first card; one card alone is no group', () => {
		const titled = arrangeBarriers([
			barrier('a', 0, { groupId: 'a', groupTitle: 'Pay plans' }),
			barrier('b', 1, { groupId: 'a', groupTitle: 'Pay plans' })
		]);
		expect(titled).toMatchObject([
			{ kind: 'group', group: { title: 'Pay plans', hasOwnTitle: true } }
		]);

		const leadLeft = arrangeBarriers([
			barrier('a', 0),
			barrier('b', 1, { groupId: 'a' }),
			barrier('c', 2, { groupId: 'a' })
		]);
		expect(leadLeft[1]).toMatchObject({ kind: 'group', group: { title: 'barrier b' } });

		const alone = arrangeBarriers([barrier('a', 0, { groupId: 'x' }), barrier('b', 1)]);
		expect(alone.every((e) => e.kind === 'card')).toBe(true);
	});
});

describe('ranking a dot vote', () => {
	test('most dots rank 1; ties share a rank and the next rank skips', () => {
		const ranks = ranksByDots([
			{ cardId: 'a', dots: 3 },
			{ cardId: 'b', dots: 7 },
			{ cardId: 'c', dots: 3 },
			{ cardId: 'd', dots: 1 },
			{ cardId: 'e', dots: 7 }
		]);
		expect(Object.fromEntries(ranks)).toEqual({ b: 1, e: 1, a: 3, c: 3, d: 5 });
		expect(ranksByDots([]).size).toBe(0);
	});

	test('top barriers: none before a vote; after it the ranked ones with dots, best first, down to rank 5', () => {
		expect(topBarriers([barrier('a', 0), barrier('b', 1)])).toBeNull();
		const cards = [
			barrier('a', 0, { rank: 2, dots: 4 }),
			barrier('b', 1, { rank: 1, dots: 9 }),
			barrier('c', 2, { rank: 6, dots: 1 }),
			barrier('d', 3, { rank: 2, dots: 4 }),
			barrier('e', 4, { rank: 7, dots: 0 }),
			barrier('f', 5)
		];
		expect(topBarriers(cards)!.map((c) => c.id)).toEqual(['b', 'a', 'd']);
		// A vote in which nobody placed a dot on anything still shows the section, empty.
		expect(topBarriers([barrier('a', 0, { rank: 1, dots: 0 })])).toEqual([]);
	});
});
