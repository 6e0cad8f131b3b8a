import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stageDocName } from '../../src/lib/collab/doc-names';
import { facilitatorWithWorkshop, joinAsParticipant, type Participant } from '../support/actors';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { connectPeer, movePeer, waitFor, type Peer } from '../support/realtime';
import { addTerm, entries, lines, mergedText, putNow } from '../support/board-text';
import { startServer, type RunningServer } from '../support/server';

const CLIENTS = 50;
const BOARDS = 5;

interface Writer {
	peer: Peer;
	board: string;
	/** The term whose merged wording this client types in. */
	term: string;
	prefix: string;
	/** Edits made in the client's own document (all of them reach the server eventually). */
	made: number;
	/** Edits the server had committed when it answered this client's last sync request. */
	acknowledged: number;
}

function keysOf(writer: Writer, count: number): string[] {
	return Array.from({ length: count }, (_, i) => `${writer.prefix}-${i}`);
}

describe.each(databaseKinds())('a crash under load on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	const peers: Peer[] = [];

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	test('kill -9 while 50 clients write: acknowledged edits survive, and after reconnecting every edit is there', async () => {
		const facilitator = await facilitatorWithWorkshop(server);
		const participants: Participant[] = [];
		for (let i = 0; i < CLIENTS; i++) {
			participants.push(
				await joinAsParticipant(server, facilitator, i % 2 ? 'Sales' : 'Marketing', `Writer ${i}`)
			);
		}
		// The alignment template's first five stages, each with a term the clients type in
		// (cards are the server's to create).
		const stageKeys = ['focus-value', 'shared-terms', 'connections', 'barriers', 'measures'].slice(
			0,
			BOARDS
		);
		const boards = stageKeys.map((key) => stageDocName(facilitator.workshopId, key));
		const terms = await Promise.all(
			stageKeys.map((key) => addTerm(facilitator.client, facilitator.workshopId, key))
		);
		const writers: Writer[] = participants.map((participant, i) => {
			const board = boards[i % BOARDS]!;
			const peer = connectPeer(server.url, participant.client, board);
			peers.push(peer);
			return { peer, board, term: terms[i % BOARDS]!, prefix: `w${i}`, made: 0, acknowledged: 0 };
		});
		await Promise.all(writers.map((w) => w.peer.whenSynced()));
		await waitFor('every writer to have its term', () =>
			writers.every((w) => mergedText(w.peer.doc, w.term))
		);

		// Each client writes two lines, asks for an acknowledgement, and repeats until the
		// server dies under it.
		let crashed = false;
		const loops = writers.map(async (writer) => {
			while (!crashed) {
				for (let k = 0; k < 2; k++) {
					putNow(mergedText(writer.peer.doc, writer.term)!, `${writer.prefix}-${writer.made}`, 'x');
					writer.made++;
				}
				const asked = writer.made;
				try {
					await writer.peer.ack();
				} catch {
					return;
				}
				if (!crashed) writer.acknowledged = asked;
			}
		});
		await waitFor('enough acknowledged edits', () => writers.every((w) => w.acknowledged >= 6));
		await server.kill();
		crashed = true;
		await Promise.all(loops);
		// Keep each client's document (with its unacknowledged edits) but stop it reconnecting.
		for (const writer of writers) writer.peer.provider.disconnect();
		const totalMade = writers.reduce((n, w) => n + w.made, 0);
		const totalAcknowledged = writers.reduce((n, w) => n + w.acknowledged, 0);
		expect(totalAcknowledged).toBeGreaterThanOrEqual(CLIENTS * 6);

		server = await startServer(database);

		// Before any client comes back: what the new process serves is what was committed.
		for (const board of boards) {
			const reader = connectPeer(server.url, facilitator.client, board);
			peers.push(reader);
			await reader.whenSynced();
			const cards = new Set(Object.keys(entries(reader.doc)));
			for (const writer of writers.filter((w) => w.board === board)) {
				const missing = keysOf(writer, writer.acknowledged).filter((key) => !cards.has(key));
				expect({ writer: writer.prefix, missing }).toEqual({ writer: writer.prefix, missing: [] });
			}
		}

		// The clients reconnect and resend what the crash cut off, as y-websocket does.
		for (const writer of writers) {
			movePeer(writer.peer, server.url);
			writer.peer.provider.connect();
		}
		await Promise.all(writers.map((w) => w.peer.whenSynced()));
		await Promise.all(writers.map((w) => w.peer.ack()));
		for (const board of boards) {
			const reader = connectPeer(server.url, facilitator.client, board);
			peers.push(reader);
			await reader.whenSynced();
			const cards = new Set(Object.keys(entries(reader.doc)));
			const onBoard = writers.filter((w) => w.board === board);
			const missing = onBoard.flatMap((w) => keysOf(w, w.made)).filter((key) => !cards.has(key));
			expect(missing).toEqual([]);
			// Nothing twice and nothing invented (boards also hold the template's terms).
			const written = lines(reader.doc)
				.map(([key]) => key)
				.filter((key) => /^w\d+-\d+$/.test(key));
			expect(written.length).toBe(onBoard.reduce((n, w) => n + w.made, 0));
		}
		console.log(
			`${kind}: ${totalMade} edits made, ${totalAcknowledged} acknowledged before the kill`
		);
	});
});
