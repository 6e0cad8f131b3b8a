import * as encoding from 'lib0/encoding';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { roomDocName, stageDocName, teamDocName } from '../../src/lib/collab/doc-names';
import { ROOM_SCHEMA_VERSION } from '../../src/lib/collab/room';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { openDatabase } from '../../src/lib/server/db/open';
import { session } from '../../src/lib/server/db/schema';
import {
	facilitatorWithWorkshop,
	joinAsParticipant,
	type FacilitatorWithWorkshop,
	type Participant
} from '../support/actors';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import {
	connectPeer,
	headersOf,
	openRaw,
	syncStep1Frame,
	syncUpdateFrame,
	upgradeStatus,
	waitFor,
	type Peer,
	type RawSocket
} from '../support/realtime';
import { addTerm, entries, has, put } from '../support/board-text';
import { startServer, type RunningServer } from '../support/server';

/** A small deterministic generator, so a failing fuzz run can be replayed from its seed. */
function random(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n: number) => Math.floor(next() * n);
	const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
	return { next, int, bytes };
}

function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, 1);
	encoding.writeVarUint(inner, clientId);
	encoding.writeVarUint(inner, clock);
	encoding.writeVarString(inner, JSON.stringify(state));
	const outer = encoding.createEncoder();
	encoding.writeVarUint(outer, 1);
	encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner));
	return encoding.toUint8Array(outer);
}

/** Well-formed frames of every kind the protocol has: the seeds the fuzzer mutates. */
function corpus(): Uint8Array[] {
	const frames: Uint8Array[] = [];
	const doc = new Y.Doc();
	let previous = Y.encodeStateVector(doc);
	const steps: Array<(d: Y.Doc) => void> = [
		(d) => d.getMap('cards').set('c1', 'first card'),
		(d) => d.getText('notes').insert(0, 'hello world'),
		(d) => d.getArray<number>('order').push([1, 2, 3]),
		(d) => d.getText('notes').delete(2, 4),
		(d) => {
			const nested = new Y.Map<string>();
			d.getMap('cards').set('c2', nested);
			nested.set('text', 'nested card');
		},
		(d) => d.getMap('cards').delete('c1')
	];
	for (const step of steps) {
		step(doc);
		frames.push(syncUpdateFrame(Y.encodeStateAsUpdate(doc, previous)));
		previous = Y.encodeStateVector(doc);
	}
	frames.push(syncUpdateFrame(Y.encodeStateAsUpdate(doc)));
	frames.push(syncStep1Frame(Y.encodeStateVector(doc)));
	frames.push(syncStep1Frame(new Uint8Array([0])));
	frames.push(awarenessFrame(doc.clientID, 3, { name: 'Fuzz', team: 'Sales' }));
	frames.push(new Uint8Array([3]));
	return frames;
}

function mutate(frame: Uint8Array, rng: ReturnType<typeof random>): Uint8Array {
	const copy = Uint8Array.from(frame);
	switch (rng.int(7)) {
		case 0: {
			// flip a few bits
			for (let i = rng.int(4) + 1; i > 0; i--) copy[rng.int(copy.length)]! ^= 1 << rng.int(8);
			return copy;
		}
		case 1:
			// truncate
			return copy.slice(0, rng.int(copy.length));
		case 2: {
			// overwrite a byte with a varint continuation byte
			copy[rng.int(copy.length)] = 0x80 | rng.int(128);
			return copy;
		}
		case 3: {
			// insert random bytes
			const at = rng.int(copy.length + 1);
			return Uint8Array.from([
				...copy.slice(0, at),
				...rng.bytes(rng.int(8) + 1),
				...copy.slice(at)
			]);
		}
		case 4: {
			// append garbage
			return Uint8Array.from([...copy, ...rng.bytes(rng.int(16) + 1)]);
		}
		case 5: {
			// a huge length prefix where a small one was
			const at = Math.min(copy.length - 1, 1 + rng.int(3));
			return Uint8Array.from([
				...copy.slice(0, at),
				0xff,
				0xff,
				0xff,
				0xff,
				0x0f,
				...copy.slice(at)
			]);
		}
		default:
			return rng.bytes(rng.int(64));
	}
}

describe.each(oneDatabase('postgres'))('realtime bad input on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let facilitator: FacilitatorWithWorkshop;
	let sales: Participant;
	let marketing: Participant;
	const peers: Peer[] = [];
	const raws: RawSocket[] = [];

	function raw(client: Client, docName: string): RawSocket {
		const socket = openRaw(server.url, docName, headersOf(client, server.url));
		raws.push(socket);
		return socket;
	}

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		facilitator = await facilitatorWithWorkshop(server);
		sales = await joinAsParticipant(server, facilitator, 'Sales');
		marketing = await joinAsParticipant(server, facilitator, 'Marketing');
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		for (const r of raws) r.socket.terminate();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	test('upgrades are refused over plain HTTP before any socket opens', async () => {
		const id = facilitator.workshopId;
		const status = (docName: string, headers: Record<string, string>) =>
			upgradeStatus(server.url, docName, headers);
		const origin = server.url;

		expect(await status(roomDocName(id), { origin })).toBe(401);
		expect(
			await status(roomDocName(id), { origin, cookie: 'cg_participant=' + 'a'.repeat(32) })
		).toBe(401);
		expect(await status('workshop/' + id + '/nonsense', headersOf(sales.client, server.url))).toBe(
			404
		);
		expect(await status('../../etc/passwd', headersOf(sales.client, server.url))).toBe(404);
		// A well-formed name for a stage the workshop does not have: no document is made up.
		expect(
			await status(stageDocName(id, 'no-such-stage'), headersOf(sales.client, server.url))
		).toBe(404);
		expect(await status(roomDocName(id), headersOf(sales.client, 'https://evil.example'))).toBe(
			403
		);
		expect(await status(roomDocName(id), { cookie: sales.client.cookieHeader() })).toBe(403);

		const elsewhere = await facilitatorWithWorkshop(server, 'Another workshop');
		expect(
			await status(roomDocName(elsewhere.workshopId), headersOf(sales.client, server.url))
		).toBe(403);
		// A facilitator who does not own the workshop is no member of it either.
		expect(await status(roomDocName(id), headersOf(elsewhere.client, server.url))).toBe(403);
		expect(
			await status(
				teamDocName(id, 'focus-value', marketing.team.id),
				headersOf(sales.client, server.url)
			)
		).toBe(403);
		expect(
			await status(
				teamDocName(id, 'focus-value', 'nosuchteam'),
				headersOf(facilitator.client, server.url)
			)
		).toBe(404);

		expect(await status(roomDocName(id), headersOf(sales.client, server.url))).toBe(101);
		expect(
			await status(stageDocName(id, 'focus-value'), headersOf(facilitator.client, server.url))
		).toBe(101);
	});

	test('a frame over 1 MiB closes the socket with 1009', async () => {
		const socket = raw(sales.client, stageDocName(facilitator.workshopId, 'focus-value'));
		await socket.opened;
		socket.socket.send(new Uint8Array(1024 * 1024 + 1));
		expect((await socket.closed).code).toBe(1009);
	});

	test('text frames and unknown message types close with 1003', async () => {
		const board = stageDocName(facilitator.workshopId, 'focus-value');
		const text = raw(sales.client, board);
		await text.opened;
		text.socket.send('hello');
		expect((await text.closed).code).toBe(1003);

		const unknown = raw(sales.client, board);
		await unknown.opened;
		unknown.socket.send(new Uint8Array([7, 0]));
		expect(await unknown.closed).toMatchObject({ code: 1003, reason: 'unknown message type 7' });

		const auth = raw(sales.client, board);
		await auth.opened;
		auth.socket.send(new Uint8Array([2, 0]));
		expect((await auth.closed).code).toBe(1003);
	});

	test('truncated varints, lengths past the end and unreadable updates close with 1007', async () => {
		const board = stageDocName(facilitator.workshopId, 'focus-value');
		const frames = [
			new Uint8Array([]),
			new Uint8Array([0x80]),
			new Uint8Array([0, 0x80]),
			new Uint8Array([0, 2, 0xff, 0xff, 0x03, 1, 2]),
			new Uint8Array([0, 0, 1, 5]),
			new Uint8Array([1, 3, 1, 1]),
			awarenessFrame(12345, 1, 'x').slice(0, -1),
			syncUpdateFrame(new Uint8Array([1, 1, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x08]))
		];
		for (const frame of frames) {
			const socket = raw(sales.client, board);
			await socket.opened;
			socket.socket.send(frame);
			expect({ frame: [...frame], ...(await socket.closed) }).toMatchObject({ code: 1007 });
		}
	});

	test('a flood from one connection is cut off with 1008 while others carry on', async () => {
		const board = stageDocName(facilitator.workshopId, 'focus-value');
		const calm = connectPeer(server.url, marketing.client, board);
		peers.push(calm);
		await calm.whenSynced();
		const flood = raw(sales.client, board);
		await flood.opened;
		const probe = new Uint8Array([3]);
		for (let i = 0; i < 2000 && flood.socket.readyState === flood.socket.OPEN; i++) {
			flood.socket.send(probe);
		}
		expect((await flood.closed).code).toBe(1008);
		const term = await addTerm(facilitator.client, facilitator.workshopId, 'focus-value');
		await put(calm, term, 'still-here', 'yes');
		await calm.ack();
		expect(calm.socket!.readyState).toBe(calm.socket!.OPEN);
	});

	// Frames are read and checked before anything reaches the database.
	// 3,000 frames a run, from a new seed each run, so CI covers new ground every time at a
	// fifth of the cost of a long run; FUZZ_FRAMES sets a longer one (10,000 took 44 s here).
	const total = Number(process.env.FUZZ_FRAMES ?? 3_000);
	test(`${total.toLocaleString('en')} random and mutated frames leave the server serving and the documents loadable`, async () => {
		const board = stageDocName(facilitator.workshopId, 'measures');
		const room = roomDocName(facilitator.workshopId);
		const writer = connectPeer(server.url, facilitator.client, board);
		peers.push(writer);
		await writer.whenSynced();
		const term = await addTerm(facilitator.client, facilitator.workshopId, 'measures');
		await put(writer, term, 'before', 'written before the fuzz');
		await writer.ack();

		const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
		const rng = random(seed);
		// Printed first, so a failing run can be replayed with FUZZ_SEED.
		console.log(`fuzz seed ${seed}`);
		const seeds = corpus();
		let sent = 0;
		let closes = 0;
		const lanes = 8;
		// Each frame is followed by a probe the server always answers; the answer (or the
		// socket closing) proves the frame was processed before the next one goes.
		async function lane(index: number) {
			const target = index % 4 === 0 ? room : board;
			let socket: RawSocket | null = null;
			while (sent < total) {
				if (!socket || socket.socket.readyState !== socket.socket.OPEN) {
					socket = openRaw(
						server.url,
						target,
						headersOf(index % 2 ? sales.client : marketing.client, server.url)
					);
					await socket.opened;
				}
				const frame =
					rng.next() < 0.2 ? rng.bytes(rng.int(48)) : mutate(seeds[rng.int(seeds.length)]!, rng);
				sent++;
				const ws = socket.socket;
				const outcome = await new Promise<'closed' | 'answered'>((resolve) => {
					const answered = () => settle('answered');
					const closed = () => settle('closed');
					const settle = (how: 'closed' | 'answered') => {
						ws.off('message', answered);
						ws.off('close', closed);
						resolve(how);
					};
					ws.on('message', answered);
					ws.on('close', closed);
					ws.send(frame);
					ws.send(new Uint8Array([3]));
				});
				if (outcome === 'closed') closes++;
			}
			socket?.socket.close();
		}
		await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
		expect(sent).toBeGreaterThanOrEqual(total);
		// Most mutations are malformed; a server that accepted everything would not be checking.
		expect(closes).toBeGreaterThan(total / 4);

		// Still serving: a new peer syncs, writes, and the writer sees it.
		const reader = connectPeer(server.url, marketing.client, board);
		peers.push(reader);
		await reader.whenSynced();
		expect(entries(reader.doc).before).toBe('written before the fuzz');
		await put(reader, term, 'after', 'written after the fuzz');
		await waitFor('the post-fuzz line to reach the writer', () => has(writer.doc, 'after'));
		await reader.ack();

		// Still loadable from the database: restart and read both documents back.
		await server.stop();
		server = await startServer(database);
		const reloaded = connectPeer(server.url, sales.client, board);
		const reloadedRoom = connectPeer(server.url, sales.client, room);
		peers.push(reloaded, reloadedRoom);
		await Promise.all([reloaded.whenSynced(), reloadedRoom.whenSynced()]);
		expect(entries(reloaded.doc).before).toBe('written before the fuzz');
		expect(entries(reloaded.doc).after).toBe('written after the fuzz');
		expect(reloadedRoom.doc.getMap('meta').get('schemaVersion')).toBe(ROOM_SCHEMA_VERSION);
		expect(server.output()).not.toMatch(/skipped unreadable entry/);
		console.log(`fuzz: ${sent} frames, ${closes} closed the socket`);
		// A workload, not a timing: it takes about 20 s alone and longer beside other test files.
	}, 180_000);

	test('an expired session is refused with 401', async () => {
		const token = sales.client.cookies.get('cg_participant')!;
		await server.stop();
		const db = await openDatabase({ ...database.options, migrationsDir: 'drizzle' });
		await db.db
			.update(session)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(session.id, hashToken(token)));
		await db.close();
		server = await startServer(database);
		expect(
			await upgradeStatus(
				server.url,
				roomDocName(facilitator.workshopId),
				headersOf(sales.client, server.url)
			)
		).toBe(401);
	});
});
