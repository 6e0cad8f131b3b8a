import { describe, expect, test } from 'vitest';
import { isStageKey } from '../../src/lib/collab/doc-names';
import { moveInOrder, stageKeyFor } from '../../src/lib/domain/stages';
import { ALIGNMENT_TEMPLATE, DEFAULT_TERMS } from '../../src/lib/domain/template';

describe('stage keys', () => {
	test('are slugs of the title, unique within the workshop', () => {
		expect(stageKeyFor('Barriers & incentives', new Set())).toBe('barriers-and-incentives');
		expect(stageKeyFor('Open discussion', new Set(['open-discussion']))).toBe('open-discussion-2');
		expect(stageKeyFor('Open discussion', new Set(['open-discussion', 'open-discussion-2']))).toBe(
			'open-discussion-3'
		);
		expect(stageKeyFor('Café à la carte', new Set())).toBe('cafe-a-la-carte');
	});

	test('titles with nothing usable still give a valid key', () => {
		for (const title of ['!!!', '2026 plan', '   ', '日本語', 'x'.repeat(200)]) {
			const key = stageKeyFor(title, new Set());
			expect(isStageKey(key)).toBe(true);
		}
		expect(stageKeyFor('2026 plan', new Set())).toBe('plan');
	});

	test('the template keys are valid and distinct, and the terms are the ones the field uses', () => {
		const keys = ALIGNMENT_TEMPLATE.map((s) => s.key);
		expect(new Set(keys).size).toBe(keys.length);
		for (const key of keys) expect(isStageKey(key)).toBe(true);
		expect(DEFAULT_TERMS.map((t) => t.name)).toEqual([
			'MQL',
			'SAL',
			'SQL',
			'Opportunity',
			'Recycled / Nurture',
			'Disqualified',
			'Lead-score threshold',
			'Hand-off SLA'
		]);
	});
});

describe('moving a stage', () => {
	const order = ['a', 'b', 'c', 'd'];

	test('moves forwards and backwards', () => {
		expect(moveInOrder(order, 0, 2)).toEqual(['b', 'c', 'a', 'd']);
		expect(moveInOrder(order, 3, 0)).toEqual(['d', 'a', 'b', 'c']);
		expect(moveInOrder(order, 1, 1)).toEqual(order);
	});

	test('an invalid position gives null and leaves the list alone', () => {
		for (const [from, to] of [
			[0, 4],
			[-1, 0],
			[0, -1],
			[4, 0],
			[0.5, 1],
			[Number.NaN, 1]
		]) {
			expect(moveInOrder(order, from!, to!)).toBeNull();
		}
		expect(order).toEqual(['a', 'b', 'c', 'd']);
	});
});
