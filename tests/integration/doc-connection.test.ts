/**
 * DocConnection against a real y-websocket server on a random port (the stock protocol
 * implementation, in this process so the test can stop and restart it at will): status,
 * reconnect scheduling taken over from the provider, and refusals.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';
import { CLOSE } from '../../server/realtime/close-codes';
import { DocConnection, MEMBERSHIP_CHANGED } from '../../src/lib/state/doc-connection.svelte';
import { DocAccess } from '../../src/lib/state/doc-access.svelte';
import { writeStageState } from '../../src/lib/collab/room';
import type { BackoffPolicy } from '../../src/lib/state/backoff';

interface TestServer {
	port: number;
	/** Upgrade requests seen, per document name. */
	upgrades: Map<string, number>;
	/** Closes every socket with 1012 (as our server does on shutdown) and stops listening. */
	stop(): Promise<void>;
}

/**
 * Document names starting with "refused/" are closed at once with 4403, like a revoked session;
 * "moved/" ones with 4000 on the first upgrade only, like a participant moved to another team.
 */
async function startTestServer(port = 0): Promise<TestServer> {
	const upgrades = new Map<string, number>();
	const wss = new WebSocketServer({ noServer: true });
	const server = http.createServer((_req, res) => res.end('okay'));
	server.on('upgrade', (req, socket, head) => {
		const docName = (req.url ?? '/')
			.split('?')[0]!
			.slice(1)
			.replace(/^realtime\//, '');
		upgrades.set(docName, (upgrades.get(docName) ?? 0) + 1);
		wss.handleUpgrade(req, socket, head, (ws) => {
			if (docName.startsWith('refused/')) ws.close(4403, 'You are no longer in this workshop.');
			else if (docName.startsWith('moved/') && upgrades.get(docName) === 1)
				ws.close(CLOSE.membershipChanged, 'your team changed');
			else setupWSConnection(ws, req, { docName });
		});
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		upgrades,
		stop: async () => {
			for (const ws of wss.clients) ws.close(1012, 'Server restarting');
			await new Promise<void>((resolve) => wss.close(() => resolve()));
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

const fast: BackoffPolicy = { baseMs: 200, capMs: 800 };
const WebSocketPolyfill = WebSocket as unknown as typeof globalThis.WebSocket;

let server: TestServer;
const connections: DocConnection[] = [];

function open(docName: string, options: ConstructorParameters<typeof DocConnection>[1] = {}) {
	const connection = new DocConnection(docName, {
		origin: `http://127.0.0.1:${server.port}`,
		WebSocketPolyfill,
		backoff: fast,
		...options
	});
	connections.push(connection);
	return connection;
}

beforeEach(async () => {
	server = await startTestServer();
});
afterEach(async () => {
	for (const c of connections.splice(0)) c.destroy();
	await server.stop();
});

const waitFor = (check: () => void, timeout = 10_000) =>
	vi.waitFor(check, { timeout, interval: 5 });

describe('a document connection', () => {
	test('reports connecting, then live once synced, and two connections converge', async () => {
		const a = open('board/converge', { connect: false });
		expect(a.status).toBe('offline');
		a.connect();
		expect(a.status).toBe('connecting');
		const b = open('board/converge');
		await waitFor(() => expect([a.status, b.status]).toEqual(['live', 'live']));
		expect(a.isSynced).toBe(true);
		expect(a.canWrite).toBe(true);

		// Asking an open connection to connect changes nothing.
		a.connect();
		expect(a.status).toBe('live');

		a.doc.getMap('cards').set('c1', 'MQL means…');
		await waitFor(() => expect(b.doc.getMap('cards').get('c1')).toBe('MQL means…'));
	});

	test('is read-only while its read-only source says so, and live again after', async () => {
		let locked = false;
		const c = open('board/lock', { isReadOnly: () => locked });
		await waitFor(() => expect(c.status).toBe('live'));
		locked = true;
		expect(c.status).toBe('read-only');
		expect(c.canWrite).toBe(false);
		locked = false;
		expect(c.status).toBe('live');
	});

	test('after a server restart it waits inside the jitter window, retries, and catches up', async () => {
		const a = open('board/restart');
		const b = open('board/restart');
		await waitFor(() => expect([a.status, b.status]).toEqual(['live', 'live']));
		const port = server.port;

		const stoppedAt = Date.now();
		await server.stop();
		await waitFor(() => expect(a.status).toBe('offline'));
		expect(a.isSynced).toBe(false);
		// The first retry is drawn from [0, 200 ms): it may already be under way, never later.
		expect(a.nextAttemptAt === null || a.nextAttemptAt < stoppedAt + 200 + 50).toBe(true);

		// Screens keep taking edits while offline (they do not all reach everyone at once)…
		expect(a.canWrite).toBe(false);
		expect(a.canEdit).toBe(true);
		// …and edits made while offline are kept and sent after the reconnect.
		a.doc.getMap('cards').set('offline-edit', 'written during the outage');

		// While the server is down, attempts keep failing and widen the window; the stock
		// provider never gets to retry on its own (its timer finds nothing to do).
		await waitFor(() => expect(a.failedAttempts).toBeGreaterThanOrEqual(3));
		expect(a.provider.shouldConnect).toBe(false);
		expect(a.status).toBe('offline');

		server = await startTestServer(port);
		await waitFor(() => expect([a.status, b.status]).toEqual(['live', 'live']));
		expect(a.failedAttempts).toBe(0);
		await waitFor(() =>
			expect(b.doc.getMap('cards').get('offline-edit')).toBe('written during the outage')
		);
	});

	test('only its own schedule reconnects it: a long window holds until reconnectNow()', async () => {
		// random() close to 1 with a one-minute first window: our retry would come after ~60 s,
		// the stock provider's after 200 ms.
		const slow = open('board/slow', {
			backoff: { baseMs: 60_000, capMs: 60_000 },
			random: () => 0.99
		});
		// A witness on the normal fast schedule: once it is back, well over 200 ms have passed.
		const witness = open('board/witness', { random: () => 0.99 });
		await waitFor(() => expect([slow.status, witness.status]).toEqual(['live', 'live']));
		const port = server.port;

		await server.stop();
		await waitFor(() => expect(slow.status).toBe('offline'));
		server = await startTestServer(port);
		await waitFor(() => expect(witness.status).toBe('live'));

		expect(slow.status).toBe('offline');
		expect(slow.nextAttemptAt).toBeGreaterThan(Date.now() + 30_000);
		expect(server.upgrades.get('board/slow') ?? 0).toBe(0);

		slow.reconnectNow();
		await waitFor(() => expect(slow.status).toBe('live'));
		expect(slow.nextAttemptAt).toBeNull();
		expect(server.upgrades.get('board/slow')).toBe(1);
	});

	test('a 44xx close is a refusal: it says why and stops retrying', async () => {
		const c = open('refused/board');
		await waitFor(() => expect(c.refusal).toBe('You are no longer in this workshop.'));
		expect(c.status).toBe('offline');
		expect(c.canEdit).toBe(false);
		expect(c.nextAttemptAt).toBeNull();
		expect(c.provider.shouldConnect).toBe(false);
		expect(server.upgrades.get('refused/board')).toBe(1);
		// A deliberate connect() still tries again (e.g. after signing in anew).
		c.connect();
		await waitFor(() => expect(server.upgrades.get('refused/board')).toBe(2));
	});

	test('a 4000 close says the membership changed and reconnects at once', async () => {
		expect(MEMBERSHIP_CHANGED).toBe(CLOSE.membershipChanged);
		// A backoff that would hold any other reconnect for a minute.
		const c = open('moved/room', {
			backoff: { baseMs: 60_000, capMs: 60_000 },
			random: () => 0.99
		});
		expect(c.membershipChanges).toBe(0);
		await waitFor(() => expect(c.membershipChanges).toBe(1));
		await waitFor(() => expect(c.status).toBe('live'));
		expect(c.refusal).toBeNull();
		expect(server.upgrades.get('moved/room')).toBe(2);
		// Other closes (a restart) are not a change of membership.
		const other = open('board/plain');
		await waitFor(() => expect(other.status).toBe('live'));
		expect(other.membershipChanges).toBe(0);
	});

	test('destroy cancels a pending retry and leaves nothing scheduled', async () => {
		const c = open('board/destroy', {
			backoff: { baseMs: 60_000, capMs: 60_000 },
			random: () => 0.99
		});
		await waitFor(() => expect(c.status).toBe('live'));
		const port = server.port;
		await server.stop();
		await waitFor(() => expect(c.nextAttemptAt).not.toBeNull());
		c.destroy();
		expect(c.nextAttemptAt).toBeNull();
		expect(c.provider.shouldConnect).toBe(false);
		expect(c.provider.ws).toBeNull();
		server = await startTestServer(port);
	});
});

describe('read-only from the room document', () => {
	// On this test server any client may write the room; here one stands in for our server,
	// which is the only writer of the room in production.
	// The test server keeps documents in memory for the whole file: a workshop per test.
	let room = '';
	let board = '';
	let workshops = 0;
	beforeEach(() => {
		const id = `w${++workshops}`;
		room = `workshop/${id}/room`;
		board = `workshop/${id}/stage/shared-terms`;
	});
	const participant = { role: 'participant', teamId: 't1' } as const;
	const facilitator = { role: 'facilitator', teamId: null } as const;

	test("a participant's board turns read-only when the stage is locked, and back", async () => {
		const serverSide = open(room);
		const roomConnection = open(room, { connect: false });
		const access = new DocAccess(roomConnection, participant, board);
		const boardConnection = open(board, { isReadOnly: () => access.isReadOnly });
		// Until the room has synced nobody knows whether the stage is locked: no edits offered.
		await waitFor(() => expect(boardConnection.isSynced).toBe(true));
		expect(access.access).toBeNull();
		expect(boardConnection.status).toBe('connecting');
		expect(boardConnection.canEdit).toBe(false);

		roomConnection.connect();
		await waitFor(() => expect(boardConnection.status).toBe('live'));
		expect(access.access).toBe('write');

		await waitFor(() => expect(serverSide.isSynced).toBe(true));
		writeStageState(serverSide.doc, 'shared-terms', { locked: true });
		await waitFor(() => expect(boardConnection.status).toBe('read-only'));
		expect(boardConnection.canWrite).toBe(false);
		expect(boardConnection.canEdit).toBe(false);

		writeStageState(serverSide.doc, 'shared-terms', { locked: false });
		await waitFor(() => expect(boardConnection.status).toBe('live'));
		access.destroy();
	});

	test("the facilitator keeps writing on a locked stage; another team's board is closed", async () => {
		const serverSide = open(room);
		await waitFor(() => expect(serverSide.isSynced).toBe(true));
		writeStageState(serverSide.doc, 'shared-terms', { locked: true, privateWrite: true });

		const roomConnection = open(room);
		const asFacilitator = new DocAccess(roomConnection, facilitator, board);
		const otherTeam = new DocAccess(roomConnection, participant, `${board}/team/t2`);
		const ownTeam = new DocAccess(roomConnection, participant, `${board}/team/t1`);
		await waitFor(() => expect(asFacilitator.access).toBe('write'));
		expect(otherTeam.access).toBe('none');
		// Locked wins over private writing for the team's own board.
		expect(ownTeam.access).toBe('read');
		expect(ownTeam.isReadOnly).toBe(true);
		for (const a of [asFacilitator, otherTeam, ownTeam]) a.destroy();
	});

	test('a name that is not a workshop document is refused at once', () => {
		const roomConnection = open(room, { connect: false });
		expect(() => new DocAccess(roomConnection, participant, 'bench/fanout')).toThrow(
			/Not a workshop document name/
		);
	});
});
