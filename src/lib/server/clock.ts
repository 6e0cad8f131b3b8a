/**
 * The time review sessions, review dates, reminders and the learning agenda go by.
 *
 * Tests move it forward ("three months after signing") with CG_TEST_CLOCK_OFFSET, a number of
 * milliseconds added to the real time. The offset is honoured only when NODE_ENV is `test`
 * (vitest sets it; nothing in production does), and `readConfig` refuses to start a server
 * that has the variable without NODE_ENV=test, so a production server cannot run on a moved
 * clock: it stops at start-up with the reason. Sessions, signatures and the audit trail keep
 * the real time: only what is scheduled reads this clock.
 */

export const TEST_CLOCK_VARIABLE = 'CG_TEST_CLOCK_OFFSET';

export class ClockConfigError extends Error {
	override name = 'ClockConfigError';
}

/** The offset the environment asks for, checked; 0 without the variable. */
export function testClockOffset(env: NodeJS.ProcessEnv = process.env): number {
	const raw = env[TEST_CLOCK_VARIABLE];
	if (raw === undefined || raw === '') return 0;
	// Read through a variable name, so no bundler replaces it with a build-time constant.
	const mode = env['NODE' + '_ENV'];
	if (mode !== 'test') {
		throw new ClockConfigError(
			`${TEST_CLOCK_VARIABLE} moves the server's clock for tests only; it is refused unless NODE_ENV=test.`
		);
	}
	const offset = Number(raw);
	if (!Number.isInteger(offset)) {
		throw new ClockConfigError(`${TEST_CLOCK_VARIABLE} must be a whole number of milliseconds.`);
	}
	return offset;
}

let offset: number | undefined;

/** The current time as scheduled features see it. */
export function now(): Date {
	offset ??= testClockOffset();
	return new Date(Date.now() + offset);
}

/** Today's date (UTC) as YYYY-MM-DD. */
export function today(at: Date = now()): string {
	return at.toISOString().slice(0, 10);
}
