import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
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
import { addTerm, entries, has, lines, mergedText, put } from '../support/board-text';
import { startServer, type RunningServer } from '../support/server';
import { readStoredDocs } from '../support/stored-docs';

describe.each(databaseKinds())('realtime durability on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let facilitator: FacilitatorWithWorkshop;
	let sales: Participant;
	let terms: Record<'shared-terms' | 'measures', string>;
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
		// Terms to type in, added while the facilitator's client knows the server's address
		// (every restart moves it to a new port).
		terms = {
			'shared-terms': await addTerm(facilitator.client, facilitator.workshopId, 'shared-terms'),
			measures: await addTerm(facilitator.client, facilitator.workshopId, 'measures')
		};
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
		const term = await addTerm(facilitator.client, facilitator.workshopId, 'focus-value', 'MQL');
		await put(writer, term, 'kept', 'survives restarts');
		const wording = termText(writer.doc, term, TERM_TEXT.wording(sales.team.id))!;
		wording.insert(0, 'An MQL is a lead that');
		await writer.ack();
		const roomState = Y.encodeStateVector(roomReader.doc);
		// A write to the read-only room is acknowledged like any message, but never logged.
		const forger = peer(facilitator.client, room);
		await forger.whenSynced();
		forger.doc.getMap('agreements').set('forged', 'never agreed');
		await forger.ack();
		const boardContent = listCards(writer.doc);
		expect(entries(writer.doc)).toEqual({ kept: 'survives restarts' });

		for (let round = 0; round < 2; round++) {
			await restart();
			const reloadedRoom = peer(sales.client, room);
			const reloadedBoard = peer(sales.client, board);
			await Promise.all([reloadedRoom.whenSynced(), reloadedBoard.whenSynced()]);
			expect(listCards(reloadedBoard.doc)).toEqual(boardContent);
			expect(entries(reloadedBoard.doc)).toEqual({ kept: 'survives restarts' });
			expect(termText(reloadedBoard.doc, term, TERM_TEXT.wording(sales.team.id))!.toString()).toBe(
				'An MQL is a lead that'
			);
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
		const term = terms['shared-terms'];
		await waitFor('the term to reach the observer', () => mergedText(observer.doc, term));
		await put(writer, term, 'late', 'accepted just before shutdown');
		await waitFor('the line to be relayed', () => has(observer.doc, 'late'));
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
		expect(entries(reader.doc).late).toBe('accepted just before shutdown');
	});

	test('idle documents are flushed, compacted and unloaded, then load again from the database', async () => {
		await restart({ REALTIME_IDLE_UNLOAD_MS: '100', REALTIME_COMPACT_EVERY: '3' });
		const board = stageDocName(facilitator.workshopId, 'measures');
		const writer = peer(sales.client, board);
		await writer.whenSynced();
		const term = terms.measures;
		for (let i = 0; i < 10; i++) {
			await put(writer, term, `m${i}`, `measure ${i}`);
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
		expect(Object.keys(entries(reader.doc)).sort()).toEqual(
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
			const term = await addTerm(facilitator.client, facilitator.workshopId, 'connections');
			await Promise.all(
				all.map(async (p, i) => {
					for (let n = 0; n < 5; n++) await put(p, term, `p${i}-${n}`, `step ${n}`);
				})
			);
			const written = (p: Peer) => Object.keys(entries(p.doc)).filter((k) => /^p\d/.test(k));
			await waitFor('every instance’s clients to hold all 30 lines', () =>
				all.every((p) => written(p).length === 30)
			);
			expect(entries(onSecond[0]!.doc)).toEqual(entries(onFirst[0]!.doc));
			expect(listCards(onSecond[0]!.doc)).toEqual(listCards(onFirst[0]!.doc));

			// The lock is made through the first instance; the second learns it from the log.
			await controlStage(facilitator, 'connections', 'lock');
			const watcher = peer(second, facilitator.client, roomDocName(facilitator.workshopId));
			await waitFor('the second instance to see the lock', async () => {
				await watcher.whenSynced();
				return readStageState(watcher.doc, 'connections').locked;
			});
			const lockedOut = onSecond[0]!;
			await put(lockedOut, term, 'while-locked', 'must not land');
			await lockedOut.ack();
			const checker = peer(first, facilitator.client, board);
			await checker.whenSynced();
			expect(has(checker.doc, 'while-locked')).toBe(false);
			expect(written(checker).length).toBe(30);
		});

		test('twenty participants, half on each instance, add cards and type on two boards: everyone ends with the same boards, and so does the database', async () => {
			const facilitator = await facilitatorWithWorkshop(first);
			const stageKeys = ['shared-terms', 'barriers'] as const;
			const boards = stageKeys.map((key) => stageDocName(facilitator.workshopId, key));
			const people = await Promise.all(
				Array.from({ length: 20 }, (_, i) =>
					joinAsParticipant(first, facilitator, i % 2 ? 'Sales' : 'Marketing', `Person ${i}`)
				)
			);
			// Even-numbered people are on the first instance, odd ones on the second, and each
			// board has people from both: every change crosses between the instances.
			const members = people.map((person, i) => {
				const instance = i % 2 === 0 ? first : second;
				const board = Math.floor(i / 2) % 2;
				return {
					index: i,
					instance,
					http: person.client.at(instance.url),
					board,
					device: peer(instance, person.client.at(instance.url), boards[board]!)
				};
			});
			await Promise.all(members.map((m) => m.device.whenSynced()));

			// Everyone adds a term through their own instance's API (cards are the server's to
			// write), all at once.
			const termOf = new Map<number, string>();
			await Promise.all(
				members.map(async (m) => {
					const added = await m.http.json(
						'POST',
						`/api/workshops/${facilitator.workshopId}/stages/${stageKeys[m.board]}/cards`,
						{ type: 'term', text: `Term by person ${m.index}` }
					);
					expect(added.status).toBe(201);
					termOf.set(m.index, String(added.body.id));
				})
			);
			const onBoard = (board: number) => members.filter((m) => m.board === board);
			// (The shared-terms board also holds the template's terms.)
			const added = (doc: Y.Doc) =>
				listCards(doc, 'term').filter((card) => card.text.startsWith('Term by person'));
			await waitFor('every device to see the ten terms added to its board', () =>
				members.every((m) => added(m.device.doc).length === 10)
			);

			// Each types three lines in their own term and three in a term added by someone on
			// the other instance.
			await Promise.all(
				members.map(async (m) => {
					const across = onBoard(m.board).find((o) => o.instance !== m.instance)!;
					for (let n = 0; n < 3; n++) {
						await put(m.device, termOf.get(m.index)!, `p${m.index}-own-${n}`, 'mine');
						await put(m.device, termOf.get(across.index)!, `p${m.index}-across-${n}`, 'theirs');
					}
				})
			);
			const writtenOn = (doc: Y.Doc) => lines(doc).filter(([key]) => /^p\d+-/.test(key));
			await waitFor('every device to hold all sixty lines of its board', () =>
				members.every((m) => writtenOn(m.device.doc).length === 60)
			);
			await Promise.all(members.map((m) => m.device.ack()));

			// Everyone equal: each device, a fresh reader on each instance, and the database.
			const stored = await readStoredDocs(database, boards);
			for (const [board, name] of boards.entries()) {
				const readers = [first, second].map((instance) =>
					peer(instance, facilitator.client.at(instance.url), name)
				);
				await Promise.all(readers.map((r) => r.whenSynced()));
				const docs = [
					...onBoard(board).map((m) => m.device.doc),
					...readers.map((r) => r.doc),
					stored.get(name)!
				];
				const reference = docs[0]!;
				for (const doc of docs) {
					expect(Y.decodeStateVector(Y.encodeStateVector(doc))).toEqual(
						Y.decodeStateVector(Y.encodeStateVector(reference))
					);
					expect(lines(doc).sort()).toEqual(lines(reference).sort());
					expect(listCards(doc)).toEqual(listCards(reference));
				}
				expect(writtenOn(reference).length).toBe(60);
			}
		});
	}
);
