/**
 * Versions and migrations of the shared documents. Each document kind (the room, a board) has
 * an owner module that names its keys, its records and a `DocumentSchema`: the version this
 * release writes and the migrations that bring an older document up to it, one per version.
 *
 * A document records its version in its `meta` map (`schemaVersion`); a document without one
 * is at version 1 (boards carried none before versions existed). The realtime server migrates
 * a document when it loads it, as one update committed before any client receives it
 * (server/realtime/document-upgrade.ts), and refuses to load a document newer than it knows.
 */
import type * as Y from 'yjs';

/** The map every document keeps its version in, under `schemaVersion`. */
export const META_KEY = 'meta';
export const VERSION_FIELD = 'schemaVersion';

export interface Migration {
	/** The version this migration brings a document to (from the one before). */
	version: number;
	/** What changed, in a sentence. */
	description: string;
	/** Rewrites the document in place; runs inside the caller's transaction. */
	up(doc: Y.Doc): void;
}

export interface DocumentSchema {
	kind: 'room' | 'board';
	/** The version this release writes. */
	version: number;
	/** In order of version, from 2 up to `version`. */
	migrations: readonly Migration[];
}

export type MigrationPlan =
	| { status: 'current'; version: number }
	| { status: 'migrate'; from: number; to: number }
	| { status: 'too-new'; version: number; known: number };

/** A document of a newer release than this one: this release must not write it. */
export class DocumentTooNewError extends Error {
	override name = 'DocumentTooNewError';
	constructor(
		readonly docName: string,
		readonly version: number,
		readonly known: number
	) {
		super(
			`${docName} has document schema version ${version}, newer than the ${known} this server knows: it is not loaded here, so nothing of this release is written into it`
		);
	}
}

/** The version a document is stored at: its `meta.schemaVersion`, or 1 when it has none. */
export function storedVersion(doc: Y.Doc): number {
	const version = doc.getMap<unknown>(META_KEY).get(VERSION_FIELD);
	return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
}

/** Whether the document holds nothing at all (never written). */
export function isEmptyDocument(doc: Y.Doc): boolean {
	return doc.store.clients.size === 0;
}

export function migrationPlan(doc: Y.Doc, schema: DocumentSchema): MigrationPlan {
	const version = storedVersion(doc);
	if (version > schema.version) return { status: 'too-new', version, known: schema.version };
	if (version === schema.version) return { status: 'current', version };
	return { status: 'migrate', from: version, to: schema.version };
}

/**
 * Brings the document up to `schema.version` and records it; call inside a transaction so
 * the whole migration is one update. Returns the versions it went between, or null when the
 * document was current. Throws DocumentTooNewError for a document of a newer release.
 */
export function migrate(
	doc: Y.Doc,
	schema: DocumentSchema,
	docName: string = schema.kind
): { from: number; to: number } | null {
	const plan = migrationPlan(doc, schema);
	if (plan.status === 'too-new') throw new DocumentTooNewError(docName, plan.version, plan.known);
	if (plan.status === 'current') return null;
	for (const migration of schema.migrations) {
		if (migration.version > plan.from && migration.version <= plan.to) migration.up(doc);
	}
	stampVersion(doc, schema);
	return { from: plan.from, to: plan.to };
}

/** Records the current version (a document this release writes for the first time). */
export function stampVersion(doc: Y.Doc, schema: DocumentSchema): void {
	const meta = doc.getMap<unknown>(META_KEY);
	if (meta.get(VERSION_FIELD) !== schema.version) meta.set(VERSION_FIELD, schema.version);
}

/** For tests and reviews: every version from 2 up has exactly one migration, in order. */
export function checkMigrations(schema: DocumentSchema): void {
	schema.migrations.forEach((migration, index) => {
		if (migration.version !== index + 2) {
			throw new Error(`${schema.kind} migration ${index} brings version ${migration.version}`);
		}
	});
	if (schema.migrations.length !== schema.version - 1) {
		throw new Error(`${schema.kind} is at version ${schema.version} without a migration to it`);
	}
}
