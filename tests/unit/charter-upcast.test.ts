/**
 * Published charter versions are never migrated (the hash covers them): a reader upcasts a
 * stored version by its `schema` tag, and the stored content still hashes to its hash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/lib/domain/charter/canon';
import { CHARTER_SCHEMA, clauseCount } from '../../src/lib/domain/charter/content';
import {
	READABLE_CHARTER_SCHEMAS,
	UnknownCharterSchemaError,
	upcastCharter
} from '../../src/lib/domain/charter/upcast';

const stored = JSON.parse(
	readFileSync(join(import.meta.dirname, '..', 'fixtures', 'charters', 'charter-v1.json'), 'utf8')
) as { hash: string; content: unknown };

describe('a charter version stored with the first shape', () => {
	it('still hashes to the hash it was published with', () => {
		expect(contentHash(stored.content)).toBe(stored.hash);
	});

	it('reads in the current shape, without changing what the hash covers', () => {
		const before = JSON.stringify(stored.content);
		const content = upcastCharter(stored.content);
		expect(content.schema).toBe(CHARTER_SCHEMA);
		expect(clauseCount(content)).toBe(6);
		expect(content.sections.map((s) => s.kind)).toContain('agreements');
		expect(JSON.stringify(stored.content)).toBe(before);
		expect(contentHash(content)).toBe(stored.hash);
	});

	it('every tag this release writes is one it reads', () => {
		expect(READABLE_CHARTER_SCHEMAS).toContain(CHARTER_SCHEMA);
	});

	it('a tag this release does not know, or content not of its tag’s shape, is refused in words', () => {
		expect(() =>
			upcastCharter({ ...(stored.content as object), schema: 'common-ground/charter@9' })
		).toThrow(UnknownCharterSchemaError);
		expect(() =>
			upcastCharter({ ...(stored.content as object), schema: 'common-ground/charter@9' })
		).toThrow(/charter@9.*cannot read/);
		expect(() => upcastCharter({ ...(stored.content as object), sections: 'none' })).toThrow(
			/does not have the shape/
		);
	});
});
