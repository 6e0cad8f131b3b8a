import { describe, expect, test } from 'vitest';
import { redactSecrets, requestIdFrom } from '../../src/lib/server/logger';

describe('secrets never reach a log line', () => {
	test('a review link keeps its charter id and loses its token', () => {
		expect(
			redactSecrets('GET /review/abcdefghijklmnop/leaderreviewtokenqqqqqqqqqqqqqqq?x=1 failed')
		).toBe('GET /review/abcdefghijklmnop/[redacted]?x=1 failed');
		expect(redactSecrets('{"url":"https://w.example.com/review/abc/tok"}')).toBe(
			'{"url":"https://w.example.com/review/abc/[redacted]"}'
		);
	});

	test('a join link loses its code, wherever it is quoted', () => {
		expect(redactSecrets('{"path":"/j/K7Q2MX","msg":"POST /j/K7Q2MX"}')).toBe(
			'{"path":"/j/[redacted]","msg":"POST /j/[redacted]"}'
		);
	});

	test('the same links URL-encoded in a parameter lose their secrets too', () => {
		expect(redactSecrets('/signin?next=%2Freview%2Fabc%2Fleadertoken&x=1')).toBe(
			'/signin?next=%2Freview%2Fabc%2F[redacted]&x=1'
		);
		expect(redactSecrets('/join?next=%2fj%2fK7Q2MX')).toBe('/join?next=%2fj%2f[redacted]');
	});

	test('session cookies and bearer tokens lose their values', () => {
		expect(
			redactSecrets(
				'cookie: cg_session=s3cr3t; theme=dark; __Host-cg_participant=p4ss; cg_leader=l'
			)
		).toBe(
			'cookie: cg_session=[redacted]; theme=dark; __Host-cg_participant=[redacted]; cg_leader=[redacted]'
		);
		expect(redactSecrets('authorization: Bearer abc.def-123')).toBe(
			'authorization: Bearer [redacted]'
		);
	});

	test('everything else is left as it was', () => {
		const line =
			'{"msg":"unloaded workshop/abcdefghijklmnop/stage/shared-terms (3 loaded)","url":"/workshops/abcdefghijklmnop/run"}';
		expect(redactSecrets(line)).toBe(line);
	});
});

describe('request ids', () => {
	test('a well-formed id from a trusted proxy is kept; anything else gets a new one', () => {
		expect(requestIdFrom('edge-7f3a9c')).toBe('edge-7f3a9c');
		expect(requestIdFrom(['first-id', 'second'])).toBe('first-id');
		const fresh = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
		for (const bad of [undefined, null, '', 'has space', 'a"b', 'x'.repeat(129), 'line\nbreak']) {
			expect(requestIdFrom(bad)).toMatch(fresh);
		}
	});
});
