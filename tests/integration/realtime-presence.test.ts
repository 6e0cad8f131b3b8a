import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { roomDocName } from '../../src/lib/collab/doc-names';
import { findWhoIsHere } from '../../src/lib/collab/presence';
import {
	facilitatorWithWorkshop,
	joinAsParticipant,
	type FacilitatorWithWorkshop,
	type Participant
} from '../support/actors';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

const CLIENTS = 30;
const CHANGES = 5;
/** The server's shortest coalescing delay, and the refresh interval this server runs with. */
const MIN_FLUSH_MS = 50;
const REFRESH_MS = 300;

/** Presence messages a peer received (awareness frames, whatever their content). */
function presenceMessages(peer: Peer): number {
	return peer.sockets.reduce((n, s) => n + s.received.filter((m) => m[0] === 1).length, 0);
}

describe.each(oneDatabase('postgres'))('presence on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let facilitator: FacilitatorWithWorkshop;
	const participants: Participant[] = [];
	const peers: Peer[] = [];

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database, { REALTIME_PRESENCE_REFRESH_MS: String(REFRESH_MS) });
		facilitator = await facilitatorWithWorkshop(server);
		for (let i = 0; i < CLIENTS; i++) {
			participants.push(
				await joinAsParticipant(server, facilitator, i % 2 ? 'Sales' : 'Marketing', `Person ${i}`)
			);
		}
		const room = roomDocName(facilitator.workshopId);
		for (const participant of participants)
			peers.push(connectPeer(server.url, participant.client, room));
		await Promise.all(peers.map((p) => p.whenSynced()));
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	test('changes are coalesced: every client sees every final state with far fewer messages than changes', async () => {
		const before = peers.map(presenceMessages);
		const started = performance.now();
		for (let round = 0; round < CHANGES; round++) {
			peers.forEach((peer, i) =>
				peer.provider.awareness.setLocalState({ name: `Person ${i}`, stage: `stage-${round}` })
			);
		}
		await waitFor('every client to see every other client on the last stage', () =>
			peers.every((peer) => {
				const states = [...peer.provider.awareness.getStates().values()] as Array<{
					stage?: string;
				}>;
				return states.filter((s) => s.stage === `stage-${CHANGES - 1}`).length === CLIENTS;
			})
		);
		const elapsed = performance.now() - started;
		const received = peers.map((peer, i) => presenceMessages(peer) - before[i]!);
		// A relay of every change would deliver (CLIENTS - 1) × CHANGES messages to each client.
		const unthrottled = (CLIENTS - 1) * CHANGES;
		// Ours: at most one coalesced message per flush delay plus the periodic refreshes.
		const bound = Math.ceil(elapsed / MIN_FLUSH_MS) + Math.ceil(elapsed / REFRESH_MS) + 2;
		for (const count of received) {
			expect(count).toBeLessThanOrEqual(bound);
			expect(count).toBeLessThan(unthrottled / 10);
		}
	});

	test('heartbeats that change nothing are not relayed one by one, and states stay alive', async () => {
		// Let the refresh that renews the earlier changes pass first.
		const quiet = peers.map(presenceMessages);
		await waitFor('a refresh to go out', () =>
			peers.every((p, i) => presenceMessages(p) > quiet[i]!)
		);
		const before = peers.map(presenceMessages);
		const started = performance.now();
		// What a provider does every 15 s: the same state again, with a newer clock.
		for (let beat = 0; beat < 10; beat++) {
			for (const peer of peers)
				peer.provider.awareness.setLocalState(peer.provider.awareness.getLocalState());
		}
		const renewed = peers.map((p) => p.provider.awareness.meta.get(p.doc.clientID)!.clock);
		await waitFor('every client to hold every other client’s newest clock', () =>
			peers.every((peer) =>
				peers.every(
					(other, j) => peer.provider.awareness.meta.get(other.doc.clientID)?.clock === renewed[j]
				)
			)
		);
		const elapsed = performance.now() - started;
		const received = peers.map((peer, i) => presenceMessages(peer) - before[i]!);
		const bound = Math.ceil(elapsed / REFRESH_MS) + 2;
		for (const count of received) expect(count).toBeLessThanOrEqual(bound);
		expect(Math.max(...received)).toBeLessThan((CLIENTS - 1) * 10);
	});

	test('the facilitator’s who-is-here comes from the sessions of the connected devices', async () => {
		const room = roomDocName(facilitator.workshopId);
		const console = connectPeer(server.url, facilitator.client, room);
		const secondDevice = connectPeer(server.url, participants[0]!.client, room);
		peers.push(console, secondDevice);
		// A device may claim any name in its own presence; who-is-here ignores that.
		secondDevice.provider.awareness.setLocalState({ name: 'Somebody Important' });
		const expectedNames = participants.map((p) => p.displayName).sort();
		const here = await waitFor('who-is-here to list everyone', () => {
			const found = findWhoIsHere(console.provider.awareness.getStates());
			return found && found.participants.length === CLIENTS && found.facilitators === 1
				? found
				: null;
		});
		expect(here.participants.map((p) => p.displayName).sort()).toEqual(expectedNames);
		await waitFor(
			'the second device to be counted',
			() =>
				findWhoIsHere(console.provider.awareness.getStates())?.participants.find(
					(p) => p.displayName === 'Person 0'
				)?.devices === 2
		);

		// Leaving is seen too.
		peers[1]!.provider.disconnect();
		await waitFor('Person 1 to leave the list', () =>
			findWhoIsHere(console.provider.awareness.getStates())?.participants.every(
				(p) => p.displayName !== 'Person 1'
			)
		);
	});
});
