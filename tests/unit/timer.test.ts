import { describe, expect, test } from 'vitest';
import * as timer from '../../src/lib/domain/timer';

const MIN = 60_000;

describe('the shared stage timer', () => {
	test('counts down only while running', () => {
		let t = timer.newTimer('shared-terms', 10 * MIN);
		expect(timer.remaining(t, 5_000)).toBe(10 * MIN);
		t = timer.start(t, 1_000);
		expect(timer.remaining(t, 1_000 + 90_000)).toBe(10 * MIN - 90_000);
		t = timer.pause(t, 1_000 + 90_000);
		expect(timer.isRunning(t)).toBe(false);
		expect(timer.remaining(t, 10 * MIN * 5)).toBe(10 * MIN - 90_000);
		t = timer.start(t, 500_000);
		expect(timer.remaining(t, 510_000)).toBe(10 * MIN - 100_000);
	});

	test('starting a running timer or pausing a paused one changes nothing', () => {
		const running = timer.start(timer.newTimer('x', MIN), 0);
		expect(timer.start(running, 30_000)).toBe(running);
		const paused = timer.newTimer('x', MIN);
		expect(timer.pause(paused, 30_000)).toBe(paused);
	});

	test('adding a minute works running, paused, and after running out', () => {
		const running = timer.start(timer.newTimer('x', MIN), 0);
		const more = timer.addTime(running, MIN, 30_000);
		expect(timer.remaining(more, 30_000)).toBe(90_000);
		expect(more.durationMs).toBe(2 * MIN);
		const paused = timer.addTime(timer.newTimer('x', MIN), MIN, 0);
		expect(timer.remaining(paused, 999_999)).toBe(2 * MIN);
		const overrun = timer.addTime(running, MIN, 5 * MIN);
		expect(timer.remaining(overrun, 5 * MIN)).toBe(MIN);
	});

	test('formats minutes and seconds, overrun as negative', () => {
		expect(timer.formatRemaining(245_000)).toBe('4:05');
		expect(timer.formatRemaining(8_001)).toBe('0:09');
		expect(timer.formatRemaining(0)).toBe('0:00');
		expect(timer.formatRemaining(-90_000)).toBe('-1:30');
	});

	test('the clock offset comes from the sample with the shortest round trip', () => {
		// The device clock is 5 s behind the server; one sample was delayed on the network.
		const samples = [
			{ sentAt: 1_000, receivedAt: 1_900, serverTime: 6_100 },
			{ sentAt: 2_000, receivedAt: 2_040, serverTime: 7_020 },
			{ sentAt: 3_000, receivedAt: 3_300, serverTime: 8_250 }
		];
		expect(timer.estimateOffset(samples)).toBe(5_000);
		expect(timer.estimateOffset([])).toBe(0);
	});
});
