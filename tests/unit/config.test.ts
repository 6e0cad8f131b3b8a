/**
 * The settings the server reads at start: each malformed one is refused with a message that
 * names it and what it should be. The process-level path (one line, exit 1) is in
 * tests/integration/startup.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { ConfigError, readConfig } from '../../src/lib/server/config';

function refusal(env: Record<string, string>): string {
	try {
		readConfig(env);
	} catch (e) {
		expect(e).toBeInstanceOf(ConfigError);
		return (e as Error).message;
	}
	throw new Error(`readConfig accepted ${JSON.stringify(env)}`);
}

describe('settings read at start', () => {
	test('a malformed PORT or ORIGIN names the setting', () => {
		expect(refusal({ PORT: 'eighty' })).toMatch(/PORT must be a whole number/);
		expect(refusal({ PORT: '0', ORIGIN: 'workshops.example.com' })).toMatch(
			/ORIGIN must be a scheme and host/
		);
	});

	test('a malformed LOG_LEVEL, LOG_FORMAT, METRICS_TOKEN or mail setting names the setting', () => {
		const cases = [
			[{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug/],
			[{ LOG_FORMAT: 'xml' }, /LOG_FORMAT must be one of json, pretty, got "xml"/],
			[{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16 printable characters/],
			[{ SMTP_URL: 'mail.example.com' }, /SMTP_URL must look like smtps:\/\//],
			[{ SMTP_URL: 'http://mail.example.com' }, /SMTP_URL must start with smtp:\/\/ or smtps:\/\//],
			[{ SMTP_URL: 'smtp://mail.example.com' }, /MAIL_FROM must be the sender/],
			[{ MAIL_FROM: 'workshops@example.com' }, /MAIL_FROM is set but SMTP_URL is not/]
		] as const;
		for (const [env, pattern] of cases) {
			const message = refusal({ PORT: '0', ...env });
			expect(message).toMatch(pattern);
			// The token is a secret even when it is refused.
			expect(message).not.toContain('short');
		}
	});
});
