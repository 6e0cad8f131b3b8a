import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { listCards } from '../../src/lib/collab/cards';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import { readLive } from '../../src/lib/collab/live';
import { facilitatorWithWorkshop, joinAsParticipant } from '../support/actors';
import { addTerm, entries, mergedText, putNow } from '../support/board-text';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import type { Client } from '../support/http';
import { connectPeer, movePeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

/**
 * What the server writes itself (cards through the card API, everything in the room) cannot
 * be handed back by a client after a crash: the room is read-only for every client, and a
 * board refuses cards from clients. So a client must never see such a write before it is
 * committed; one that did would keep, after a kill -9, a copy of something the server no
 * longer has, and everything it typed into that card would be refused for good.
 *
 * A long batching tick (1 s between a write and its commit) makes the window wide: each test
 * kills the server the moment a client has the write.
 */
const SLOW_COMMITS = { REALTIME_BATCH_MS: '1000' };

describe.each(databaseKinds())('server writes and a crash on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	const peers: Peer[] = [];

	function peer(client: Client, docName: string): Peer {
		const created = connectPeer(server.url, client, docName);
		peers.push(created);
		return created;
	}

	function sameState(a: Y.Doc, b: Y.Doc): boolean {
		return Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b));
	}

	/** SIGKILL, then the same database again; the peer stays away until told to come back. */
	async function crashAndRestart(survivor: Peer): Promise<void> {
		await server.kill();
		survivor.provider.disconnect();
		server = await startServer(database, SLOW_COMMITS);
	}

	async function comeBack(survivor: Peer): Promise<void> {
		movePeer(survivor, server.url);
		survivor.provider.connect();
		await survivor.whenSynced();
	}

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database, SLOW_COMMITS);
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	test('a card a participant has seen survives a kill -9 at that moment, and what they type into it is stored', async () => {
		const facilitator = await facilitatorWithWorkshop(server);
		const sales = await joinAsParticipant(server, facilitator, 'Sales');
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const watcher = peer(sales.client, board);
		await watcher.whenSynced();

		const adding = addTerm(facilitator.client, facilitator.workshopId, 'shared-terms', 'Pipeline');
		adding.catch(() => {}); // The kill may cut the request off.
		const card = await waitFor('the new term on the participant’s board', () =>
			listCards(watcher.doc, 'term').find((c) => c.text === 'Pipeline')
		);
		await crashAndRestart(watcher);

		const reader = peer(facilitator.client.at(server.url), board);
		await reader.whenSynced();
		expect(listCards(reader.doc, 'term').map((c) => c.id)).toContain(card.id);

		await comeBack(watcher);
		putNow(mergedText(watcher.doc, card.id)!, 'typed-after-the-crash', 'yes');
		await watcher.ack();
		const again = peer(facilitator.client.at(server.url), board);
		await again.whenSynced();
		expect(entries(again.doc)).toMatchObject({ 'typed-after-the-crash': 'yes' });
		await waitFor('the participant’s board to equal the server’s', () =>
			sameState(watcher.doc, again.doc)
		);
	});

	test('a stage a participant’s room has shown survives a kill -9 at that moment, and their room equals the server’s', async () => {
		const facilitator = await facilitatorWithWorkshop(server);
		const sales = await joinAsParticipant(server, facilitator, 'Sales');
		const room = roomDocName(facilitator.workshopId);
		const watcher = peer(sales.client, room);
		await watcher.whenSynced();

		const moving = facilitator.client.json(
			'POST',
			`/api/workshops/${facilitator.workshopId}/live`,
			{
				action: 'goTo',
				stageKey: 'connections'
			}
		);
		moving.catch(() => {}); // The kill may cut the request off.
		await waitFor('the participant’s room to show the new stage', () =>
			readLive(watcher.doc).stageKey === 'connections' ? true : null
		);
		await crashAndRestart(watcher);

		const reader = peer(facilitator.client.at(server.url), room);
		await reader.whenSynced();
		expect(readLive(reader.doc).stageKey).toBe('connections');

		await comeBack(watcher);
		await waitFor('the participant’s room to equal the server’s', () =>
			sameState(watcher.doc, reader.doc)
		);
	});
});
