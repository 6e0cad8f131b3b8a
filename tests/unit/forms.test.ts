import { describe, expect, test } from 'vitest';
import {
	changePasswordFields,
	changePasswordSchema,
	signUpFields,
	signUpSchema
} from '../../src/lib/schemas/auth';
import { parseForm } from '../../src/lib/schemas/forms';
import { joinCodeFields, joinCodeSchema } from '../../src/lib/schemas/workshops';
import { describeWait } from '../../src/lib/server/rate-limit';
import { readConfig } from '../../src/lib/server/config';

function form(fields: Record<string, string>) {
	const data = new FormData();
	for (const [k, v] of Object.entries(fields)) data.set(k, v);
	return data;
}

describe('form parsing', () => {
	test('valid input is trimmed and returned', () => {
		const result = parseForm(
			signUpSchema,
			form({ name: ' Ada ', email: ' ada@example.com ', password: 'long enough pw' }),
			signUpFields
		);
		expect(result).toEqual({
			ok: true,
			data: { name: 'Ada', email: 'ada@example.com', password: 'long enough pw' }
		});
	});

	test('each field gets its own message and passwords are never echoed back', () => {
		const result = parseForm(
			signUpSchema,
			form({ name: 'Ada', email: 'nope', password: 'short' }),
			signUpFields
		);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(Object.keys(result.errors).sort()).toEqual(['email', 'password']);
		expect(result.values).toEqual({ name: 'Ada', email: 'nope', password: '' });
	});

	test('a file where text is expected counts as missing', () => {
		const data = form({ name: 'Ada', email: 'ada@example.com' });
		data.set('password', new Blob(['x'.repeat(20)]));
		const result = parseForm(signUpSchema, data, signUpFields);
		expect(result.ok).toBe(false);
	});

	test('the two new passwords must agree, reported on the confirmation field', () => {
		const result = parseForm(
			changePasswordSchema,
			form({
				currentPassword: 'x',
				newPassword: 'a long new password',
				confirmPassword: 'another one entirely'
			}),
			changePasswordFields
		);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors.confirmPassword).toMatch(/differ/);
	});

	test('join codes are normalised before their length is checked', () => {
		expect(parseForm(joinCodeSchema, form({ code: 'ac3-k7x' }), joinCodeFields)).toEqual({
			ok: true,
			data: { code: 'AC3K7X' }
		});
	});
});

describe('small rules', () => {
	test('waits are stated in words', () => {
		expect(describeWait(1000)).toBe('1 second');
		expect(describeWait(40_000)).toBe('40 seconds');
		expect(describeWait(60_000)).toBe('1 minute');
		expect(describeWait(14 * 60_000 + 1)).toBe('15 minutes');
	});

	test('configuration defaults and secure cookies follow ORIGIN', () => {
		const defaults = readConfig({});
		expect(defaults).toMatchObject({
			port: 3000,
			host: '0.0.0.0',
			origin: undefined,
			isSecure: false,
			databaseUrl: undefined
		});
		expect(defaults.dataDir).toMatch(/\/data$/);
		const https = readConfig({ ORIGIN: 'https://workshops.example.com/', PORT: '8080' });
		expect(https).toMatchObject({
			origin: 'https://workshops.example.com',
			isSecure: true,
			port: 8080
		});
		expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/);
		expect(() => readConfig({ ORIGIN: 'https://example.com/path' })).toThrow(/ORIGIN/);
	});
});
