/**
 * Cards are the server's to create, change and delete (src/lib/server/boards.ts); over Yjs a
 * participant may only type in the texts a card already has. An update that does more is
 * dropped whole: never relayed, never logged to the database, and the connection stays open.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { cardsOf, listCards, termText, TERM_TEXT, type Card } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import { openDatabase } from '../../src/lib/server/db/open';
import { yjsSnapshot, yjsUpdate } from '../../src/lib/server/db/schema';
import {
	facilitatorWithWorkshop,
	joinAsParticipant,
	type FacilitatorWithWorkshop,
	type Participant
} from '../support/actors';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

describe.each(databaseKinds())('board updates over Yjs on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let facilitator: FacilitatorWithWorkshop;
	let sales: Participant;
	let marketing: Participant;
	const peers: Peer[] = [];

	function peer(client: Participant['client'], docName: string): Peer {
		const created = connectPeer(server.url, client, docName);
		peers.push(created);
		return created;
	}

	/** The board as the database holds it (snapshot and log), read while the server is down. */
	async function storedBoard(docName: string): Promise<Y.Doc> {
		const db = await openDatabase({ ...database.options, migrationsDir: 'drizzle' });
		try {
			const doc = new Y.Doc();
			const snapshots = await db.db
				.select({ data: yjsSnapshot.data })
				.from(yjsSnapshot)
				.where(eq(yjsSnapshot.docName, docName));
			const updates = await db.db
				.select({ data: yjsUpdate.data })
				.from(yjsUpdate)
				.where(eq(yjsUpdate.docName, docName));
			for (const row of [...snapshots, ...updates]) Y.applyUpdate(doc, new Uint8Array(row.data));
			return doc;
		} finally {
			await db.close();
		}
	}

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		facilitator = await facilitatorWithWorkshop(server);
		sales = await joinAsParticipant(server, facilitator, 'Sales', 'Sam Sales');
		marketing = await joinAsParticipant(server, facilitator, 'Marketing', 'Mia Marketing');
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	test('creating, changing or deleting a card over Yjs is dropped; typing in its texts is relayed', async () => {
		// The shared-terms board starts with the template's terms, written by the server.
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const forger = peer(sales.client, board);
		const writer = peer(sales.client, board);
		const observer = peer(marketing.client, board);
		await Promise.all([forger.whenSynced(), writer.whenSynced(), observer.whenSynced()]);
		const [term, doomed] = listCards(observer.doc, 'term');
		expect(term && doomed).toBeTruthy();
		const before: Card[] = listCards(observer.doc);

		// Three writes only the server may make, each its own update.
		const forged = new Y.Map<unknown>();
		forged.set('type', 'note');
		forged.set('text', 'written around the server');
		forged.set('teamId', marketing.team.id);
		cardsOf(forger.doc).set('forged', forged);
		cardsOf(forger.doc).get(term!.id)!.set('text', 'renamed around the server');
		cardsOf(forger.doc).delete(doomed!.id);
		await forger.ack();

		// What participants do write: a team's wording and the merged wording.
		termText(writer.doc, term!.id, TERM_TEXT.wording(sales.team.id))!.insert(0, 'Budget confirmed');
		termText(observer.doc, term!.id, TERM_TEXT.merged)!.insert(0, 'Score ≥ 65');
		termText(writer.doc, term!.id, TERM_TEXT.wording(sales.team.id))!.insert(6, ' and authority');
		await waitFor(
			'both edits on both screens',
			() =>
				termText(observer.doc, term!.id, TERM_TEXT.wording(sales.team.id))!.toString() ===
					'Budget and authority confirmed' &&
				termText(writer.doc, term!.id, TERM_TEXT.merged)!.toString() === 'Score ≥ 65'
		);
		// Deleting characters is typing too.
		termText(observer.doc, term!.id, TERM_TEXT.merged)!.delete(5, 5);
		await waitFor(
			'the deletion on the other screen',
			() => termText(writer.doc, term!.id, TERM_TEXT.merged)!.toString() === 'Score'
		);
		await Promise.all([writer.ack(), observer.ack()]);

		// Nobody else saw the forged writes, and the forger's connection is still open.
		for (const other of [writer, observer]) {
			expect(cardsOf(other.doc).has('forged')).toBe(false);
			expect(listCards(other.doc)).toEqual(before);
		}
		expect(forger.socket!.readyState).toBe(forger.socket!.OPEN);
		expect(server.output()).toMatch(
			/refused a board update from a participant on workshop\/\w+\/stage\/shared-terms: /
		);
		expect(server.output()).not.toMatch(/written around the server|renamed around the server/);

		// The database never got them either; what comes back after a restart is the server's.
		for (const p of peers.splice(0)) p.destroy();
		await server.stop();
		const stored = await storedBoard(board);
		expect(cardsOf(stored).has('forged')).toBe(false);
		expect(listCards(stored)).toEqual(before);
		expect(termText(stored, term!.id, TERM_TEXT.wording(sales.team.id))!.toString()).toBe(
			'Budget and authority confirmed'
		);
		server = await startServer(database);
		const again = peer(sales.client, board);
		await again.whenSynced();
		expect(listCards(again.doc)).toEqual(before);
		expect(termText(again.doc, term!.id, TERM_TEXT.merged)!.toString()).toBe('Score');
	});

	test('a new top-level type or a text inside a forged card is dropped too', async () => {
		const board = stageDocName(facilitator.workshopId, 'focus-value');
		const forger = peer(sales.client, board);
		const observer = peer(facilitator.client, board);
		await Promise.all([forger.whenSynced(), observer.whenSynced()]);
		forger.doc.getText('notes').insert(0, 'a root text nobody reads');
		const card = new Y.Map<unknown>();
		cardsOf(forger.doc).set('forged-term', card);
		const merged = new Y.Text();
		card.set(TERM_TEXT.merged, merged);
		// Typing in the forged card's text refers to something the server never accepted.
		merged.insert(0, 'typed into a forged card');
		await forger.ack();
		expect(forger.socket!.readyState).toBe(forger.socket!.OPEN);
		const late = peer(marketing.client, board);
		await late.whenSynced();
		expect(late.doc.getText('notes').toString()).toBe('');
		expect(cardsOf(late.doc).size).toBe(0);
		expect(cardsOf(observer.doc).size).toBe(0);
	});
});
