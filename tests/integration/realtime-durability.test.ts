import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import { readStageState } from '../../src/lib/collab/room';
import {
	controlStage,
	facilitatorWithWorkshop,
	joinAsParticipant,
	type FacilitatorWithWorkshop,
	type Participant
} from '../support/actors';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

describe.each(databaseKinds())('realtime durability on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let facilitator: FacilitatorWithWorkshop;
	let sales: Participant;
	const peers: Peer[] = [];

	function peer(client: Participant['client'], docName: string): Peer {
		const created = connectPeer(server.url, client, docName);
		peers.push(created);
		return created;
	}

	async function restart(env: Record<string, string> = {}) {
		for (const p of peers.splice(0)) p.destroy();
		await server.stop();
		server = await startServer(database, env);
	}

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		facilitator = await facilitatorWithWorkshop(server);
		sales = await joinAsParticipant(server, facilitator, 'Sales');
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	test('a restart keeps every document and never creates the initial content twice', async () => {
		const room = roomDocName(facilitator.workshopId);
		const board = stageDocName(facilitator.workshopId, 'focus');
		await controlStage(facilitator, 'focus', 'lock');
		await controlStage(facilitator, 'focus', 'unlock');
		const writer = peer(sales.client, board);
		const roomReader = peer(sales.client, room);
		await Promise.all([writer.whenSynced(), roomReader.whenSynced()]);
		writer.doc.getMap('cards').set('kept', 'survives restarts');
		writer.doc.getText('wording').insert(0, 'An MQL is a lead that');
		await writer.ack();
		const roomState = Y.encodeStateVector(roomReader.doc);
		const boardContent = writer.doc.getMap('cards').toJSON();

		for (let round = 0; round < 2; round++) {
			await restart();
			const reloadedRoom = peer(sales.client, room);
			const reloadedBoard = peer(sales.client, board);
			await Promise.all([reloadedRoom.whenSynced(), reloadedBoard.whenSynced()]);
			expect(reloadedBoard.doc.getMap('cards').toJSON()).toEqual(boardContent);
			expect(reloadedBoard.doc.getText('wording').toString()).toBe('An MQL is a lead that');
			// Same state vector: nobody wrote anything, and the room's initial content was
			// loaded, not created again by a process that found the room "new".
			expect(Y.encodeStateVector(reloadedRoom.doc)).toEqual(roomState);
			expect(readStageState(reloadedRoom.doc, 'focus')).toMatchObject({ locked: false });
		}
	});

	test('shutdown commits what it accepted, then closes every socket with 1012', async () => {
		// A batch window far longer than the test: only the shutdown flush can commit these.
		await restart({ REALTIME_BATCH_MS: '60000' });
		const board = stageDocName(facilitator.workshopId, 'terms');
		const writer = peer(sales.client, board);
		const observer = peer(facilitator.client, board);
		await Promise.all([writer.whenSynced(), observer.whenSynced()]);
		writer.doc.getMap('cards').set('late', 'accepted just before shutdown');
		await waitFor('the card to be relayed', () => observer.doc.getMap('cards').has('late'));
		const sockets = [writer.socket!, observer.socket!];

		expect(await server.stop()).toBe(0);
		for (const socket of sockets) {
			const closed = await waitFor('the socket to close', () => socket.closedWith);
			expect(closed.code).toBe(1012);
		}

		// The writer is gone before the restart, so nothing can be resent: what the new process
		// serves came from the database.
		for (const p of peers.splice(0)) p.destroy();
		server = await startServer(database);
		const reader = peer(facilitator.client, board);
		await reader.whenSynced();
		expect(reader.doc.getMap('cards').get('late')).toBe('accepted just before shutdown');
	});

	test('idle documents are flushed, compacted and unloaded, then load again from the database', async () => {
		await restart({ REALTIME_IDLE_UNLOAD_MS: '100', REALTIME_COMPACT_EVERY: '3' });
		const board = stageDocName(facilitator.workshopId, 'measures');
		const writer = peer(sales.client, board);
		await writer.whenSynced();
		for (let i = 0; i < 10; i++) {
			writer.doc.getMap('cards').set(`m${i}`, `measure ${i}`);
			await writer.ack();
		}
		writer.destroy();
		peers.splice(peers.indexOf(writer), 1);
		await waitFor('the board and its room to unload', () =>
			/unloaded workshop\/\w+\/room \(0 loaded\)/.test(server.output())
		);
		expect(server.output()).toMatch(new RegExp(`unloaded ${board} `));

		const reader = peer(facilitator.client, board);
		await reader.whenSynced();
		expect(Object.keys(reader.doc.getMap('cards').toJSON()).sort()).toEqual(
			Array.from({ length: 10 }, (_, i) => `m${i}`).sort()
		);
	});
});
