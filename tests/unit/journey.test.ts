import { describe, expect, test } from 'vitest';
import type { Card } from '../../src/lib/collab/cards';
import { journeyOrder, moveInJourney } from '../../src/lib/collab/journey';
import { arrowLabel, layoutLinks, slaText } from '../../src/lib/components/workshop/journey-layout';

function step(id: string, position: number, isReturnPath = false): Card {
	return { id, type: 'step', text: id, teamId: null, createdAt: 1, position, isReturnPath };
}

const ids = (cards: Card[]) => cards.map((c) => c.id);

function apply(steps: Card[], moves: Array<{ id: string; position: number }>): Card[] {
	return steps.map((s) => ({
		...s,
		position: moves.find((m) => m.id === s.id)?.position ?? s.position
	}));
}

describe('the lead journey', () => {
	test('reads forward by position, and the return to nurture closes it whatever its position', () => {
		const steps = [step('touch', 0), step('nurture', 2, true), step('mql', 1), step('late', 3)];
		expect(ids(journeyOrder(steps))).toEqual(['touch', 'mql', 'late', 'nurture']);
	});

	test('a step moves one place either way, within its part of the journey only', () => {
		const steps = [step('a', 0), step('b', 1), step('c', 2), step('back', 3, true)];
		const earlier = moveInJourney(steps, 'c', 'earlier')!;
		expect(ids(journeyOrder(apply(steps, earlier)))).toEqual(['a', 'c', 'b', 'back']);
		// Only the two that swapped are written.
		expect(earlier).toEqual([
			{ id: 'c', position: 1 },
			{ id: 'b', position: 2 }
		]);
		expect(moveInJourney(steps, 'a', 'earlier')).toBeNull();
		expect(moveInJourney(steps, 'c', 'later')).toBeNull();
		expect(moveInJourney(steps, 'back', 'earlier')).toBeNull();
		expect(moveInJourney(steps, 'missing', 'later')).toBeNull();
	});

	test('steps that share a position get an order of their own when one moves', () => {
		const steps = [step('a', 5), step('b', 5), step('c', 5)];
		const moves = moveInJourney(steps, 'c', 'earlier')!;
		const after = journeyOrder(apply(steps, moves));
		expect(ids(after)).toEqual(['a', 'c', 'b']);
		expect(after.map((s) => s.position)).toEqual([5, 6, 7]);
	});
});

describe('the journey diagram’s arrows', () => {
	const box = (x: number, y: number) => ({ x, y, w: 100, h: 40 });

	test('an arrow runs across a row, down a column, or from a row’s end to the next row', () => {
		const steps = [step('a', 0), step('b', 1), step('c', 2), step('d', 3)];
		const links = layoutLinks(
			steps,
			[box(0, 0), box(200, 0), box(200, 100), box(0, 200)],
			16,
			false
		);
		expect(links.map((l) => [l.key, l.d, l.anchor])).toEqual([
			['a-b', 'M100 20H198', 'above'],
			['b-c', 'M240 40V98', 'right'],
			['c-d', 'M250 140V170H40V198', 'above']
		]);
	});

	test('the return to nurture loops back into the first step, labelled so', () => {
		const steps = [step('a', 0), step('back', 1, true)];
		const links = layoutLinks(steps, [box(20, 0), box(20, 100)], 16, true);
		expect(links.at(-1)).toMatchObject({ key: 'loop', isLoop: true, label: 'back to step 1' });
		expect(links.at(-1)?.d).toBe('M60 140V157.6H10V20H18');
	});

	test('an arrow carries the SLA, with a warning sign into a broken step', () => {
		expect(arrowLabel({ slaHours: 4 })).toBe('SLA 4 h');
		expect(arrowLabel({ slaHours: 4, broken: 'human' })).toBe('⚠ SLA 4 h');
		expect(arrowLabel({ broken: 'human' })).toBe('⚠');
		expect(arrowLabel({})).toBeNull();
		expect(slaText(1)).toBe('1 hour');
		expect(slaText(24)).toBe('24 hours');
	});
});
