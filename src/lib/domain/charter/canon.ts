/**
 * The canonical form of a charter version: what is hashed, and so what a signature commits to.
 *
 * Two renderings of the same text must hash the same, and any change a reader could see must
 * not. So text is normalised before it is serialised (Unicode NFC, one kind of line ending, no
 * invisible control characters, runs of spaces collapsed, lines trimmed), object keys are
 * sorted by UTF-16 code unit (as RFC 8785, JSON Canonicalization Scheme, does) and the JSON
 * carries no insignificant whitespace. Arrays keep their order: order is content (clauses are
 * read in order). Only plain JSON is accepted; anything else is a programming error.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

export type JsonValue =
	string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Normalises one text the way every text in a charter is normalised before it is frozen. */
export function normaliseText(text: string): string {
	return (
		text
			.normalize('NFC')
			.replace(/\r\n?|\u2028|\u2029/g, '\n')
			// Tabs, no-break and other horizontal spaces read as one space.
			.replace(/[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
			// Invisible characters a reader cannot see must not change the hash.
			// eslint-disable-next-line no-control-regex
			.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200d\u2060\ufeff]/g, '')
			.split('\n')
			.map((line) => line.replace(/ {2,}/g, ' ').trim())
			.join('\n')
			.replace(/\n{3,}/g, '\n\n')
			.trim()
	);
}

/**
 * The same value with every text normalised, keys in canonical order and `undefined` members
 * dropped. Throws on values JSON cannot carry (NaN, Infinity, functions, class instances).
 */
export function normalise(value: unknown): JsonValue {
	if (value === null) return null;
	switch (typeof value) {
		case 'string':
			return normaliseText(value);
		case 'boolean':
			return value;
		case 'number':
			if (!Number.isFinite(value)) throw new TypeError(`Not a JSON number: ${value}`);
			return Object.is(value, -0) ? 0 : value;
		case 'object': {
			if (Array.isArray(value)) return value.map((v) => normalise(v === undefined ? null : v));
			const proto = Object.getPrototypeOf(value) as unknown;
			if (proto !== Object.prototype && proto !== null) {
				throw new TypeError('Only plain objects can be canonicalised.');
			}
			const out: JsonObject = {};
			for (const key of Object.keys(value).sort()) {
				const member = (value as Record<string, unknown>)[key];
				if (member !== undefined) out[key.normalize('NFC')] = normalise(member);
			}
			return out;
		}
		default:
			throw new TypeError(`Not a JSON value: ${typeof value}`);
	}
}

/** The canonical JSON text of a value: normalised, sorted keys, no whitespace. */
export function canonicalJson(value: unknown): string {
	return serialise(normalise(value));
}

function serialise(value: JsonValue): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(serialise).join(',')}]`;
	// `normalise` sorted the keys already; sort again so a hand-built object is canonical too.
	const keys = Object.keys(value).sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${serialise(value[k]!)}`).join(',')}}`;
}

/** SHA-256 of a text's UTF-8 bytes, lower-case hex (64 characters). */
export function sha256Hex(text: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}

/** The hash a version is known by: SHA-256 over its canonical JSON. */
export function contentHash(value: unknown): string {
	return sha256Hex(canonicalJson(value));
}

export function isSha256Hex(value: string): boolean {
	return /^[0-9a-f]{64}$/.test(value);
}
