/**
 * Documents stored by earlier releases (tests/fixtures/documents) loaded by the realtime
 * server: each is stored as a workshop's document, a client connects, and it must receive the
 * current shape, migrated in exactly one update that the log holds before the client sees it.
 * A document of a newer release is refused, with a line in the log.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { readAgreements } from '../../src/lib/collab/agreements';
import { BOARD_SCHEMA } from '../../src/lib/collab/board';
import { listCards, listUnknownItems, TERM_TEXT, termText } from '../../src/lib/collab/cards';
import { roomDocName, stageDocName, teamDocName } from '../../src/lib/collab/doc-names';
import { META_KEY, storedVersion, VERSION_FIELD } from '../../src/lib/collab/migrate';
import { readStageStates, ROOM_SCHEMA } from '../../src/lib/collab/room';
import { rowsOf } from '../../src/lib/server/db';
import { openDatabase } from '../../src/lib/server/db/open';
import { facilitatorWithWorkshop, type FacilitatorWithWorkshop } from '../support/actors';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { connectPeer, headersOf, upgradeStatus, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'documents');
const FIXTURES = readdirSync(DIR).filter((f) => f.endsWith('.bin'));

/**
 * Where each fixture is stored in the test's workshop. A board's shape does not depend on its
 * stage's kind, so the board of a kind the template has no stage for (`open`) is stored as a
 * team board.
 */
function docNameOf(file: string, w: FacilitatorWithWorkshop): string {
	const sales = w.team('Sales').id;
	const marketing = w.team('Marketing').id;
	if (file.startsWith('room-')) return roomDocName(w.workshopId);
	if (file.startsWith('team-shared-terms-sales-'))
		return teamDocName(w.workshopId, 'shared-terms', sales);
	if (file.startsWith('team-shared-terms-marketing-'))
		return teamDocName(w.workshopId, 'shared-terms', marketing);
	if (file.startsWith('board-open-')) return teamDocName(w.workshopId, 'connections', sales);
	const kind = /^board-(.+)-v\d+\.bin$/.exec(file)![1]!;
	return stageDocName(w.workshopId, kind);
}

function fixture(file: string): Uint8Array {
	return readFileSync(join(DIR, file));
}

describe.each(databaseKinds())('documents of earlier releases on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let facilitator: FacilitatorWithWorkshop;
	const names = new Map<string, string>();
	let tooNew = '';
	const peers: Peer[] = [];

	async function withDatabase<T>(
		use: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>
	): Promise<T> {
		const opened = await openDatabase({ ...database.options, migrationsDir: 'drizzle' });
		try {
			return await use(opened.db);
		} finally {
			await opened.close();
		}
	}

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		facilitator = await facilitatorWithWorkshop(server);
		await server.stop();
		for (const file of FIXTURES) names.set(file, docNameOf(file, facilitator));
		// A team board written by a release newer than this one.
		const newer = new Y.Doc();
		newer.getMap(META_KEY).set(VERSION_FIELD, BOARD_SCHEMA.version + 1);
		tooNew = teamDocName(facilitator.workshopId, 'measures', facilitator.team('Sales').id);
		await withDatabase(async (db) => {
			const prefix = `workshop/${facilitator.workshopId}/%`;
			await db.execute(sql`delete from yjs_snapshot where doc_name like ${prefix}`);
			await db.execute(sql`delete from yjs_update where doc_name like ${prefix}`);
			for (const [file, name] of names) {
				await db.execute(
					sql`insert into yjs_update (doc_name, seq, data) values (${name}, 1, ${fixture(file)})`
				);
			}
			await db.execute(
				sql`insert into yjs_update (doc_name, seq, data) values (${tooNew}, 1, ${Y.encodeStateAsUpdate(newer)})`
			);
		});
		server = await startServer(database);
		facilitator.client = facilitator.client.at(server.url);
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	test('a document of a newer release is not loaded, and the log says why', async () => {
		const status = await upgradeStatus(
			server.url,
			tooNew,
			headersOf(facilitator.client, server.url)
		);
		expect(status).toBe(503);
		await waitFor('the refusal in the log', () =>
			/newer than the \d+ this server knows/.test(server.output())
		);
	});

	test('every fixture reaches a client in the current shape, migrated in one stored update', async () => {
		const received = new Map<string, Y.Doc>();
		for (const [file, name] of names) {
			const peer = connectPeer(server.url, facilitator.client, name);
			peers.push(peer);
			await peer.whenSynced();
			received.set(file, peer.doc);
		}
		const teamIds = facilitator.teams.map((t) => t.id);
		for (const [file, doc] of received) {
			if (file.startsWith('room-')) {
				expect(storedVersion(doc), file).toBe(ROOM_SCHEMA.version);
				const states = readStageStates(doc);
				expect(states['focus-value'], file).toEqual({
					locked: true,
					privateWrite: false,
					revealedAt: null,
					hiddenFromProjector: false
				});
				expect(states['barriers']?.hiddenFromProjector, file).toBe(true);
				expect(readAgreements(doc).unknown, file).toEqual([]);
				expect(readAgreements(doc).entries.size, file).toBe(2);
				continue;
			}
			expect(storedVersion(doc), file).toBe(BOARD_SCHEMA.version);
			expect(listUnknownItems(doc), file).toEqual([]);
			const cards = listCards(doc);
			expect(cards.length, file).toBeGreaterThan(0);
			// The same load fitted the terms to this workshop's teams.
			for (const term of cards.filter((c) => c.type === 'term')) {
				for (const teamId of teamIds)
					expect(termText(doc, term.id, TERM_TEXT.wording(teamId)), file).not.toBeNull();
			}
		}
		// The revealed term keeps what the teams wrote.
		const terms = listCards(received.get('board-shared-terms-v1.bin')!, 'term');
		expect(terms.map((t) => t.text)).toEqual(['Marketing qualified lead', 'Follow-up SLA']);

		// Nothing compacts the log on a crash: what is stored is the fixture and one more entry.
		await server.kill();
		const stored = await withDatabase(async (db) => {
			const byName = new Map<string, Array<{ seq: number; data: Uint8Array }>>();
			for (const name of names.values()) {
				const result = await db.execute(
					sql`select seq::float8 as seq, data from yjs_update where doc_name = ${name} order by seq`
				);
				byName.set(name, rowsOf<{ seq: number; data: Uint8Array }>(result));
			}
			const snapshots = await db.execute(
				sql`select count(*)::int as n from yjs_snapshot where doc_name like ${`workshop/${facilitator.workshopId}/%`}`
			);
			expect(rowsOf<{ n: number }>(snapshots)[0]!.n).toBe(0);
			return byName;
		});
		for (const [file, name] of names) {
			const rows = stored.get(name)!;
			expect(
				rows.map((r) => Number(r.seq)),
				file
			).toEqual([1, 2]);
			const doc = new Y.Doc();
			Y.applyUpdate(doc, fixture(file));
			Y.applyUpdate(doc, rows[1]!.data);
			expect(storedVersion(doc), file).toBe(
				file.startsWith('room-') ? ROOM_SCHEMA.version : BOARD_SCHEMA.version
			);
		}
	});
});
