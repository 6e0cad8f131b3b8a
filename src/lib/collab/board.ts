/**
 * Board documents: a stage's shared board (`workshop/<id>/stage/<key>`) and, while a stage is
 * in private-write mode, one board per team (`…/team/<teamId>`). Both kinds have the one shape
 * this module owns: its top-level keys, its schema version and the migrations to it. Its item,
 * the card, is the record in ./records/card.ts, read and written through ./cards.ts; a term's
 * per-team texts are fitted to the workshop's teams by ./team-slots.ts.
 *
 * Participants and the facilitator edit boards directly through Yjs; the server only checks
 * who may write. Everything on a board lives in keyed maps under globally unique ids (cards,
 * wordings), never under shared fixed keys. That is what makes a reveal a plain CRDT merge:
 * applying a team board's state to the stage board adds that team's items next to everyone
 * else's, and applying it again (a later reveal) adds only what is new.
 */
import * as Y from 'yjs';
import { META_KEY, migrate, stampVersion, type DocumentSchema, type Migration } from './migrate';

export const BOARD_KEYS = {
	/** card id → Y.Map of the card's fields (text, teamId, …; shaped by the stage). */
	cards: 'cards',
	/** `schemaVersion` (./migrate.ts); absent on boards stored before versions existed. */
	meta: META_KEY
} as const;

const BOARD_MIGRATIONS: readonly Migration[] = [
	{
		version: 2,
		description:
			'Boards record their schema version; the cards of the first boards already have the current shape.',
		up() {
			// Nothing to rewrite: `migrate` records the version, which is this version's change.
		}
	}
];

/** Bumped, with a migration added above and a new document fixture, whenever the shape changes. */
export const BOARD_SCHEMA_VERSION = 2;

export const BOARD_SCHEMA: DocumentSchema = {
	kind: 'board',
	version: BOARD_SCHEMA_VERSION,
	migrations: BOARD_MIGRATIONS
};

/** Brings a stored board up to this release's shape (inside the caller's transaction). */
export function migrateBoard(doc: Y.Doc, docName?: string): { from: number; to: number } | null {
	return migrate(doc, BOARD_SCHEMA, docName);
}

/** Server side, inside a write: a board written for the first time records its version. */
export function stampBoard(doc: Y.Doc): void {
	stampVersion(doc, BOARD_SCHEMA);
}

/** Merges a team board's full state (`Y.encodeStateAsUpdate`) into the stage board. */
export function mergeBoard(stageBoard: Y.Doc, teamBoardState: Uint8Array): void {
	Y.applyUpdate(stageBoard, teamBoardState);
}
