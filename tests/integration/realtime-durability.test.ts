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
		const board = stageDocName(facilitator.workshopId, 'focus-value');
		await controlStage(facilitator, 'focus-value', 'lock');
		await controlStage(facilitator, 'focus-value', 'unlock');
		const writer = peer(sales.client, board);
		const roomReader = peer(sales.client, room);
		await Promise.all([writer.whenSynced(), roomReader.whenSynced()]);
		writer.doc.getMap('cards').set('kept', 'survives restarts');
		writer.doc.getText('wording').insert(0, 'An MQL is a lead that');
		await writer.ack();
		const roomState = Y.encodeStateVector(roomReader.doc);
		// A write to the read-only room is acknowledged like any message, but never logged.
		const forger = peer(facilitator.client, room);
		await forger.whenSynced();
		forger.doc.getMap('agreements').set('forged', 'never agreed');
		await forger.ack();
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
			expect(reloadedRoom.doc.getMap('agreements').size).toBe(0);
			expect(readStageState(reloadedRoom.doc, 'focus-value')).toMatchObject({ locked: false });
		}
	});

	test('shutdown commits what it accepted, then closes every socket with 1012', async () => {
		// A batch window far longer than the test: only the shutdown flush can commit these.
		await restart({ REALTIME_BATCH_MS: '60000' });
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
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

// PGlite is one process's database (a second instance refuses its data directory), so
// instances sharing a database only exist on PostgreSQL.
describe.each(databaseKinds().filter((kind) => kind === 'postgres'))(
	'two instances on one %s',
	(kind) => {
		let database: TestDatabase;
		let first: RunningServer;
		let second: RunningServer;
		const peers: Peer[] = [];

		beforeAll(async () => {
			database = await createTestDatabase(kind);
			[first, second] = await Promise.all([startServer(database), startServer(database)]);
		});
		afterAll(async () => {
			for (const p of peers) p.destroy();
			await Promise.all([first?.stop(), second?.stop()]);
			await database?.drop();
		});

		function peer(server: RunningServer, client: Participant['client'], docName: string): Peer {
			const created = connectPeer(server.url, client, docName);
			peers.push(created);
			return created;
		}

		test('clients on different instances converge, and a lock made on one applies on the other', async () => {
			const facilitator = await facilitatorWithWorkshop(first);
			const writers = await Promise.all(
				Array.from({ length: 6 }, (_, i) =>
					joinAsParticipant(first, facilitator, i % 2 ? 'Sales' : 'Marketing', `Writer ${i}`)
				)
			);
			const board = stageDocName(facilitator.workshopId, 'connections');
			const onFirst = writers.slice(0, 3).map((w) => peer(first, w.client, board));
			const onSecond = writers.slice(3).map((w) => peer(second, w.client, board));
			const all = [...onFirst, ...onSecond];
			await Promise.all(all.map((p) => p.whenSynced()));
			all.forEach((p, i) => {
				for (let n = 0; n < 5; n++) p.doc.getMap('cards').set(`p${i}-${n}`, `step ${n}`);
			});
			// The journey board starts with the template's steps; these are the test's own.
			const written = (p: Peer) => [...p.doc.getMap('cards').keys()].filter((k) => /^p\d/.test(k));
			await waitFor('every instance’s clients to hold all 30 cards', () =>
				all.every((p) => written(p).length === 30)
			);
			expect(onSecond[0]!.doc.getMap('cards').toJSON()).toEqual(
				onFirst[0]!.doc.getMap('cards').toJSON()
			);

			// The lock is made through the first instance; the second learns it from the log.
			await controlStage(facilitator, 'connections', 'lock');
			const watcher = peer(second, facilitator.client, roomDocName(facilitator.workshopId));
			await waitFor('the second instance to see the lock', async () => {
				await watcher.whenSynced();
				return readStageState(watcher.doc, 'connections').locked;
			});
			const lockedOut = onSecond[0]!;
			lockedOut.doc.getMap('cards').set('while-locked', 'must not land');
			await lockedOut.ack();
			const checker = peer(first, facilitator.client, board);
			await checker.whenSynced();
			expect(checker.doc.getMap('cards').has('while-locked')).toBe(false);
			expect(written(checker).length).toBe(30);
		});
	}
);
