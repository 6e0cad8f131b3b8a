import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { randomBytes, randomInt } from 'node:crypto';

/** A random, unguessable id (80 bits, 16 base32 characters). */
export function newId(): string {
	return encodeBase32LowerCaseNoPadding(randomBytes(10));
}

/**
 * Join codes are read off a projector and typed on phones: six characters from an alphabet
 * without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
 */
export const JOIN_CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const JOIN_CODE_LENGTH = 6;

export function newJoinCode(): string {
	let code = '';
	for (let i = 0; i < JOIN_CODE_LENGTH; i++)
		code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
	return code;
}

/** Upper-cases and drops spaces and dashes, so "ab3-k7x" finds AB3K7X. */
export function normaliseJoinCode(input: string): string {
	return input.toUpperCase().replace(/[\s-]/g, '');
}
