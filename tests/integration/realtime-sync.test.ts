import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { roomDocName, stageDocName, teamDocName } from '../../src/lib/collab/doc-names';
import { findWhoIsHere } from '../../src/lib/collab/presence';
import { listCards } from '../../src/lib/collab/cards';
import { PROJECTOR_PARAMS, readUnrevealed } from '../../src/lib/collab/projector';
import { readStageState } from '../../src/lib/collab/room';
import {
	controlStage,
	facilitatorWithWorkshop,
	joinAsParticipant,
	type FacilitatorWithWorkshop,
	type Participant
} from '../support/actors';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import {
	connectPeer,
	headersOf,
	openRaw,
	syncUpdateFrame,
	upgradeStatus,
	waitFor,
	type Peer
} from '../support/realtime';
import { addTerm, entries, put } from '../support/board-text';
import { startServer, type RunningServer } from '../support/server';

/** What the tests write: `key=value` lines in terms' merged wordings (board-text.ts). */
function cards(peer: Peer) {
	const all = () => entries(peer.doc);
	return {
		has: (key: string) => key in all(),
		get size() {
			return Object.keys(all()).length;
		},
		toJSON: all
	};
}

describe.each(oneDatabase('pglite'))('realtime documents on %s', (kind) => {
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

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		// Sessions behind live sockets are re-checked often here, to watch a removal take effect.
		server = await startServer(database, { REALTIME_SESSION_CHECK_MS: '100' });
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

	test('two providers on one stage board converge', async () => {
		const board = stageDocName(facilitator.workshopId, 'focus-value');
		const a = peer(sales.client, board);
		const b = peer(marketing.client, board);
		await Promise.all([a.whenSynced(), b.whenSynced()]);
		const term = await addTerm(facilitator.client, facilitator.workshopId, 'focus-value');
		await Promise.all([
			put(a, term, 'a1', 'Sales needs leads with a budget'),
			put(b, term, 'b1', 'Marketing needs feedback on lead quality')
		]);
		await waitFor('both cards on both sides', () => cards(a).size === 2 && cards(b).size === 2);
		expect(cards(a).toJSON()).toEqual(cards(b).toJSON());
	});

	test('the room document is read-only for everyone: client writes are dropped, not relayed, not stored', async () => {
		const room = roomDocName(facilitator.workshopId);
		const writer = peer(facilitator.client, room);
		const reader = peer(sales.client, room);
		await Promise.all([writer.whenSynced(), reader.whenSynced()]);
		writer.doc.getMap('current').set('stage', 'forged');
		await writer.ack();
		// Something the server did write reaches the reader, so the reader is live…
		await controlStage(facilitator, 'focus-value', 'lock');
		await waitFor(
			'the lock to reach the reader',
			() => readStageState(reader.doc, 'focus-value').locked
		);
		// …and the forged write never did.
		expect(reader.doc.getMap('current').get('stage')).toBeUndefined();
		const fresh = peer(marketing.client, room);
		await fresh.whenSynced();
		expect(fresh.doc.getMap('current').get('stage')).toBeUndefined();
		expect(readStageState(fresh.doc, 'focus-value').locked).toBe(true);
		await controlStage(facilitator, 'focus-value', 'unlock');
		expect(server.output()).toMatch(
			/dropped an update from a read-only owner on workshop\/\w+\/room/
		);
	});

	test('locking a stage makes live participant connections read-only at once, and unlocking restores them', async () => {
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const participant = peer(sales.client, board);
		const observer = peer(facilitator.client, board);
		await Promise.all([participant.whenSynced(), observer.whenSynced()]);
		const term = await addTerm(facilitator.client, facilitator.workshopId, 'shared-terms');
		await put(participant, term, 'before', 'written before the lock');
		await waitFor('the first card to arrive', () => cards(observer).has('before'));

		const locked = await controlStage(facilitator, 'shared-terms', 'lock');
		expect(locked.status).toBe(200);
		expect(await locked.json()).toMatchObject({ locked: true });
		// The socket stayed open: the lock changed its access, not its connection.
		expect(participant.socket!.readyState).toBe(participant.socket!.OPEN);
		await put(participant, term, 'during', 'written while locked');
		await participant.ack();
		// The facilitator may still write while locked, and that write is relayed.
		await put(observer, term, 'facilitator', 'tidied up while locked');
		await waitFor('the facilitator card to arrive', () => cards(participant).has('facilitator'));
		expect(cards(observer).has('during')).toBe(false);
		const late = peer(marketing.client, board);
		await late.whenSynced();
		expect(cards(late).has('during')).toBe(false);

		await controlStage(facilitator, 'shared-terms', 'unlock');
		await put(participant, term, 'after', 'written after the unlock');
		await waitFor('the card written after the unlock', () => cards(observer).has('after'));
	});

	test('private team boards reach only their team until the reveal merges them into the stage board', async () => {
		const stage = 'barriers';
		await controlStage(facilitator, stage, 'startPrivate');
		const salesBoard = teamDocName(facilitator.workshopId, stage, sales.team.id);
		const marketingBoard = teamDocName(facilitator.workshopId, stage, marketing.team.id);

		// The other team is refused before any socket opens, so no byte of the board leaves.
		const spy = openRaw(server.url, salesBoard, {
			cookie: marketing.client.cookieHeader(),
			origin: server.url
		});
		await expect(spy.opened).rejects.toThrow(/403/);

		const own = peer(sales.client, salesBoard);
		const other = peer(marketing.client, marketingBoard);
		const overseer = peer(facilitator.client, salesBoard);
		await Promise.all([own.whenSynced(), other.whenSynced(), overseer.whenSynced()]);
		// Each team's term goes to its own board while writing privately.
		const ownTerm = await addTerm(sales.client, facilitator.workshopId, stage, 'Sales term');
		const otherTerm = await addTerm(
			marketing.client,
			facilitator.workshopId,
			stage,
			'Marketing term'
		);
		await put(own, ownTerm, 's1', 'Comp plan rewards volume, not fit');
		await put(other, otherTerm, 'm1', 'No feedback loop on lead quality');
		await waitFor('the facilitator to see the Sales card', () => cards(overseer).has('s1'));
		await other.ack();

		const stageBoard = peer(marketing.client, stageDocName(facilitator.workshopId, stage));
		await stageBoard.whenSynced();
		expect(cards(stageBoard).size).toBe(0);

		const revealed = await controlStage(facilitator, stage, 'reveal');
		expect(await revealed.json()).toMatchObject({ privateWrite: false });
		await waitFor('both teams’ cards on the stage board', () => cards(stageBoard).size === 2);
		expect(cards(stageBoard).toJSON()).toEqual({
			s1: 'Comp plan rewards volume, not fit',
			m1: 'No feedback loop on lead quality'
		});

		// After the reveal the team boards are read-only, and the other team may read them.
		await put(own, ownTerm, 's2', 'written after the reveal');
		await own.ack();
		const reader = peer(marketing.client, salesBoard);
		await reader.whenSynced();
		expect(cards(reader).toJSON()).toEqual({ s1: 'Comp plan rewards volume, not fit' });

		// A new private round closes the other team's view again, on the live socket.
		await controlStage(facilitator, stage, 'startPrivate');
		await waitFor('the other team’s socket to be closed', () => reader.sockets[0]!.closedWith);
		expect(reader.sockets[0]!.closedWith!.code).toBe(4403);
		reader.provider.disconnect();
	});

	test('the projector receives no board hidden from it and no private card, and a phone never receives another team’s private card', async () => {
		const id = facilitator.workshopId;
		const stage = 'measures';
		const board = stageDocName(id, stage);
		const salesBoard = teamDocName(id, stage, sales.team.id);
		const asProjector = (docName: string) => {
			const created = connectPeer(server.url, facilitator.client, docName, {
				params: { ...PROJECTOR_PARAMS }
			});
			peers.push(created);
			return created;
		};
		const projectorHeaders = headersOf(facilitator.client, server.url);
		// Only the facilitator's session opens the projector's view, and only that view.
		expect(
			await upgradeStatus(
				server.url,
				`${board}?view=projector`,
				headersOf(marketing.client, server.url)
			)
		).toBe(403);
		expect(await upgradeStatus(server.url, `${board}?view=console`, projectorHeaders)).toBe(400);

		// A private round: Sales writes alone. Marketing's phone follows the room, the stage
		// board and its own team board; the projector follows the stage board; nothing of the
		// card reaches either, and the projector may not open Sales' board at all.
		await controlStage(facilitator, stage, 'startPrivate');
		const projector = asProjector(board);
		const phone = [
			peer(marketing.client, roomDocName(id)),
			peer(marketing.client, board),
			peer(marketing.client, teamDocName(id, stage, marketing.team.id))
		];
		await Promise.all([projector, ...phone].map((p) => p.whenSynced()));
		expect(await upgradeStatus(server.url, `${salesBoard}?view=projector`, projectorHeaders)).toBe(
			403
		);
		const secret = 'Churn is 31 percent and nobody outside Sales knows';
		const added = await sales.client.json('POST', `/api/workshops/${id}/stages/${stage}/cards`, {
			type: 'measure',
			text: secret
		});
		expect(added.status).toBe(201);
		// What the room may know: how many cards each team has written, counted by the server.
		await waitFor(
			'the count of Sales’ private cards in the room',
			() => readUnrevealed(phone[0]!.doc)[stage]?.[sales.team.id] === 1
		);
		// The spotlight would show the card on every phone: refused until the reveal.
		const spotlight = () =>
			facilitator.client.json('POST', `/api/workshops/${id}/live`, {
				action: 'spotlight',
				stageKey: stage,
				itemId: added.body.id,
				text: secret,
				teamId: sales.team.id
			});
		const early = await spotlight();
		expect(early.status).toBe(409);
		expect(String(early.body.message)).toMatch(/private to its team/);
		const bytes = new TextEncoder().encode(secret);
		const received = (p: Peer) => p.sockets.flatMap((socket) => socket.received);
		const carriesSecret = (frames: Uint8Array[]) =>
			frames.some((frame) => Buffer.from(frame).includes(Buffer.from(bytes)));
		for (const p of [projector, ...phone]) expect(carriesSecret(received(p))).toBe(false);

		// After the reveal the card is everyone's, on the projector too (the search finds it).
		await controlStage(facilitator, stage, 'reveal');
		await waitFor('the revealed card on the projector', () => carriesSecret(received(projector)));
		await waitFor('the counts cleared', () => !readUnrevealed(phone[0]!.doc)[stage]);
		expect((await spotlight()).status).toBe(200);
		await facilitator.client.json('POST', `/api/workshops/${id}/live`, {
			action: 'clearSpotlight'
		});

		// Hidden from the projector: its socket is closed and a new one refused; the console
		// (the facilitator's own session, without the projector's view) keeps the board.
		const console_ = peer(facilitator.client, board);
		await console_.whenSynced();
		const hide = (action: 'hide' | 'show') =>
			facilitator.client.json('POST', `/api/workshops/${id}/projector`, {
				action,
				stageKey: stage
			});
		expect((await hide('hide')).status).toBe(200);
		const closed = await waitFor(
			'the projector’s socket to close',
			() => projector.socket!.closedWith
		);
		expect(closed.code).toBe(4403);
		projector.provider.disconnect();
		expect(await upgradeStatus(server.url, `${board}?view=projector`, projectorHeaders)).toBe(403);
		const whileHidden = 'Written while the projector was dark';
		expect(
			(
				await facilitator.client.json('POST', `/api/workshops/${id}/stages/${stage}/cards`, {
					type: 'measure',
					text: whileHidden
				})
			).status
		).toBe(201);
		await waitFor('the console to receive the card', () =>
			listCards(console_.doc).some((c) => c.text === whileHidden)
		);
		// Shown again, the projector connects and receives the board as it is.
		expect((await hide('show')).status).toBe(200);
		const again = asProjector(board);
		await again.whenSynced();
		expect(listCards(again.doc).map((c) => c.text)).toEqual(
			expect.arrayContaining([secret, whileHidden])
		);
	});

	test('a raw update on a read-only connection is dropped without closing it', async () => {
		const room = roomDocName(facilitator.workshopId);
		const raw = openRaw(server.url, room, {
			cookie: sales.client.cookieHeader(),
			origin: server.url
		});
		await raw.opened;
		const forged = new Y.Doc();
		forged.getMap('agreements').set('x', 'forged agreement');
		raw.socket.send(syncUpdateFrame(Y.encodeStateAsUpdate(forged)));
		const check = peer(facilitator.client, room);
		await check.whenSynced();
		expect(check.doc.getMap('agreements').size).toBe(0);
		expect(raw.socket.readyState).toBe(raw.socket.OPEN);
		raw.socket.close();
	});

	test('a participant the facilitator removes loses their live connections and cannot reconnect', async () => {
		const leaving = await joinAsParticipant(server, facilitator, 'Sales', 'Rita Removed');
		const room = roomDocName(facilitator.workshopId);
		const board = peer(leaving.client, stageDocName(facilitator.workshopId, 'focus-value'));
		const console = peer(facilitator.client, room);
		await Promise.all([board.whenSynced(), console.whenSynced()]);
		peer(leaving.client, room);
		const present = await waitFor('Rita to be listed as present', () =>
			findWhoIsHere(console.provider.awareness.getStates())?.participants.find(
				(p) => p.displayName === 'Rita Removed'
			)
		);

		const removed = await facilitator.client.action(
			`/workshops/${facilitator.workshopId}?/removeParticipant`,
			{ participantId: present.participantId }
		);
		expect(removed.type).toBe('success');
		const closed = await waitFor('her board socket to close', () => board.sockets[0]!.closedWith);
		expect(closed.code).toBe(4401);
		board.provider.disconnect();
		expect(await upgradeStatus(server.url, room, headersOf(leaving.client, server.url))).toBe(401);
		await waitFor('Rita to leave the who-is-here list', () =>
			findWhoIsHere(console.provider.awareness.getStates())?.participants.every(
				(p) => p.displayName !== 'Rita Removed'
			)
		);
	});
});
