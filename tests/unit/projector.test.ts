/**
 * The projector's rules that need no screen: how its work is split into pages, what a private
 * round shows of each team, which poll and which term take the stage.
 */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { PollView } from '../../src/lib/collab/polls';
import {
	countUnrevealed,
	pageIndex,
	pollOnProjector,
	readProjectorView,
	readUnrevealed,
	termOnProjector,
	writeProjectorView,
	writeUnrevealed
} from '../../src/lib/collab/projector';
import {
	packSlots,
	pageCountOf,
	rowBudget,
	shorten,
	textBudget,
	type Box
} from '../../src/routes/(facilitator)/workshops/[id]/projector/pages';

/** Items of the given heights, stacked with `gap` px between them. */
function stack(heights: number[], gap = 10, headings: number[] = []): Box[] {
	let top = 0;
	return heights.map((h, i) => {
		const box = { top, bottom: top + h, keepWithNext: headings.includes(i) };
		top += h + gap;
		return box;
	});
}

describe('splitting a column into pages', () => {
	test('items fill a page up to its height, then a new page starts', () => {
		// 100 + 10 + 100 + 10 + 100 = 320: three fit in 330, not in 300.
		expect(packSlots(stack([100, 100, 100, 100]), 330)).toEqual([[0, 1, 2], [3]]);
		expect(packSlots(stack([100, 100, 100, 100]), 300)).toEqual([
			[0, 1],
			[2, 3]
		]);
		expect(packSlots([], 300)).toEqual([]);
	});

	test('a heading never ends a page: it moves on with the item after it', () => {
		// Heading (index 2) would be last on the first page: it goes to the second.
		expect(packSlots(stack([100, 100, 30, 100], 10, [2]), 260)).toEqual([
			[0, 1],
			[2, 3]
		]);
	});

	test('an item taller than a page gets a page of its own, and the rest go on', () => {
		expect(packSlots(stack([50, 500, 50]), 200)).toEqual([[0], [1], [2]]);
	});

	test('pages: the longest side-by-side column decides; a flowing list fills its columns first', () => {
		expect(pageCountOf([[[0]], [[0], [1], [2]], []])).toBe(3);
		expect(pageCountOf([[[0], [1], [2], [3], [4]]], 2)).toBe(3);
		expect(pageCountOf([[]], 3)).toBe(1);
		expect(pageCountOf([])).toBe(1);
	});

	test('pages are counted round: after the last comes the first, before the first the last', () => {
		expect(pageIndex(0, 3)).toBe(0);
		expect(pageIndex(4, 3)).toBe(1);
		expect(pageIndex(-1, 3)).toBe(2);
		expect(pageIndex(5, 0)).toBe(0);
	});
});

describe('showing less when even the smallest type does not fit', () => {
	test('long texts keep their start, or their end while being typed', () => {
		expect(shorten('short', 10)).toBe('short');
		expect(shorten('a long wording here', 8)).toBe('a long…');
		expect(shorten('a long wording here', 8, 'end')).toBe('…ng here');
		expect(shorten('anything', Infinity)).toBe('anything');
	});

	test('each step keeps less: texts down to 40 characters, lists down to 3 rows', () => {
		expect(textBudget(0)).toBe(Infinity);
		expect(textBudget(1)).toBe(480);
		expect(textBudget(2)).toBe(360);
		expect(textBudget(40)).toBe(40);
		expect(rowBudget(30, 0)).toBe(30);
		expect(rowBudget(30, 1)).toBe(24);
		expect(rowBudget(30, 20)).toBe(3);
		expect(rowBudget(2, 5)).toBe(2);
	});
});

describe('what the projector shows of a stage', () => {
	test('a private round shows, per team, the cards the stage board does not have yet', () => {
		const counts = countUnrevealed(
			[
				{ teamId: 'sales', cardIds: ['a', 'b', 'c'] },
				{ teamId: 'marketing', cardIds: ['d'] },
				{ teamId: 'success', cardIds: [] }
			],
			// 'a' was revealed in an earlier round; the team board still holds it.
			new Set(['a', 'd'])
		);
		expect(counts).toEqual({ sales: 2 });
	});

	test('the counts and the view live in the room, and a view belongs to its stage', () => {
		const doc = new Y.Doc();
		expect(readProjectorView(doc, 'barriers')).toEqual({
			stageKey: 'barriers',
			termId: null,
			page: 0,
			resultPutAway: null
		});
		writeProjectorView(doc, { stageKey: 'barriers', termId: null, page: 2, resultPutAway: 'p1' });
		expect(readProjectorView(doc, 'barriers').page).toBe(2);
		expect(readProjectorView(doc, 'measures').page).toBe(0);
		writeUnrevealed(doc, 'barriers', { sales: 2 });
		expect(readUnrevealed(doc)).toEqual({ barriers: { sales: 2 } });
		writeUnrevealed(doc, 'barriers', {});
		expect(readUnrevealed(doc)).toEqual({});
	});

	const poll = (id: string, status: PollView['status'], stageKey: string | null) =>
		({ id, status, stageKey }) as PollView;

	test('a running vote takes the stage; a revealed result of this stage until it is put away', () => {
		const view = { stageKey: 's', termId: null, page: 0, resultPutAway: null };
		const revealed = [poll('old', 'revealed', 's'), poll('new', 'revealed', 's')];
		expect(pollOnProjector(revealed, 's', view)?.id).toBe('new');
		expect(pollOnProjector(revealed, 'other', view)).toBeUndefined();
		expect(pollOnProjector(revealed, 's', { ...view, resultPutAway: 'new' })).toBeUndefined();
		const running = [...revealed, poll('open', 'open', 'other')];
		expect(pollOnProjector(running, 's', { ...view, resultPutAway: 'open' })?.id).toBe('open');
	});

	test('the term: the one picked, else the one being typed in, else the first not yet merged', () => {
		const terms = [{ id: 'mql' }, { id: 'sal' }, { id: 'sql' }];
		const merged = new Set(['mql']);
		const hasMerged = (t: { id: string }) => merged.has(t.id);
		expect(termOnProjector(terms, 'sql', 'sal', hasMerged)?.id).toBe('sql');
		expect(termOnProjector(terms, null, 'sal', hasMerged)?.id).toBe('sal');
		expect(termOnProjector(terms, 'deleted', null, hasMerged)?.id).toBe('sal');
		expect(termOnProjector(terms, null, null, () => true)?.id).toBe('mql');
		expect(termOnProjector([], null, null, hasMerged)).toBeNull();
	});
});
