/**
 * The shared stage timer. The server stores when it started (its own clock) and how much time
 * was left when it last paused; every screen computes the countdown from that and its own
 * estimate of the offset between its clock and the server's, so phones with wrong clocks
 * still show the same number.
 */

export interface TimerState {
	stageKey: string;
	/** Total time the timer was set to, including added minutes. */
	durationMs: number;
	/** Time left at `startedAt` (or now, when paused). */
	remainingMs: number;
	/** Server epoch ms when it last started running; null while paused. */
	startedAt: number | null;
}

export function newTimer(stageKey: string, durationMs: number): TimerState {
	return { stageKey, durationMs, remainingMs: durationMs, startedAt: null };
}

export function isRunning(timer: TimerState): boolean {
	return timer.startedAt !== null;
}

/**
 * Whether the timer has ever run: a new stage's timer waits, full, for the facilitator's
 * Start (minutes added before it keep it full). One started and paused within the same
 * millisecond reads as not started, which is what it amounts to.
 */
export function hasStarted(timer: TimerState): boolean {
	return timer.startedAt !== null || timer.remainingMs !== timer.durationMs;
}

/** Milliseconds left at server time `serverNow` (negative once it has run out). */
export function remaining(timer: TimerState, serverNow: number): number {
	if (timer.startedAt === null) return timer.remainingMs;
	return timer.remainingMs - (serverNow - timer.startedAt);
}

export function start(timer: TimerState, serverNow: number): TimerState {
	if (timer.startedAt !== null) return timer;
	return { ...timer, startedAt: serverNow };
}

export function pause(timer: TimerState, serverNow: number): TimerState {
	if (timer.startedAt === null) return timer;
	return { ...timer, remainingMs: remaining(timer, serverNow), startedAt: null };
}

/** Adds time whether running or paused; a timer that ran out starts counting from zero again. */
export function addTime(timer: TimerState, ms: number, serverNow: number): TimerState {
	const left = Math.max(0, remaining(timer, serverNow));
	return {
		...timer,
		durationMs: timer.durationMs + ms,
		remainingMs: left + ms,
		startedAt: timer.startedAt === null ? null : serverNow
	};
}

/** "4:05", "0:09", "-1:30" (overrun shown as negative). */
export function formatRemaining(ms: number): string {
	const sign = ms < 0 ? '-' : '';
	const total = Math.ceil(Math.abs(ms) / 1000);
	const minutes = Math.floor(total / 60);
	const seconds = total % 60;
	return `${sign}${minutes}:${String(seconds).padStart(2, '0')}`;
}

/**
 * Clock offset from round-trip samples (NTP's idea): for each sample, the server's time is
 * assumed to be read halfway through the round trip; the sample with the shortest round trip
 * is the least disturbed by the network, so it wins.
 */
export function estimateOffset(
	samples: ReadonlyArray<{ sentAt: number; receivedAt: number; serverTime: number }>
): number {
	if (samples.length === 0) return 0;
	let best = samples[0]!;
	for (const s of samples) if (s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
	return best.serverTime - (best.sentAt + best.receivedAt) / 2;
}
