import { describe, expect, test } from 'vitest';
import {
	JOIN_CODE_ALPHABET,
	newId,
	newJoinCode,
	normaliseJoinCode
} from '../../src/lib/server/ids';

describe('join codes', () => {
	test('the alphabet has no look-alike characters', () => {
		for (const lookAlike of '0O1IL2Z5S8B') expect(JOIN_CODE_ALPHABET).not.toContain(lookAlike);
		expect(new Set(JOIN_CODE_ALPHABET).size).toBe(JOIN_CODE_ALPHABET.length);
	});

	test('codes are 6 characters from the alphabet and spread over it', () => {
		const seen = new Set<string>();
		for (let i = 0; i < 2000; i++) {
			const code = newJoinCode();
			expect(code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{6}$`));
			for (const c of code) seen.add(c);
		}
		expect(seen.size).toBe(JOIN_CODE_ALPHABET.length);
	});

	test('what people type is normalised: case, spaces and dashes', () => {
		expect(normaliseJoinCode(' ac3-k7x ')).toBe('AC3K7X');
		expect(normaliseJoinCode('ac3 k7x')).toBe('AC3K7X');
	});

	test('ids are 16 base32 characters and unique', () => {
		const ids = new Set(Array.from({ length: 1000 }, newId));
		expect(ids.size).toBe(1000);
		for (const id of ids) expect(id).toMatch(/^[a-z2-7]{16}$/);
	});
});
