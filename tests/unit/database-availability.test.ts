import { describe, expect, test } from 'vitest';
import {
	asUnavailable,
	codesOf,
	DatabaseUnavailableError,
	describeDatabaseError,
	isDatabaseUnavailable
} from '../../src/lib/server/db/availability';

/** drizzle's wrapper: its message holds the statement and every parameter; the code is inside. */
function wrapped(cause: unknown): Error {
	return Object.assign(new Error('Failed query: insert into ballot … params: secret,choice'), {
		cause
	});
}

function withCode(code: string, message = 'driver message'): Error {
	return Object.assign(new Error(message), { code });
}

describe('telling an absent database from a failing query', () => {
	test('a cut or refused connection, and a server shutting down, mean the database is away', () => {
		for (const code of ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT']) {
			expect(isDatabaseUnavailable(withCode(code))).toBe(true);
			expect(isDatabaseUnavailable(wrapped(withCode(code)))).toBe(true);
		}
		// admin_shutdown (restart, pg_terminate_backend), cannot_connect_now, connection_failure
		for (const code of ['57P01', '57P03', '08006']) {
			expect(isDatabaseUnavailable(wrapped(withCode(code)))).toBe(true);
		}
	});

	test('a query that is wrong is not the database being away', () => {
		expect(isDatabaseUnavailable(wrapped(withCode('23505')))).toBe(false);
		expect(isDatabaseUnavailable(wrapped(withCode('42P01')))).toBe(false);
		expect(isDatabaseUnavailable(new Error('no code at all'))).toBe(false);
		expect(isDatabaseUnavailable(undefined)).toBe(false);
		expect(asUnavailable(wrapped(withCode('23505')))).toBeNull();
	});

	test('codes are found under drizzle’s wrapper, outermost first', () => {
		expect(codesOf(wrapped(withCode('23505')))).toEqual(['23505']);
		expect(codesOf(Object.assign(wrapped(withCode('ECONNRESET')), { code: 'X' }))).toEqual([
			'X',
			'ECONNRESET'
		]);
	});

	test('what reaches a log or an answer never carries the statement or its parameters', () => {
		const unavailable = asUnavailable(wrapped(withCode('ECONNRESET')));
		expect(unavailable).toBeInstanceOf(DatabaseUnavailableError);
		expect(unavailable!.message).toBe('The database is not reachable (ECONNRESET).');
		expect(describeDatabaseError(wrapped(withCode('ECONNRESET')))).not.toMatch(/secret|params/);
		expect(describeDatabaseError(wrapped(withCode('23505', 'duplicate key value')))).toBe(
			'duplicate key value (23505)'
		);
		expect(describeDatabaseError(wrapped(undefined))).toBe('failed query');
	});
});
