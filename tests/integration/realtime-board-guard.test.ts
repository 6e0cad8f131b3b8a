/**
 * Cards are the server's to create, change and delete (src/lib/server/boards.ts); over Yjs a
 * participant may only type in the texts a card already has, and of those only the ones that
 * are theirs: their own team's wording and fields, and the merged wording everyone drafts
 * (the facilitator may type in all of them). An update that does more is refused whole: never
 * relayed, never logged to the database, and its connection is closed with 4409 so that the
 * app's client starts over from the server's copy and keeps working.
 *
 * The adversary is a participant with a stock y-websocket client (or bare frames) who edits
 * their copy of the board at will: nothing on the screen stops them.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { cardsOf, listCards, termText, TERM_TEXT, type Card } from '../../src/lib/collab/cards';
import { stageDocName, teamDocName } from '../../src/lib/collab/doc-names';
import { openDatabase } from '../../src/lib/server/db/open';
import { yjsSnapshot, yjsUpdate } from '../../src/lib/server/db/schema';
import { DocConnection, EDIT_REFUSED } from '../../src/lib/state/doc-connection.svelte';
import { CLOSE } from '../../server/realtime/close-codes';
import {
	controlStage,
	facilitatorWithWorkshop,
	joinAsParticipant,
	type FacilitatorWithWorkshop,
	type Participant
} from '../support/actors';
import { addTerm } from '../support/board-text';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import type { Client } from '../support/http';
import {
	connectPeer,
	headersOf,
	openRaw,
	socketClassFor,
	syncUpdateFrame,
	waitFor,
	type Closed,
	type Peer
} from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

/** What the adversary types: no message the server relays or stores may hold it. */
const MARK = 'MARKETING-WAS-HERE';
const REFUSED_TEXT = {
	code: CLOSE.editRefused,
	reason: 'edit refused: writes in a text that belongs to another team'
};
const REFUSED_DELETE = {
	code: CLOSE.editRefused,
	reason: 'edit refused: deletes from a text that belongs to another team'
};

describe.each(oneDatabase('postgres'))('board updates over Yjs on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let facilitator: FacilitatorWithWorkshop;
	let sales: Participant;
	let marketing: Participant;
	const peers: Peer[] = [];
	const connections: DocConnection[] = [];
	/** The first test's term and the cards of its board, checked in the database later. */
	let firstTerm: { id: string; cards: Card[] };
	/** The term whose lifecycle facts were forged over Yjs, as the server holds it. */
	let lifecycleTerm: Card;

	function peer(client: Participant['client'], docName: string): Peer {
		const created = connectPeer(server.url, client, docName);
		peers.push(created);
		return created;
	}

	/**
	 * A stock client of `client` that syncs `docName`, makes `edit` in its copy and sends it;
	 * resolves with how the server closed the connection.
	 */
	async function attempt(
		client: Client,
		docName: string,
		edit: (doc: Y.Doc) => void
	): Promise<Closed> {
		const forger = peer(client, docName);
		await forger.whenSynced();
		edit(forger.doc);
		return waitFor('the server to close the connection', () => forger.socket!.closedWith);
	}

	/** The app's own client (what a phone runs), driven in Node with the actor's cookies. */
	function appClient(client: Client, docName: string): DocConnection {
		const connection = new DocConnection(docName, {
			origin: server.url,
			WebSocketPolyfill: socketClassFor(() => headersOf(client, server.url))
		});
		connections.push(connection);
		return connection;
	}

	/** Every byte the server sent to a peer, across its reconnects. */
	function receivedBy(p: Peer): string {
		return p.sockets
			.flatMap((s) => s.received.map((m) => Buffer.from(m).toString('latin1')))
			.join();
	}

	function text(doc: Y.Doc, termId: string, key: string): string {
		return termText(doc, termId, key)?.toString() ?? '(missing)';
	}

	/** The board as the database holds it (snapshot and log), read while the server is down. */
	async function storedBoard(docName: string): Promise<Y.Doc> {
		const db = await openDatabase({ ...database.options, migrationsDir: 'drizzle' });
		try {
			const doc = new Y.Doc();
			const snapshots = await db.db
				.select({ data: yjsSnapshot.data })
				.from(yjsSnapshot)
				.where(eq(yjsSnapshot.docName, docName));
			const updates = await db.db
				.select({ data: yjsUpdate.data })
				.from(yjsUpdate)
				.where(eq(yjsUpdate.docName, docName));
			for (const row of [...snapshots, ...updates]) Y.applyUpdate(doc, new Uint8Array(row.data));
			return doc;
		} finally {
			await db.close();
		}
	}

	/** Stops the server, reads what the database holds of each board, and starts it again. */
	async function restartReading(docNames: string[]): Promise<Y.Doc[]> {
		for (const p of peers.splice(0)) p.destroy();
		for (const c of connections.splice(0)) c.destroy();
		await server.stop();
		const stored = [];
		for (const name of docNames) stored.push(await storedBoard(name));
		server = await startServer(database);
		// The same devices, now talking to the new process.
		for (const actor of [facilitator, sales, marketing]) actor.client = actor.client.at(server.url);
		return stored;
	}

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		facilitator = await facilitatorWithWorkshop(server);
		sales = await joinAsParticipant(server, facilitator, 'Sales', 'Sam Sales');
		marketing = await joinAsParticipant(server, facilitator, 'Marketing', 'Mia Marketing');
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		for (const c of connections) c.destroy();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	test('creating, changing or deleting a card over Yjs is refused; typing in its texts is relayed', async () => {
		// The shared-terms board starts with the template's terms, written by the server.
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const writer = peer(sales.client, board);
		const observer = peer(marketing.client, board);
		await Promise.all([writer.whenSynced(), observer.whenSynced()]);
		const [term, doomed] = listCards(observer.doc, 'term');
		expect(term && doomed).toBeTruthy();
		const before: Card[] = listCards(observer.doc);

		// Three writes only the server may make, each from its own connection.
		const forged = await attempt(sales.client, board, (doc) => {
			const card = new Y.Map<unknown>();
			card.set('type', 'note');
			card.set('text', 'written around the server');
			card.set('teamId', marketing.team.id);
			cardsOf(doc).set('forged', card);
		});
		const renamed = await attempt(sales.client, board, (doc) =>
			cardsOf(doc).get(term!.id)!.set('text', 'renamed around the server')
		);
		const deleted = await attempt(sales.client, board, (doc) => cardsOf(doc).delete(doomed!.id));
		for (const closed of [forged, renamed, deleted]) {
			expect(closed.code).toBe(CLOSE.editRefused);
			expect(closed.reason).toMatch(/^edit refused: /);
		}

		// What participants do write: their team's wording and the merged wording.
		termText(writer.doc, term!.id, TERM_TEXT.wording(sales.team.id))!.insert(0, 'Budget confirmed');
		termText(observer.doc, term!.id, TERM_TEXT.merged)!.insert(0, 'Score ≥ 65');
		termText(writer.doc, term!.id, TERM_TEXT.wording(sales.team.id))!.insert(6, ' and authority');
		await waitFor(
			'both edits on both screens',
			() =>
				termText(observer.doc, term!.id, TERM_TEXT.wording(sales.team.id))!.toString() ===
					'Budget and authority confirmed' &&
				termText(writer.doc, term!.id, TERM_TEXT.merged)!.toString() === 'Score ≥ 65'
		);
		// Deleting characters is typing too.
		termText(observer.doc, term!.id, TERM_TEXT.merged)!.delete(5, 5);
		await waitFor(
			'the deletion on the other screen',
			() => termText(writer.doc, term!.id, TERM_TEXT.merged)!.toString() === 'Score'
		);
		await Promise.all([writer.ack(), observer.ack()]);

		// Nobody else saw the forged writes.
		for (const other of [writer, observer]) {
			expect(cardsOf(other.doc).has('forged')).toBe(false);
			expect(listCards(other.doc)).toEqual(before);
		}
		expect(server.output()).toMatch(
			/refused a board update from a participant on workshop\/\w+\/stage\/shared-terms: /
		);
		expect(server.output()).not.toMatch(/written around the server|renamed around the server/);

		// A device that connects now gets the server's copy; the database is read after the
		// Marketing test below (one restart for the whole file).
		const late = peer(sales.client, board);
		await late.whenSynced();
		expect(listCards(late.doc)).toEqual(before);
		expect(termText(late.doc, term!.id, TERM_TEXT.merged)!.toString()).toBe('Score');
		firstTerm = { id: term!.id, cards: before };
	});

	test('a new top-level type or a text inside a forged card is refused too', async () => {
		const board = stageDocName(facilitator.workshopId, 'focus-value');
		const observer = peer(facilitator.client, board);
		await observer.whenSynced();
		const rootText = await attempt(sales.client, board, (doc) =>
			doc.getText('notes').insert(0, 'a root text nobody reads')
		);
		expect(rootText).toEqual({
			code: CLOSE.editRefused,
			reason: 'edit refused: writes to a top-level type'
		});
		const forgedCard = await attempt(sales.client, board, (doc) => {
			const card = new Y.Map<unknown>();
			cardsOf(doc).set('forged-term', card);
			const merged = new Y.Text();
			card.set(TERM_TEXT.merged, merged);
			merged.insert(0, 'typed into a forged card');
		});
		expect(forgedCard.code).toBe(CLOSE.editRefused);
		const late = peer(marketing.client, board);
		await late.whenSynced();
		expect(late.doc.getText('notes').toString()).toBe('');
		expect(cardsOf(late.doc).size).toBe(0);
		expect(cardsOf(observer.doc).size).toBe(0);
	});

	test('a lifecycle fact set over Yjs is refused, a bad attempts value or hours basis included, and nothing of it is kept', async () => {
		// The card endpoint checks these against the card schema; over Yjs no scalar field is taken.
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const observer = peer(marketing.client, board);
		await observer.whenSynced();
		const term = listCards(observer.doc, 'term').find((c) => c.text === 'Recycled / Nurture')!;
		expect(term).toBeTruthy();
		for (const [key, value] of [
			['attempts', -3],
			['attempts', 'many'],
			['hoursBasis', 'weekdays']
		] as const) {
			const closed = await attempt(sales.client, board, (doc) =>
				cardsOf(doc).get(term.id)!.set(key, value)
			);
			expect(closed.code, `${key}: ${value}`).toBe(CLOSE.editRefused);
			expect(closed.reason).toMatch(/^edit refused: /);
		}
		const late = peer(sales.client, board);
		await late.whenSynced();
		const held = listCards(late.doc, 'term').find((c) => c.id === term.id)!;
		expect(held).toEqual(term);
		expect(held.attempts).toBeUndefined();
		expect(held.hoursBasis).toBeUndefined();
		expect(listCards(observer.doc, 'term').find((c) => c.id === term.id)).toEqual(term);
		// The database is read after the restart below.
		lifecycleTerm = term;
	});

	test("a Marketing participant cannot type in Sales' wording, fields or cards; their own and the merged wording go through", async () => {
		const terms = stageDocName(facilitator.workshopId, 'shared-terms');
		const journey = stageDocName(facilitator.workshopId, 'connections');
		const focus = stageDocName(facilitator.workshopId, 'focus-value');
		const salesCard = await sales.client.json(
			'POST',
			`/api/workshops/${facilitator.workshopId}/stages/focus-value/cards`,
			{ type: 'focus', text: 'Close the quarter' }
		);
		expect(salesCard.status).toBe(201);
		const salesCardId = salesCard.body.id as string;

		// Everyone else on the boards: the facilitator's screen and a Sales phone.
		const watchers = [terms, journey, focus].flatMap((name) => [
			peer(facilitator.client, name),
			peer(sales.client, name)
		]);
		await Promise.all(watchers.map((w) => w.whenSynced()));
		const [, term] = listCards(watchers[0]!.doc, 'term');
		const wordingKey = TERM_TEXT.wording(sales.team.id);
		const fieldsKey = TERM_TEXT.fields(sales.team.id);
		const salesPhone = watchers[1]!;
		termText(salesPhone.doc, term!.id, wordingKey)!.insert(0, 'Budget confirmed');
		termText(salesPhone.doc, term!.id, fieldsKey)!.insert(0, 'budget, authority');
		await salesPhone.ack();

		// Inserting, deleting and replacing in Sales' wording; adding to Sales' fields.
		const salesText = (key: string) => (doc: Y.Doc) => termText(doc, term!.id, key)!;
		expect(
			await attempt(marketing.client, terms, (doc) =>
				salesText(wordingKey)(doc).insert(6, ` ${MARK}`)
			)
		).toEqual(REFUSED_TEXT);
		expect(
			await attempt(marketing.client, terms, (doc) => salesText(wordingKey)(doc).delete(0, 7))
		).toEqual(REFUSED_DELETE);
		expect(
			await attempt(marketing.client, terms, (doc) =>
				doc.transact(() => {
					const wording = salesText(wordingKey)(doc);
					wording.delete(0, wording.length);
					wording.insert(0, MARK);
				})
			)
		).toEqual(REFUSED_TEXT);
		expect(
			await attempt(marketing.client, terms, (doc) =>
				salesText(fieldsKey)(doc).insert(17, `, ${MARK}`)
			)
		).toEqual(REFUSED_TEXT);

		// The same edit as bare frames, without a provider: what the server judges is the update.
		const reference = watchers[0]!.doc;
		const forged = new Y.Doc();
		Y.applyUpdate(forged, Y.encodeStateAsUpdate(reference));
		const known = Y.encodeStateVector(forged);
		salesText(wordingKey)(forged).insert(0, MARK);
		const raw = openRaw(server.url, terms, headersOf(marketing.client, server.url));
		await raw.opened;
		raw.socket.send(syncUpdateFrame(Y.encodeStateAsUpdate(forged, known)));
		expect(await raw.closed).toEqual(REFUSED_TEXT);

		// Sales' fields of other boards are the server's to change (HTTP, checked): over Yjs, a
		// field of a step Sales owns and the text of a Sales card are refused.
		const salesStep = listCards(watchers[2]!.doc, 'step').find(
			(s) => s.ownerTeamId === sales.team.id
		)!;
		expect(salesStep).toBeTruthy();
		const stepEdit = await attempt(marketing.client, journey, (doc) =>
			cardsOf(doc).get(salesStep.id)!.set('system', MARK)
		);
		expect(stepEdit.code).toBe(CLOSE.editRefused);
		const cardEdit = await attempt(marketing.client, focus, (doc) =>
			cardsOf(doc).get(salesCardId)!.set('text', MARK)
		);
		expect(cardEdit.code).toBe(CLOSE.editRefused);

		// What Marketing may write goes through, on a connection that stays open.
		const writer = peer(marketing.client, terms);
		await writer.whenSynced();
		termText(writer.doc, term!.id, TERM_TEXT.wording(marketing.team.id))!.insert(0, 'Engaged');
		termText(writer.doc, term!.id, TERM_TEXT.fields(marketing.team.id))!.insert(0, 'source');
		termText(writer.doc, term!.id, TERM_TEXT.merged)!.insert(0, 'Budget and engagement');
		await writer.ack();
		// The facilitator may write in every team's texts.
		const facilitatorScreen = watchers[0]!;
		termText(facilitatorScreen.doc, term!.id, wordingKey)!.insert(16, ' (checked)');
		await facilitatorScreen.ack();
		const expected = {
			[wordingKey]: 'Budget confirmed (checked)',
			[fieldsKey]: 'budget, authority',
			[TERM_TEXT.wording(marketing.team.id)]: 'Engaged',
			[TERM_TEXT.fields(marketing.team.id)]: 'source',
			[TERM_TEXT.merged]: 'Budget and engagement'
		};
		const texts = (doc: Y.Doc) =>
			Object.fromEntries(Object.keys(expected).map((key) => [key, text(doc, term!.id, key)]));
		for (const screen of [writer, watchers[0]!, watchers[1]!]) {
			await waitFor('every allowed edit on every screen', () => {
				expect(texts(screen.doc)).toEqual(expected);
				return true;
			});
		}
		expect(writer.socket!.readyState).toBe(writer.socket!.OPEN);

		// No other screen ever received the forged text, and the boards are as they were.
		for (const watcher of watchers) expect(receivedBy(watcher)).not.toContain(MARK);
		expect(listCards(watchers[2]!.doc, 'step').find((s) => s.id === salesStep.id)).toEqual(
			salesStep
		);
		expect(listCards(watchers[4]!.doc).find((c) => c.id === salesCardId)!.text).toBe(
			'Close the quarter'
		);

		// Nor did the database: after a restart the boards hold only what was allowed.
		const [storedTerms, storedJourney, storedFocus] = await restartReading([terms, journey, focus]);
		expect(texts(storedTerms!)).toEqual(expected);
		expect(listCards(storedJourney!, 'step').find((s) => s.id === salesStep.id)).toEqual(salesStep);
		expect(listCards(storedFocus!).find((c) => c.id === salesCardId)!.text).toBe(
			'Close the quarter'
		);
		// Nor the forged cards, renames, deletions and root texts of the tests above.
		expect(listCards(storedTerms!)).toEqual(firstTerm.cards);
		expect(listCards(storedTerms!).find((c) => c.id === lifecycleTerm.id)).toEqual(lifecycleTerm);
		expect(text(storedTerms!, firstTerm.id, wordingKey)).toBe('Budget and authority confirmed');
		expect(text(storedTerms!, firstTerm.id, TERM_TEXT.merged)).toBe('Score');
		expect(storedFocus!.getText('notes').toString()).toBe('');
		expect(listCards(storedFocus!).map((c) => c.id)).toEqual([salesCardId]);
	});

	test("the app's client rolls a refused edit back to the server's text and keeps working", async () => {
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const observer = peer(facilitator.client, board);
		await observer.whenSynced();
		const [, , term] = listCards(observer.doc, 'term');
		const salesWording = TERM_TEXT.wording(sales.team.id);
		termText(observer.doc, term!.id, salesWording)!.insert(0, 'Sales words');
		await observer.ack();

		// A Marketing phone whose screen offered Sales' wording (a stale screen, or the person
		// typed into their copy by hand): it replaces the first word.
		expect(EDIT_REFUSED).toBe(CLOSE.editRefused);
		const phone = appClient(marketing.client, board);
		await waitFor('the phone to be live', () => phone.status === 'live');
		await waitFor('the term on the phone', () => text(phone.doc, term!.id, salesWording) !== '');
		const refusedCopy = phone.doc;
		refusedCopy.transact(() => {
			const wording = termText(refusedCopy, term!.id, salesWording)!;
			wording.delete(0, 5);
			wording.insert(0, MARK);
		});
		expect(text(refusedCopy, term!.id, salesWording)).toBe(`${MARK} words`);

		// The phone ends with the server's text, on a fresh copy, live again.
		await waitFor('the phone to start over from the server', () => phone.replacements === 1);
		expect(phone.doc).not.toBe(refusedCopy);
		expect(text(phone.doc, term!.id, salesWording)).toBe('Sales words');
		expect(phone.editRefusal).toBeNull();
		await waitFor('the phone to be live again', () => phone.status === 'live' && phone.canEdit);

		// Its allowed edits go through afterwards, and a second refusal is recovered from too.
		termText(phone.doc, term!.id, TERM_TEXT.merged)!.insert(0, 'Agreed after the rollback');
		await waitFor(
			'the merged wording on the facilitator screen',
			() => text(observer.doc, term!.id, TERM_TEXT.merged) === 'Agreed after the rollback'
		);
		termText(phone.doc, term!.id, salesWording)!.insert(0, MARK);
		await waitFor('the second start-over', () => phone.replacements === 2);
		expect(text(phone.doc, term!.id, salesWording)).toBe('Sales words');
		termText(phone.doc, term!.id, TERM_TEXT.wording(marketing.team.id))!.insert(0, 'Ours');
		await waitFor(
			"Marketing's wording on the facilitator screen",
			() => text(observer.doc, term!.id, TERM_TEXT.wording(marketing.team.id)) === 'Ours'
		);
		expect(text(observer.doc, term!.id, salesWording)).toBe('Sales words');
		expect(receivedBy(observer)).not.toContain(MARK);
	});

	test("a participant moved to another team loses the old team's texts at once", async () => {
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const mover = await joinAsParticipant(server, facilitator, 'Sales', 'Mo Mover');
		const observer = peer(facilitator.client, board);
		const moverPhone = peer(mover.client, board);
		await Promise.all([observer.whenSynced(), moverPhone.whenSynced()]);
		const [, , , term] = listCards(observer.doc, 'term');
		const salesWording = TERM_TEXT.wording(sales.team.id);
		termText(moverPhone.doc, term!.id, salesWording)!.insert(0, 'Written while in Sales');
		await moverPhone.ack();

		const page = await (
			await facilitator.client.get(`/workshops/${facilitator.workshopId}`)
		).text();
		const participantId = /Mo Mover[\s\S]*?name="participantId" value="([a-z2-7]+)"/.exec(
			page
		)![1]!;
		const moved = await facilitator.client.action(
			`/workshops/${facilitator.workshopId}?/moveParticipant`,
			{ participantId, teamId: marketing.team.id }
		);
		expect(moved.type).toBe('success');
		const firstSocket = moverPhone.socket!;
		await waitFor('the old connection to close', () => firstSocket.closedWith);
		expect(firstSocket.closedWith!.code).toBe(CLOSE.membershipChanged);

		// The stock provider reconnects; from then on Sales' wording is not the mover's.
		await waitFor(
			'the phone to reconnect',
			() => moverPhone.socket !== firstSocket && moverPhone.provider.synced
		);
		termText(moverPhone.doc, term!.id, salesWording)!.insert(0, MARK);
		await waitFor('the refusal', () => moverPhone.socket!.closedWith);
		expect(moverPhone.socket!.closedWith).toEqual(REFUSED_TEXT);

		const marketingPhone = peer(mover.client, board);
		await marketingPhone.whenSynced();
		termText(marketingPhone.doc, term!.id, TERM_TEXT.wording(marketing.team.id))!.insert(
			0,
			'Written in Marketing'
		);
		await waitFor(
			"the mover's new team wording on the facilitator screen",
			() =>
				text(observer.doc, term!.id, TERM_TEXT.wording(marketing.team.id)) ===
				'Written in Marketing'
		);
		expect(text(observer.doc, term!.id, salesWording)).toBe('Written while in Sales');
		expect(receivedBy(observer)).not.toContain(MARK);
	});

	// Several instances need PostgreSQL (the embedded database belongs to one process).
	if (kind === 'postgres')
		test('on another instance, a moved participant is reconnected and loses the old team’s texts', async () => {
			// Without routing by workshop a phone may sit on an instance that did not make the
			// move: that instance learns of it when it checks its sessions (here every 100 ms).
			const other = await startServer(database, { REALTIME_SESSION_CHECK_MS: '100' });
			try {
				const board = stageDocName(facilitator.workshopId, 'shared-terms');
				const mover = await joinAsParticipant(server, facilitator, 'Sales', 'Max Elsewhere');
				const moverPhone = connectPeer(other.url, mover.client, board);
				peers.push(moverPhone);
				await moverPhone.whenSynced();
				const [, , , , , term] = listCards(moverPhone.doc, 'term');
				const salesWording = TERM_TEXT.wording(sales.team.id);
				termText(moverPhone.doc, term!.id, salesWording)!.insert(0, 'Max, still in Sales');
				await moverPhone.ack();

				const page = await (
					await facilitator.client.get(`/workshops/${facilitator.workshopId}`)
				).text();
				const participantId = /Max Elsewhere[\s\S]*?name="participantId" value="([a-z2-7]+)"/.exec(
					page
				)![1]!;
				const moved = await facilitator.client.action(
					`/workshops/${facilitator.workshopId}?/moveParticipant`,
					{ participantId, teamId: marketing.team.id }
				);
				expect(moved.type).toBe('success');
				const firstSocket = moverPhone.socket!;
				await waitFor('the other instance to reconnect the mover', () => firstSocket.closedWith);
				expect(firstSocket.closedWith).toEqual({
					code: CLOSE.membershipChanged,
					reason: 'your team changed'
				});
				await waitFor(
					'the phone to reconnect',
					() => moverPhone.socket !== firstSocket && moverPhone.provider.synced
				);
				termText(moverPhone.doc, term!.id, salesWording)!.insert(0, MARK);
				await waitFor('the refusal', () => moverPhone.socket!.closedWith);
				expect(moverPhone.socket!.closedWith).toEqual(REFUSED_TEXT);
				const reader = peer(facilitator.client, board);
				await reader.whenSynced();
				expect(text(reader.doc, term!.id, salesWording)).toBe('Max, still in Sales');
			} finally {
				await other.stop();
			}
		});

	test("a device that was away sends its typing with everyone's deletions, and it is kept", async () => {
		// A sync answer carries the device's whole delete set: the cards the server removed and
		// the characters others deleted, in texts this device may not write. Deleting them again
		// changes nothing, so it is no reason to refuse what the device typed meanwhile.
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const path = `/api/workshops/${facilitator.workshopId}/stages/shared-terms/cards`;
		const note = await sales.client.json('POST', path, { type: 'note', text: 'Ask legal' });
		expect(note.status).toBe(201);
		const observer = peer(facilitator.client, board);
		const salesPhone = peer(sales.client, board);
		const away = peer(marketing.client, board);
		await Promise.all([observer.whenSynced(), salesPhone.whenSynced(), away.whenSynced()]);
		const [, , , , term] = listCards(observer.doc, 'term');
		const salesWording = TERM_TEXT.wording(sales.team.id);
		termText(salesPhone.doc, term!.id, salesWording)!.insert(0, 'draft: Budget');
		termText(salesPhone.doc, term!.id, salesWording)!.delete(0, 7);
		expect((await sales.client.json('DELETE', `${path}/${note.body.id}`)).status).toBe(200);
		await waitFor(
			'the deletions on the device',
			() =>
				text(away.doc, term!.id, salesWording) === 'Budget' &&
				!cardsOf(away.doc).has(note.body.id as string)
		);

		away.provider.disconnect();
		termText(away.doc, term!.id, TERM_TEXT.merged)!.insert(0, 'typed while away');
		away.provider.connect();
		await waitFor(
			'the typing on the facilitator screen',
			() => text(observer.doc, term!.id, TERM_TEXT.merged) === 'typed while away'
		);
		expect(away.socket!.closedWith).toBeNull();
		expect(text(observer.doc, term!.id, salesWording)).toBe('Budget');
	});

	test("on a team's private board the other team's texts are not its members' either", async () => {
		expect((await controlStage(facilitator, 'measures', 'startPrivate')).status).toBe(200);
		const termId = await addTerm(sales.client, facilitator.workshopId, 'measures', 'Win rate');
		const board = teamDocName(facilitator.workshopId, 'measures', sales.team.id);
		const observer = peer(facilitator.client, board);
		await observer.whenSynced();
		await waitFor('the term on the team board', () => termText(observer.doc, termId, 'merged'));
		const marketingWording = TERM_TEXT.wording(marketing.team.id);
		expect(
			await attempt(sales.client, board, (doc) =>
				termText(doc, termId, marketingWording)!.insert(0, MARK)
			)
		).toEqual(REFUSED_TEXT);
		const writer = peer(sales.client, board);
		await writer.whenSynced();
		termText(writer.doc, termId, TERM_TEXT.wording(sales.team.id))!.insert(0, 'Won / decided');
		await writer.ack();
		termText(observer.doc, termId, marketingWording)!.insert(0, 'Facilitator note');
		await observer.ack();
		await waitFor(
			'both texts on the Sales phone',
			() =>
				text(writer.doc, termId, TERM_TEXT.wording(sales.team.id)) === 'Won / decided' &&
				text(writer.doc, termId, marketingWording) === 'Facilitator note'
		);
		expect(receivedBy(observer)).not.toContain(MARK);
		expect((await controlStage(facilitator, 'measures', 'reveal')).status).toBe(200);
	});

	test('a null character typed into a wording is refused; half an emoji arrives as "\uFFFD" (Yjs encodes it so), and a poll and the charter take the text', async () => {
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const termId = await addTerm(
			facilitator.client,
			facilitator.workshopId,
			'shared-terms',
			'Recycled lead'
		);
		const nul = await attempt(sales.client, board, (doc) =>
			termText(doc, termId, TERM_TEXT.merged)!.insert(0, 'Back to\u0000 nurture')
		);
		expect(nul).toEqual({
			code: CLOSE.editRefused,
			reason: 'edit refused: inserts a null character'
		});

		const typist = peer(sales.client, board);
		await typist.whenSynced();
		termText(typist.doc, termId, TERM_TEXT.merged)!.insert(
			0,
			'Back to nurture after 90 days \ud83d'
		);
		await typist.ack();
		const poll = await facilitator.client.json(
			'POST',
			`/api/workshops/${facilitator.workshopId}/polls`,
			{ kind: 'consent', stageKey: 'shared-terms', sourceItemId: termId }
		);
		expect(poll.status).toBe(201);
		const read = await facilitator.client.json(
			'GET',
			`/api/workshops/${facilitator.workshopId}/polls/${String(poll.body.id)}`
		);
		expect((read.body.poll as { question: string }).question).toBe(
			'Recycled lead: Back to nurture after 90 days \uFFFD'
		);
		const charter = await facilitator.client.get(`/workshops/${facilitator.workshopId}/charter`);
		expect(charter.status).toBe(200);
		expect(await charter.text()).toContain('Back to nurture after 90 days \uFFFD');
	});
});
