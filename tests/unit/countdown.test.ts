import { render } from 'svelte/server';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import Countdown from '../../src/lib/components/workshop/Countdown.svelte';
import { addTime, newTimer, pause, start } from '../../src/lib/domain/timer';
import { ServerClock } from '../../src/lib/state/server-clock.svelte';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A server whose clock runs `skewMs` ahead. Each answer reads the clock after `before` ms and
 * arrives `after` ms later: a lopsided round trip is what skews a naive estimate.
 */
function serverAhead(skewMs: number, trips: Array<{ before: number; after: number }>) {
	let call = 0;
	return vi.fn(async () => {
		const trip = trips[Math.min(call++, trips.length - 1)]!;
		await wait(trip.before);
		const now = Date.now() + skewMs;
		await wait(trip.after);
		return new Response(JSON.stringify({ now }), {
			headers: { 'content-type': 'application/json' }
		});
	});
}

/**
 * The clock's timers and the fake server's delays run on fake timers, so a busy machine cannot
 * stretch a round trip: the estimate is exact, and a lopsided trip would be off by 100 ms or more.
 */
const TOLERANCE_MS = 1;

describe('the server clock', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	test('takes the offset from the quickest round trip, so a lopsided slow one does not skew it', async () => {
		const fetch = serverAhead(90_000, [
			{ before: 0, after: 300 },
			{ before: 2, after: 2 },
			{ before: 250, after: 0 }
		]);
		const clock = new ServerClock({ fetch, initialSamples: 3 });
		// Long enough for the three trips, one after another (the microtasks between them run).
		await vi.advanceTimersByTimeAsync(1_000);
		expect(fetch).toHaveBeenCalledTimes(3);
		expect(Math.abs(clock.offset - 90_000)).toBeLessThan(TOLERANCE_MS);
		expect(clock.isEstimated).toBe(true);
		expect(Math.abs(clock.now() - (Date.now() + 90_000))).toBeLessThan(TOLERANCE_MS);
		clock.destroy();
	});

	test('keeps the last estimate while the server cannot be reached', async () => {
		let isDown = false;
		const working = serverAhead(-5_000, [{ before: 1, after: 1 }]);
		const fetch = vi.fn(async () => {
			if (isDown) throw new TypeError('Failed to fetch');
			return working();
		});
		const clock = new ServerClock({ fetch, initialSamples: 1, resampleMs: 20 });
		await vi.waitFor(() => expect(clock.isEstimated).toBe(true), { timeout: 5_000 });
		isDown = true;
		const calls = fetch.mock.calls.length;
		await vi.waitFor(() => expect(fetch.mock.calls.length).toBeGreaterThan(calls + 2), {
			timeout: 5_000
		});
		expect(Math.abs(clock.offset + 5_000)).toBeLessThan(TOLERANCE_MS);
		clock.destroy();
	});
});

describe('the countdown', () => {
	function text(props: Parameters<typeof render<typeof Countdown>>[1]) {
		return render(Countdown, props).body.replace(/<!--[\s\S]*?-->/g, '');
	}

	test('shows the time left by the server’s clock, not the device’s', () => {
		const serverNow = 1_000_000;
		const timer = start(newTimer('shared-terms', 10 * 60_000), serverNow - 95_000);
		const markup = text({ props: { timer, serverNow: () => serverNow } });
		expect(markup).toContain('8:25');
		expect(markup).toContain('data-state="running"');
		expect(markup).toContain('role="timer"');
	});

	test('says when it is paused, over time, or not set', () => {
		const paused = pause(start(newTimer('x', 4 * 60_000 + 15_000), 0), 10_000);
		expect(text({ props: { timer: paused, serverNow: () => 0 } })).toMatch(/4:05[\s\S]*Paused/);
		const over = start(newTimer('x', 60_000), 0);
		expect(text({ props: { timer: over, serverNow: () => 90_000 } })).toMatch(
			/-0:30[\s\S]*Over time/
		);
		expect(text({ props: { timer: null, serverNow: () => 0 } })).toContain('No timer');
	});

	test('a timer nobody has started yet says so, rather than paused', () => {
		const fresh = newTimer('x', 45 * 60_000);
		const markup = text({ props: { timer: fresh, serverNow: () => 0 } });
		expect(markup).toMatch(/45:00[\s\S]*Not started/);
		expect(markup).toContain('data-state="ready"');
		expect(markup).not.toContain('Paused');
		// A minute added before the start leaves it not started.
		const longer = addTime(fresh, 60_000, 5_000);
		expect(text({ props: { timer: longer, serverNow: () => 5_000 } })).toMatch(
			/46:00[\s\S]*Not started/
		);
	});
});
