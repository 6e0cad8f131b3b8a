/**
 * Telling "the database is not there right now" (restarting, unreachable, connections cut)
 * apart from every other failure. The first is expected to pass by itself: requests answer
 * 503 with a message that says so and nothing is logged but a line, while the realtime room
 * keeps going and its writes are retried (server/realtime/store.ts). Everything else is a bug
 * and stays a 500.
 *
 * Plain TypeScript (no SvelteKit imports): server/ uses it too.
 */

/** What a person is told while the database is away. */
export const DATABASE_UNAVAILABLE_MESSAGE =
	'The workshop’s database is not reachable at the moment. Nothing you wrote on the boards is lost; try again in a few seconds.';

/** Socket-level failures: the connection could not be made or was cut. */
const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ECONNABORTED',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'ENOTFOUND',
	'EAI_AGAIN',
	// postgres.js's own codes for a connection that went away or could not be opened.
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT'
]);

/**
 * SQLSTATEs a server sends while it goes down or comes up: admin_shutdown (a restart or
 * pg_terminate_backend), crash_shutdown, cannot_connect_now (still starting or recovering).
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);

/**
 * A database failure stripped of everything but its code: statements and their parameters
 * (ballots, document updates) must never reach a log or an answer.
 */
export class DatabaseUnavailableError extends Error {
	override name = 'DatabaseUnavailableError';
	constructor(readonly code: string) {
		super(`The database is not reachable (${code}).`);
	}
}

/**
 * The error's codes, outermost first, looking through the wrappers drizzle puts around the
 * driver's error (its own error carries no code: `error.code === '23505'` never matches).
 */
export function codesOf(error: unknown): string[] {
	const codes: string[] = [];
	for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string') codes.push(code);
		e = (e as { cause?: unknown }).cause;
	}
	return codes;
}

/** Whether `error` means the database is away (as opposed to a query that is wrong). */
export function isDatabaseUnavailable(error: unknown): boolean {
	if (error instanceof DatabaseUnavailableError) return true;
	return codesOf(error).some(
		(code) => NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08')
	);
}

/** `error` as a DatabaseUnavailableError when the database is away, else null. */
export function asUnavailable(error: unknown): DatabaseUnavailableError | null {
	if (error instanceof DatabaseUnavailableError) return error;
	if (!isDatabaseUnavailable(error)) return null;
	const codes = codesOf(error).filter(
		(code) => NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08')
	);
	return new DatabaseUnavailableError(codes[0] ?? 'unknown');
}

/**
 * One short line for a log: the failure's code and the driver's own message (the innermost
 * cause), never drizzle's wrapper, whose message holds the statement and its parameters.
 */
export function describeDatabaseError(error: unknown): string {
	const unavailable = asUnavailable(error);
	if (unavailable) return unavailable.message;
	let innermost = error;
	for (let depth = 0; depth < 5; depth++) {
		const cause = (innermost as { cause?: unknown } | null)?.cause;
		if (!cause) break;
		innermost = cause;
	}
	const codes = codesOf(error);
	const message = innermost instanceof Error ? innermost.message : String(innermost);
	const short = message.startsWith('Failed query') ? 'failed query' : message.slice(0, 200);
	return `${short}${codes.length ? ` (${codes.join(', ')})` : ''}`;
}
