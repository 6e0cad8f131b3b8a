import { describe, expect, test } from 'vitest';
import { describeDrift, runSheet, takeBackFrom } from '../../src/lib/domain/run-sheet';

const MIN = 60_000;
const NINE = Date.UTC(2027, 2, 4, 9, 0);
const stages = [
	{ key: 'focus', title: 'Focus', plannedMinutes: 30 },
	{ key: 'terms', title: 'Shared terms', plannedMinutes: 45 },
	{ key: 'barriers', title: 'Barriers', plannedMinutes: 60 },
	{ key: 'close', title: 'Agreements', plannedMinutes: 6 }
];

describe('the run-sheet', () => {
	test('planned starts follow the day start and the planned durations', () => {
		const view = runSheet({
			stages,
			visits: [],
			dayStartsAt: NINE,
			currentKey: null,
			now: NINE - 60 * MIN
		});
		expect(view.stages.map((s) => (s.plannedStart! - NINE) / MIN)).toEqual([0, 30, 75, 135]);
		expect(view.plannedEnd).toBe(NINE + 141 * MIN);
		expect(view.projectedEnd).toBe(NINE + 141 * MIN);
		expect(view.driftMs).toBe(0);
		expect(view.stages.every((s) => s.progress === 'upcoming')).toBe(true);
	});

	test('a stage that ran long puts the day over, and the later stages with the most slack give time back', () => {
		const visits = [
			{ stageKey: 'focus', startedAt: NINE, endedAt: NINE + 40 * MIN },
			{ stageKey: 'terms', startedAt: NINE + 40 * MIN, endedAt: null }
		];
		const view = runSheet({
			stages,
			visits,
			dayStartsAt: NINE,
			currentKey: 'terms',
			now: NINE + 50 * MIN
		});
		expect(view.stages[0]).toMatchObject({
			progress: 'done',
			actualMs: 40 * MIN,
			varianceMs: 10 * MIN
		});
		expect(view.stages[1]).toMatchObject({
			progress: 'running',
			actualMs: 10 * MIN,
			varianceMs: null
		});
		// now + 35 left of terms + 60 + 6 = 09:50 + 101 min = 11:31; planned 11:21.
		expect(view.projectedEnd).toBe(NINE + 151 * MIN);
		expect(view.driftMs).toBe(10 * MIN);
		expect(describeDrift(view.driftMs!)).toBe('10 min over');
		expect(view.takeBack).toEqual([
			{ key: 'barriers', title: 'Barriers', minutes: 10, fromMinutes: 60 }
		]);
	});

	test('a running stage past its planned time counts as over, and the day slips with it', () => {
		const visits = [{ stageKey: 'focus', startedAt: NINE, endedAt: null }];
		const view = runSheet({
			stages,
			visits,
			dayStartsAt: null,
			currentKey: 'focus',
			now: NINE + 45 * MIN
		});
		expect(view.stages[0]!.varianceMs).toBe(15 * MIN);
		expect(view.driftMs).toBe(15 * MIN);
		expect(view.takeBack.map((t) => [t.key, t.minutes])).toEqual([['barriers', 15]]);
	});

	test('more drift than the slack of one stage is spread over several, each giving at most a third', () => {
		const taken = takeBackFrom(
			runSheet({ stages, visits: [], dayStartsAt: NINE, currentKey: null, now: NINE }).stages,
			40 * MIN
		);
		expect(taken.map((t) => [t.key, t.minutes])).toEqual([
			['barriers', 20],
			['terms', 15],
			['focus', 5]
		]);
	});

	test('after the session ends nothing runs; revisits add up; early finishes are under', () => {
		const visits = [
			{ stageKey: 'focus', startedAt: NINE, endedAt: NINE + 20 * MIN },
			{ stageKey: 'terms', startedAt: NINE + 20 * MIN, endedAt: NINE + 50 * MIN },
			{ stageKey: 'focus', startedAt: NINE + 50 * MIN, endedAt: NINE + 55 * MIN }
		];
		const view = runSheet({
			stages,
			visits,
			dayStartsAt: NINE,
			currentKey: 'focus',
			now: NINE + 90 * MIN
		});
		expect(view.stages.map((s) => s.progress)).toEqual(['done', 'done', 'upcoming', 'upcoming']);
		expect(view.stages[0]).toMatchObject({
			actualMs: 25 * MIN,
			varianceMs: -5 * MIN,
			actualStart: NINE
		});
		expect(describeDrift(view.stages[1]!.varianceMs!)).toBe('15 min under');
		// 10:30 now, Barriers and Agreements (66 min) still to run: 11:36 against 11:21 planned.
		expect(view.driftMs).toBe(15 * MIN);
	});

	test('a room moved before visits were recorded: its current stage runs', () => {
		const view = runSheet({
			stages,
			visits: [],
			dayStartsAt: null,
			currentKey: 'terms',
			now: NINE
		});
		expect(view.stages[1]!.progress).toBe('running');
		expect(view.plannedEnd).toBeNull();
	});
});
