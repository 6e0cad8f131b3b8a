/**
 * Published charter versions are never migrated: the hash leaders sign covers the content as
 * it was stored. A reader brings an older version's content up to the current shape here, by
 * its `schema` tag, in memory only; the hash is always checked against the stored content.
 * When the charter's shape changes, the new shape gets a new tag (CHARTER_SCHEMA) and the old
 * tag an upcaster below, with a stored fixture of the old shape (tests/fixtures/charters/).
 */
import * as v from 'valibot';
import { CHARTER_SCHEMA, SECTION_KINDS, type CharterContent } from './content';

const jsonObject = v.record(v.string(), v.unknown());

/** `common-ground/charter@1`: the first published shape (and still the current one). */
const charterV1 = v.object({
	schema: v.literal('common-ground/charter@1'),
	title: v.string(),
	organisation: v.string(),
	workshopTitle: v.string(),
	facilitator: v.string(),
	participants: v.array(v.object({ team: v.string(), count: v.number() })),
	sections: v.array(
		v.object({
			key: v.string(),
			kind: v.picklist(SECTION_KINDS),
			title: v.string(),
			intro: v.string(),
			items: v.array(v.object({ id: v.string(), text: v.string(), data: jsonObject }))
		})
	)
});

export class UnknownCharterSchemaError extends Error {
	override name = 'UnknownCharterSchemaError';
}

/** Tag → what brings content of that tag to the current shape. */
const UPCASTERS: Record<string, (stored: unknown) => CharterContent> = {
	'common-ground/charter@1': (stored) => {
		const result = v.safeParse(charterV1, stored);
		if (!result.success) {
			throw new UnknownCharterSchemaError(
				`This charter version does not have the shape its tag says: ${result.issues[0].message}`
			);
		}
		// v1 is the current shape: the stored object itself, so nothing is copied or changed.
		return stored as CharterContent;
	}
};

/** The tags this release reads. */
export const READABLE_CHARTER_SCHEMAS: readonly string[] = Object.keys(UPCASTERS);

/** A stored version's content in the current shape; throws for a tag this release does not know. */
export function upcastCharter(stored: unknown): CharterContent {
	const tag =
		stored && typeof stored === 'object' ? (stored as { schema?: unknown }).schema : undefined;
	const upcast = typeof tag === 'string' ? UPCASTERS[tag] : undefined;
	if (!upcast) {
		throw new UnknownCharterSchemaError(
			`This charter version is tagged ${JSON.stringify(tag)}, which this release cannot read (it reads ${READABLE_CHARTER_SCHEMAS.join(', ')}).`
		);
	}
	return upcast(stored);
}

// The current tag must always be readable.
if (!(CHARTER_SCHEMA in UPCASTERS)) throw new Error(`No reader for ${CHARTER_SCHEMA}`);
