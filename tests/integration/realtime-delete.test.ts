/**
 * Deleting a workshop's documents goes through the realtime hub. No route deletes workshops
 * yet, so this test runs the server's own runtime and realtime endpoint in the test process
 * (real database, real sockets, stock providers) and calls the server-side API directly.
 */
import { like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAppServer, type AppServer } from '../../server/http';
import { startRuntime, type Runtime } from '../../server/runtime';
import { attachUpgrades } from '../../server/upgrades';
import { addCard } from '../../src/lib/collab/cards';
import { roomDocName, stageDocName, workshopDocPrefix } from '../../src/lib/collab/doc-names';
import * as accounts from '../../src/lib/server/accounts';
import { PARTICIPANT_COOKIE } from '../../src/lib/server/auth/cookies';
import * as sessions from '../../src/lib/server/auth/sessions';
import { readConfig } from '../../src/lib/server/config';
import { db } from '../../src/lib/server/db';
import { yjsSnapshot, yjsUpdate } from '../../src/lib/server/db/schema';
import * as participants from '../../src/lib/server/participants';
import * as rooms from '../../src/lib/server/rooms';
import * as workshops from '../../src/lib/server/workshops';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { put } from '../support/board-text';
import { Client } from '../support/http';
import { connectPeer, waitFor, type Peer } from '../support/realtime';

async function rowsOf(prefix: string): Promise<number> {
	const [updates] = await db()
		.select({ n: sql<number>`count(*)::int` })
		.from(yjsUpdate)
		.where(like(yjsUpdate.docName, prefix + '%'));
	const [snapshots] = await db()
		.select({ n: sql<number>`count(*)::int` })
		.from(yjsSnapshot)
		.where(like(yjsSnapshot.docName, prefix + '%'));
	return Number(updates!.n) + Number(snapshots!.n);
}

describe.each(oneDatabase('postgres'))('deleting a workshop’s documents on %s', (kind) => {
	let database: TestDatabase;
	let runtime: Runtime;
	let app: AppServer;
	let baseUrl: string;
	const peers: Peer[] = [];

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		// Documents of the other workshop go idle and unload quickly, which must write them.
		process.env.REALTIME_IDLE_UNLOAD_MS = '50';
		const config = readConfig({ ...database.env, PORT: '0', HOST: '127.0.0.1' });
		runtime = await startRuntime(config);
		app = createAppServer((_req, res) => {
			res.statusCode = 404;
			res.end();
		});
		attachUpgrades(app.server, runtime, { rejectUnknown: true });
		baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		await app?.close(1_000);
		await runtime?.stop();
		await database?.drop();
	});

	async function participantOf(workshopId: string): Promise<Client> {
		const [team] = await workshops.teams(workshopId);
		const joined = await participants.join({ workshopId, teamId: team!.id, displayName: 'Pat' });
		const { token } = await sessions.create({ participantId: joined.id });
		const client = new Client(baseUrl);
		client.cookies.set(PARTICIPANT_COOKIE, token);
		return client;
	}

	test('sockets close with 4404, nothing is written back, and other workshops keep theirs', async () => {
		const owner = await accounts.createFacilitator({
			name: 'Owner',
			email: `owner-${kind}@example.com`,
			password: 'a long enough password'
		});
		const doomed = await workshops.create({
			ownerId: owner.id,
			title: 'To delete',
			clientOrganisation: 'Acme'
		});
		const kept = await workshops.create({
			ownerId: owner.id,
			title: 'To keep',
			clientOrganisation: 'Acme'
		});
		const doomedClient = await participantOf(doomed.id);
		const keptClient = await participantOf(kept.id);

		const board = connectPeer(baseUrl, doomedClient, stageDocName(doomed.id, 'focus-value'));
		const room = connectPeer(baseUrl, doomedClient, roomDocName(doomed.id));
		const other = connectPeer(baseUrl, keptClient, stageDocName(kept.id, 'focus-value'));
		peers.push(board, room, other);
		await Promise.all([board.whenSynced(), room.whenSynced(), other.whenSynced()]);
		await rooms.setStageLocked(doomed.id, 'focus-value', false);
		// Cards are the server's to write; clients type in a term's texts.
		for (const workshopId of [doomed.id, kept.id]) {
			await rooms.change(stageDocName(workshopId, 'focus-value'), (doc) =>
				addCard(doc, {
					id: 't1',
					type: 'term',
					text: 'MQL',
					teamId: null,
					createdAt: Date.now(),
					position: 0
				})
			);
		}
		await put(board, 't1', 'c1', 'about to go');
		await put(other, 't1', 'c1', 'stays');
		await Promise.all([board.ack(), other.ack()]);
		expect(await rowsOf(workshopDocPrefix(doomed.id))).toBeGreaterThan(0);

		await rooms.deleteWorkshopDocuments(doomed.id);
		for (const peer of [board, room]) {
			const closed = await waitFor('the socket to close', () => peer.sockets[0]!.closedWith);
			expect(closed.code).toBe(4404);
		}
		expect(await rowsOf(workshopDocPrefix(doomed.id))).toBe(0);

		// The kept workshop's board goes idle and unloads (which writes a snapshot); the
		// deleted one must not come back with it.
		other.destroy();
		peers.splice(peers.indexOf(other), 1);
		await waitFor('the kept workshop’s board to be snapshotted', async () => {
			const [row] = await db()
				.select({ n: sql<number>`count(*)::int` })
				.from(yjsSnapshot)
				.where(like(yjsSnapshot.docName, workshopDocPrefix(kept.id) + '%'));
			return Number(row!.n) > 0;
		});
		expect(await rowsOf(workshopDocPrefix(doomed.id))).toBe(0);
		expect(await rowsOf(workshopDocPrefix(kept.id))).toBeGreaterThan(0);
	});
});
