/**
 * Reconnect timing for realtime connections: exponential backoff with full jitter.
 *
 * The stock y-websocket provider waits exactly min(2^n · 100 ms, 2.5 s) after the n-th failed
 * attempt. When a server restarts, every phone in the room loses its socket in the same
 * millisecond, so 300 identical schedules hit the new process in the same millisecond, over
 * and over. Full jitter (a uniform delay between 0 and the exponential ceiling) spreads each
 * wave over the whole window, so the server sees a steady trickle instead of a spike, and the
 * cap keeps a phone that was offline for a while from waiting minutes once the network is back.
 *
 * Pure TypeScript: no timers, no DOM, so it is tested on its own (tests/unit/backoff.test.ts).
 */

export interface BackoffPolicy {
	/** Ceiling of the first retry window, in ms. */
	baseMs: number;
	/** No window grows beyond this, in ms. */
	capMs: number;
}

/**
 * 1 s for the first window: 300 clients spread over a second is ~30 new sockets per 100 ms,
 * which one process absorbs easily. 10 s cap: long enough not to hammer a server that is down,
 * short enough that someone whose phone slept is back within seconds (and the browser's
 * `online` event skips the wait entirely).
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 10_000 };

/** The window's upper bound for the given 0-based attempt: min(cap, base · 2^attempt). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
	if (!Number.isFinite(attempt) || attempt < 0) attempt = 0;
	// Past ~30 doublings the product overflows to Infinity; the cap is reached long before that.
	const exponent = Math.min(Math.floor(attempt), 30);
	return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/**
 * A delay drawn uniformly from [0, ceiling) ("full jitter"). `random` must return values in
 * [0, 1) like Math.random; tests pass a seeded generator.
 */
export function jitteredDelay(
	attempt: number,
	policy: BackoffPolicy = DEFAULT_BACKOFF,
	random: () => number = Math.random
): number {
	const ceiling = backoffCeiling(attempt, policy);
	// Clamp so a generator that returns exactly 1 (or a little more) still stays in the window.
	const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
	return Math.floor(r * ceiling);
}

/**
 * The attempt counter for one connection: each failure widens the next window, a connection
 * that synced resets it (a server that accepts and then drops the socket at once must still be
 * backed off, which is why "opened" is not enough to reset).
 */
export class ReconnectSchedule {
	#attempt = 0;

	constructor(
		readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
		private readonly random: () => number = Math.random
	) {}

	/** Failed attempts since the last successful sync. */
	get attempt(): number {
		return this.#attempt;
	}

	/** The delay before the next attempt; counts one more failure. */
	next(): number {
		const delay = jitteredDelay(this.#attempt, this.policy, this.random);
		this.#attempt++;
		return delay;
	}

	reset(): void {
		this.#attempt = 0;
	}
}
