import { describe, expect, test } from 'vitest';
import {
	backoffCeiling,
	DEFAULT_BACKOFF,
	jitteredDelay,
	ReconnectSchedule,
	type BackoffPolicy
} from '../../src/lib/state/backoff';

/** mulberry32: a tiny seeded generator, so distribution tests give the same draws every run. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const policy: BackoffPolicy = { baseMs: 1_000, capMs: 10_000 };

function histogram(values: number[], bucketMs: number): Map<number, number> {
	const buckets = new Map<number, number>();
	for (const v of values) {
		const key = Math.floor(v / bucketMs);
		buckets.set(key, (buckets.get(key) ?? 0) + 1);
	}
	return buckets;
}

describe('backoff ceiling', () => {
	test('doubles from the base and stops at the cap', () => {
		expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(n, policy))).toEqual([
			1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000
		]);
	});

	test('stays at the cap for absurd attempt counts and treats bad counts as the first', () => {
		expect(backoffCeiling(1_000_000, policy)).toBe(10_000);
		expect(backoffCeiling(Number.POSITIVE_INFINITY, policy)).toBe(1_000);
		expect(backoffCeiling(-3, policy)).toBe(1_000);
		expect(backoffCeiling(Number.NaN, policy)).toBe(1_000);
	});

	test('the default policy has a first window of a second and a cap above it', () => {
		expect(backoffCeiling(0)).toBe(DEFAULT_BACKOFF.baseMs);
		expect(DEFAULT_BACKOFF.capMs).toBeGreaterThan(DEFAULT_BACKOFF.baseMs);
	});
});

describe('jittered delay', () => {
	test('every draw is a whole number of ms inside [0, ceiling) for every attempt', () => {
		const random = seeded(1);
		for (let attempt = 0; attempt < 12; attempt++) {
			const ceiling = backoffCeiling(attempt, policy);
			const draws = Array.from({ length: 2_000 }, () => jitteredDelay(attempt, policy, random));
			expect(draws.every(Number.isInteger)).toBe(true);
			expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
			expect(Math.max(...draws)).toBeLessThan(ceiling);
		}
	});

	test('the extremes of the generator map to the edges of the window, never past them', () => {
		expect(jitteredDelay(2, policy, () => 0)).toBe(0);
		expect(jitteredDelay(2, policy, () => 0.999999)).toBe(3_999);
		// A generator that misbehaves must not push a client past the window.
		expect(jitteredDelay(2, policy, () => 1)).toBeLessThan(4_000);
		expect(jitteredDelay(2, policy, () => 7)).toBeLessThan(4_000);
		expect(jitteredDelay(2, policy, () => -1)).toBe(0);
	});

	test('draws cover the whole window evenly (mean near half the ceiling, both ends reached)', () => {
		const random = seeded(2);
		const draws = Array.from({ length: 20_000 }, () => jitteredDelay(3, policy, random));
		const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
		expect(mean).toBeGreaterThan(4_000 * 0.97);
		expect(mean).toBeLessThan(4_000 * 1.03);
		expect(Math.min(...draws)).toBeLessThan(8_000 * 0.01);
		expect(Math.max(...draws)).toBeGreaterThan(8_000 * 0.99);
	});
});

describe('300 phones after a server restart', () => {
	test('first retries spread over the whole first window instead of landing together', () => {
		const random = seeded(3);
		const delays = Array.from({ length: 300 }, () => new ReconnectSchedule(policy, random).next());
		// Uniform over 1 s is ~30 clients per 100 ms; a busy bucket may see twice that, not 300.
		const buckets = histogram(delays, 100);
		expect(buckets.size).toBe(10);
		expect(Math.max(...buckets.values())).toBeLessThanOrEqual(60);
		// In lockstep all 300 share one millisecond; jittered, a millisecond holds a handful at most.
		expect(Math.max(...histogram(delays, 1).values())).toBeLessThanOrEqual(5);
		expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(900);
	});

	test('a storm against a server that is down for 3 s never peaks and everyone is back soon after', () => {
		const random = seeded(4);
		const downUntilMs = 3_000;
		const clients = Array.from({ length: 300 }, () => new ReconnectSchedule(policy, random));
		const attempts: number[] = [];
		const backAt: number[] = [];
		for (const schedule of clients) {
			let now = 0;
			for (;;) {
				now += schedule.next();
				attempts.push(now);
				if (now >= downUntilMs) {
					schedule.reset();
					backAt.push(now);
					break;
				}
			}
		}
		expect(backAt).toHaveLength(300);
		// Without jitter all 300 attempts of each wave share one millisecond.
		const peak = Math.max(...histogram(attempts, 100).values());
		expect(peak).toBeLessThanOrEqual(60);
		// Once the server is up, nobody waits longer than one capped window.
		expect(Math.max(...backAt)).toBeLessThan(downUntilMs + policy.capMs);
		// Most are back within the window that was open when the server came up.
		const quick = backAt.filter((t) => t < downUntilMs + 4_000).length;
		expect(quick).toBeGreaterThan(200);
	});
});

describe('reconnect schedule', () => {
	test('each failure widens the window and a sync starts over from the first window', () => {
		const schedule = new ReconnectSchedule(policy, () => 0.999999);
		expect([schedule.next(), schedule.next(), schedule.next()]).toEqual([999, 1_999, 3_999]);
		expect(schedule.attempt).toBe(3);
		schedule.reset();
		expect(schedule.attempt).toBe(0);
		expect(schedule.next()).toBe(999);
	});

	test('a long outage stays at the cap', () => {
		const schedule = new ReconnectSchedule(policy, () => 0.999999);
		let last = 0;
		for (let i = 0; i < 50; i++) last = schedule.next();
		expect(last).toBe(9_999);
	});
});
