/**
 * What a document goes through as it loads, before anyone reads it: a new room gets its
 * initial content, and a stored document is brought to this release's shape.
 */
import * as Y from 'yjs';
import { BOARD_SCHEMA } from '../../src/lib/collab/board';
import type { DocAddress } from '../../src/lib/collab/doc-names';
import {
	DocumentTooNewError,
	isEmptyDocument,
	migrate,
	migrationPlan
} from '../../src/lib/collab/migrate';
import { initRoom, ROOM_SCHEMA } from '../../src/lib/collab/room';
import { addMissingSlots, missingSlots } from '../../src/lib/collab/team-slots';
import { moduleLogger } from '../../src/lib/server/logger';
import * as workshops from '../../src/lib/server/workshops';
import { FROM_SERVER, type SharedDoc } from './shared-doc';

const log = moduleLogger('realtime');

/** A room's content before anything is written to it: its schema version. */
export function initialRoom(): Uint8Array {
	const doc = new Y.Doc();
	initRoom(doc);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

/**
 * Brings a stored document to this release's shape before anyone reads it, as one update
 * committed before the document is handed out (like every server write):
 * - its migrations, from the version it was stored at (src/lib/collab/migrate.ts; the room's
 *   and the board's are in room.ts and board.ts);
 * - a board stored before one of the workshop's teams existed (added by an earlier version,
 *   or while the board was not loaded anywhere) gets that team's texts
 *   (src/lib/collab/team-slots.ts).
 * A document of a newer release than this one is not loaded at all (DocumentTooNewError),
 * so this server writes nothing into it.
 */
export async function upgradeStored(shared: SharedDoc, address: DocAddress): Promise<void> {
	const doc = shared.doc;
	const schema = address.kind === 'room' ? ROOM_SCHEMA : BOARD_SCHEMA;
	const plan = migrationPlan(doc, schema);
	if (plan.status === 'too-new') {
		const error = new DocumentTooNewError(shared.name, plan.version, plan.known);
		log.error(error.message);
		throw error;
	}
	// A board nobody wrote yet has nothing to migrate: the first write records its version.
	const toMigrate = plan.status === 'migrate' && !isEmptyDocument(doc);
	const teamIds =
		address.kind === 'room' ? [] : (await workshops.teams(address.workshopId)).map((t) => t.id);
	const toFit = missingSlots(doc, teamIds) > 0;
	if (!toMigrate && !toFit) return;
	doc.transact(() => {
		if (toMigrate) migrate(doc, schema, shared.name);
		if (toFit) addMissingSlots(doc, teamIds);
	}, FROM_SERVER);
	if (toMigrate && plan.status === 'migrate') {
		log.info(`migrated ${shared.name} from version ${plan.from} to ${plan.to}`);
	}
	await shared.whenPersisted();
}
