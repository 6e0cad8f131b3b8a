/**
 * This device's estimate of the server's clock, so a shared countdown reads the same on every
 * screen even when a laptop's clock is minutes off. It samples `GET /api/time` a few times at
 * the start (the round trip with the shortest delay wins, see `estimateOffset`) and once a
 * minute after that, keeping the last few samples: a laptop that sleeps and wakes, or whose
 * clock is corrected by NTP mid-session, catches up within a minute.
 *
 * Browser only: construct it in an `$effect` and call `destroy()` in its cleanup.
 */
import { read } from '../client/requests';
import { estimateOffset } from '../domain/timer';

interface Sample {
	sentAt: number;
	receivedAt: number;
	serverTime: number;
}

export interface ServerClockOptions {
	url?: string;
	fetch?: typeof fetch;
	/** Samples taken one after another at the start. */
	initialSamples?: number;
	/** Between later samples, in ms. */
	resampleMs?: number;
}

/** Enough samples to find one quick round trip; old enough ones are dropped for a drift. */
const KEEP = 8;

export class ServerClock {
	/** Server time minus this device's time, in ms (0 until the first sample arrives). */
	offset = $state(0);
	/** Whether at least one sample arrived: before that the countdown uses the local clock. */
	isEstimated = $state(false);

	#samples: Sample[] = [];
	#url: string;
	#fetch: typeof fetch;
	#timer: ReturnType<typeof setInterval> | undefined;
	#isDestroyed = false;

	constructor(options: ServerClockOptions = {}) {
		this.#url = options.url ?? '/api/time';
		this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
		void this.#start(options.initialSamples ?? 4, options.resampleMs ?? 60_000);
	}

	/** The server's time now, as far as this device can tell. */
	now(): number {
		return Date.now() + this.offset;
	}

	destroy(): void {
		this.#isDestroyed = true;
		if (this.#timer !== undefined) clearInterval(this.#timer);
	}

	async #start(initialSamples: number, resampleMs: number): Promise<void> {
		// One after another, not in parallel: parallel requests queue behind each other and
		// every one of them would see a long round trip.
		for (let i = 0; i < initialSamples && !this.#isDestroyed; i++) await this.#sample();
		if (this.#isDestroyed) return;
		this.#timer = setInterval(() => void this.#sample(), resampleMs);
	}

	async #sample(): Promise<void> {
		const sentAt = Date.now();
		// Offline for a moment (null): the last estimate stays good for a countdown.
		const answer = await read<{ now?: unknown }>(this.#url, {
			fetch: this.#fetch,
			cache: 'no-store'
		});
		const receivedAt = Date.now();
		const serverTime = answer?.now;
		if (typeof serverTime !== 'number' || !Number.isFinite(serverTime) || this.#isDestroyed) {
			return;
		}
		this.#samples.push({ sentAt, receivedAt, serverTime });
		if (this.#samples.length > KEEP) this.#samples.shift();
		this.offset = Math.round(estimateOffset(this.#samples));
		this.isEstimated = true;
	}
}
