import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { readLive } from '../../src/lib/collab/live';
import { roomDocName, stageDocName, teamDocName } from '../../src/lib/collab/doc-names';
import {
	facilitatorWithWorkshop,
	joinAs,
	signUpFacilitator,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, headersOf, upgradeStatus, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

describe.each(oneDatabase('postgres'))('running a workshop on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let ws: FacilitatorWithWorkshop;
	let sales: Client;
	let marketing: Client;
	const peers: Peer[] = [];

	const live = (body: unknown, client: Client = ws.facilitator) =>
		client.json('POST', `/api/workshops/${ws.workshopId}/live`, body);
	const cards = (stageKey: string, body: unknown, client: Client) =>
		client.json('POST', `/api/workshops/${ws.workshopId}/stages/${stageKey}/cards`, body);
	const peer = async (client: Client, docName: string) => {
		const p = connectPeer(server.url, client, docName);
		peers.push(p);
		await p.whenSynced();
		return p;
	};

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		ws = await facilitatorWithWorkshop(server.url);
		sales = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Sam');
		marketing = await joinAs(server.url, ws.joinCode, ws.teams.Marketing!, 'Mia');
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		await server?.stop();
		await database?.drop();
	});

	test("a new workshop's Shared terms board starts with the eight terms and the journey with its steps", async () => {
		const terms = await peer(sales, stageDocName(ws.workshopId, 'shared-terms'));
		expect(listCards(terms.doc, 'term').map((c) => c.text)).toEqual([
			'MQL',
			'SAL',
			'SQL',
			'Opportunity',
			'Recycled / Nurture',
			'Disqualified',
			'Lead-score threshold',
			'Hand-off SLA'
		]);
		expect(listCards(terms.doc, 'term').find((c) => c.text === 'Hand-off SLA')?.valueType).toBe(
			'hours'
		);
		const journey = await peer(sales, stageDocName(ws.workshopId, 'connections'));
		const steps = listCards(journey.doc, 'step');
		expect(steps).toHaveLength(7);
		expect(steps.at(-1)?.isReturnPath).toBe(true);
	});

	test('moving everyone to a stage sets the agenda, the current stage and its timer on every screen', async () => {
		const room = await peer(marketing, roomDocName(ws.workshopId));
		const moved = await live({ action: 'goTo', stageKey: 'shared-terms' });
		expect(moved.status).toBe(200);
		const state = await waitFor('the room to show Shared terms', () => {
			const s = readLive(room.doc);
			return s.stageKey === 'shared-terms' ? s : null;
		});
		expect(state.stages.map((s) => s.key)).toContain('barriers');
		expect(state.teams.map((t) => t.name).sort()).toEqual(['Marketing', 'Sales']);
		expect(state.timer).toMatchObject({
			stageKey: 'shared-terms',
			durationMs: 45 * 60_000,
			startedAt: null
		});
	});

	test('the timer starts, pauses and gains a minute on the current stage only', async () => {
		const started = await live({ action: 'timer', stageKey: 'shared-terms', timer: 'start' });
		expect(started.status).toBe(200);
		expect((started.body.timer as { startedAt: number | null }).startedAt).toEqual(
			expect.any(Number)
		);
		const more = await live({ action: 'timer', stageKey: 'shared-terms', timer: 'addMinute' });
		expect((more.body.timer as { durationMs: number }).durationMs).toBe(46 * 60_000);
		const paused = await live({ action: 'timer', stageKey: 'shared-terms', timer: 'pause' });
		expect((paused.body.timer as { startedAt: number | null }).startedAt).toBeNull();

		const elsewhere = await live({ action: 'timer', stageKey: 'barriers', timer: 'start' });
		expect(elsewhere.status).toBe(409);
		expect(elsewhere.body.message).toMatch(/current stage only/);
		const unknown = await live({ action: 'goTo', stageKey: 'karaoke' });
		expect(unknown.status).toBe(404);
	});

	test('bad control bodies get a clear message and change nothing', async () => {
		const before = (await live({ action: 'clearSpotlight' })).body;
		for (const [body, status, message] of [
			[{ action: 'dance' }, 400, /goTo, timer, spotlight, clearSpotlight or finish/],
			[
				{ action: 'timer', stageKey: 'shared-terms', timer: 'rewind' },
				400,
				/start, pause or addMinute/
			],
			[{ action: 'goTo' }, 400, /field "stageKey" is missing/],
			['{not json', 400, /not valid JSON/],
			[
				{ action: 'spotlight', stageKey: 'shared-terms', itemId: null, text: '   ', teamId: null },
				400,
				/nothing to put/
			]
		] as const) {
			const result = await live(body);
			expect(result.status).toBe(status);
			expect(String(result.body.message)).toMatch(message);
		}
		const notJson = await fetch(`${server.url}/api/workshops/${ws.workshopId}/live`, {
			method: 'POST',
			headers: {
				cookie: ws.facilitator.cookieHeader(),
				origin: server.url,
				'content-type': 'text/plain'
			},
			body: 'goTo'
		});
		expect(notJson.status).toBe(415);
		expect((await live({ action: 'clearSpotlight' })).body).toEqual(before);
	});

	test("the projector's controls: a board hidden and shown, the term in focus, the pages; bad bodies get a clear message and change nothing", async () => {
		const control = (body: unknown, client: Client = ws.facilitator) =>
			client.json('POST', `/api/workshops/${ws.workshopId}/projector`, body);
		const hidden = await control({ action: 'hide', stageKey: 'connections' });
		expect(hidden.status).toBe(200);
		expect(hidden.body.stage).toMatchObject({ hiddenFromProjector: true, locked: false });
		const terms = listCards(
			(await peer(sales, stageDocName(ws.workshopId, 'shared-terms'))).doc,
			'term'
		);
		const focus = await control({
			action: 'focusTerm',
			stageKey: 'shared-terms',
			termId: terms[1]!.id
		});
		expect(focus.body.view).toMatchObject({ termId: terms[1]!.id, page: 0 });
		// On Shared terms the pages are the terms; elsewhere they are counted.
		const next = await control({ action: 'turnPage', stageKey: 'shared-terms', step: 1 });
		expect(next.body.view).toMatchObject({ termId: terms[2]!.id });
		const back = await control({ action: 'turnPage', stageKey: 'measures', step: -1 });
		expect(back.body.view).toMatchObject({ stageKey: 'measures', page: -1 });

		const room = await peer(marketing, roomDocName(ws.workshopId));
		const before = JSON.stringify(room.doc.toJSON());
		for (const [body, status, message] of [
			[
				{ action: 'dance', stageKey: 'measures' },
				400,
				/hide, show, focusTerm, turnPage or showBoard/
			],
			[{ action: 'hide' }, 400, /field "stageKey" is missing/],
			[{ action: 'turnPage', stageKey: 'measures', step: 2 }, 400, /one page at a time/],
			[
				{ action: 'focusTerm', stageKey: 'shared-terms', termId: 'nosuchterm' },
				404,
				/no such term/
			],
			[{ action: 'focusTerm', stageKey: 'connections', termId: terms[0]!.id }, 404, /no such term/],
			[{ action: 'hide', stageKey: 'karaoke' }, 404, /no such stage/],
			[{ action: 'showBoard', stageKey: 'measures' }, 409, /No result is on the projector/]
		] as const) {
			const refused = await control(body);
			expect(refused.status, JSON.stringify(body)).toBe(status);
			expect(String(refused.body.message)).toMatch(message);
		}
		// Only the facilitator runs the projector.
		expect((await control({ action: 'show', stageKey: 'connections' }, sales)).status).toBe(403);
		const stranger = new Client(server.url);
		expect((await control({ action: 'show', stageKey: 'connections' }, stranger)).status).toBe(401);
		expect(JSON.stringify(room.doc.toJSON())).toBe(before);
		expect((await control({ action: 'show', stageKey: 'connections' })).status).toBe(200);
	});

	test("only the workshop's facilitator runs it: participants 403, strangers 401, other facilitators 403", async () => {
		expect((await live({ action: 'goTo', stageKey: 'barriers' }, sales)).status).toBe(403);
		expect(
			(await live({ action: 'goTo', stageKey: 'barriers' }, new Client(server.url))).status
		).toBe(401);
		const { facilitator: other } = await signUpFacilitator(server.url, 'Other');
		expect((await live({ action: 'goTo', stageKey: 'barriers' }, other)).status).toBe(403);
		const room = await peer(sales, roomDocName(ws.workshopId));
		expect(readLive(room.doc).stageKey).toBe('shared-terms');
	});

	test('cards: the server stamps the team, checks the text, and both teams see them live', async () => {
		const board = await peer(marketing, stageDocName(ws.workshopId, 'barriers'));
		const added = await cards(
			'barriers',
			{ type: 'barrier', text: 'Week 13 we sell boxes on price', category: 'incentives' },
			sales
		);
		expect(added.status).toBe(201);
		const card = await waitFor("the card on the other team's screen", () =>
			listCards(board.doc, 'barrier').find((c) => c.id === added.body.id)
		);
		expect(card).toMatchObject({
			text: 'Week 13 we sell boxes on price',
			teamId: ws.teams.Sales,
			category: 'incentives'
		});

		for (const [body, message] of [
			[{ type: 'barrier', text: '   ' }, /needs some text/],
			[{ type: 'barrier', text: 'x'.repeat(501) }, /at most 500/],
			[{ type: 'poem', text: 'roses' }, /what kind of card/],
			[{ type: 'barrier', text: 'ok', teamId: ws.teams.Marketing }, /does not know/],
			[{ type: 'barrier', text: 'ok', category: 'astrology' }, /barrier categories/]
		] as const) {
			const refused = await cards('barriers', body, sales);
			expect(refused.status).toBe(400);
			expect(String(refused.body.message)).toMatch(message);
		}
		expect((await cards('nowhere', { type: 'note', text: 'x' }, sales)).status).toBe(404);
		expect(
			(await cards('barriers', { type: 'note', text: 'x' }, new Client(server.url))).status
		).toBe(401);
		expect(listCards(board.doc, 'barrier')).toHaveLength(1);

		// Another team may not change or remove it; the author's team may.
		const path = `/api/workshops/${ws.workshopId}/stages/barriers/cards/${added.body.id}`;
		expect((await marketing.json('PATCH', path, { text: 'Changed by marketing' })).status).toBe(
			403
		);
		expect((await marketing.json('DELETE', path)).status).toBe(403);
		expect(
			(await sales.json('PATCH', path, { remedy: 'Pay on margin, not on volume' })).status
		).toBe(200);
		await waitFor(
			'the remedy to arrive',
			() => listCards(board.doc, 'barrier')[0]?.remedy === 'Pay on margin, not on volume'
		);
		expect((await sales.json('DELETE', path)).status).toBe(200);
		await waitFor('the card to go', () => listCards(board.doc, 'barrier').length === 0);
	});

	test('a locked stage refuses new cards from participants but not from the facilitator', async () => {
		const lock = await ws.facilitator.json(
			'POST',
			`/api/workshops/${ws.workshopId}/stages/measures`,
			{ action: 'lock' }
		);
		expect(lock.status).toBe(200);
		const refused = await cards('measures', { type: 'measure', text: 'Win rate' }, sales);
		expect(refused.status).toBe(409);
		expect(refused.body.message).toMatch(/locked/);
		expect(
			(await cards('measures', { type: 'measure', text: 'Win rate' }, ws.facilitator)).status
		).toBe(201);
		await ws.facilitator.json('POST', `/api/workshops/${ws.workshopId}/stages/measures`, {
			action: 'unlock'
		});
		expect(
			(await cards('measures', { type: 'measure', text: 'SLA adherence' }, sales)).status
		).toBe(201);
	});

	test("while writing privately a card goes to the author's team board only, and reveal shows it to all", async () => {
		const control = (action: string) =>
			ws.facilitator.json('POST', `/api/workshops/${ws.workshopId}/stages/focus-value`, { action });
		expect((await control('startPrivate')).status).toBe(200);
		const salesBoard = await peer(
			sales,
			teamDocName(ws.workshopId, 'focus-value', ws.teams.Sales!)
		);
		const shared = await peer(marketing, stageDocName(ws.workshopId, 'focus-value'));
		const added = await cards(
			'focus-value',
			{
				type: 'empathy-pain',
				text: 'Marketing is judged on volume',
				aboutTeamId: ws.teams.Marketing
			},
			sales
		);
		expect(added.status).toBe(201);
		await waitFor('the card on the Sales board', () =>
			listCards(salesBoard.doc).some((c) => c.id === added.body.id)
		);
		expect(listCards(shared.doc).some((c) => c.id === added.body.id)).toBe(false);

		expect((await control('reveal')).status).toBe(200);
		const revealed = await waitFor('the revealed card on the shared board', () =>
			listCards(shared.doc).find((c) => c.id === added.body.id)
		);
		// The team it is about gives its verdict; the author's team may not.
		const path = `/api/workshops/${ws.workshopId}/stages/focus-value/cards/${revealed.id}`;
		expect(
			(
				await marketing.json('PATCH', path, {
					verdict: 'inaccurate',
					correction: 'We are judged on pipeline'
				})
			).status
		).toBe(200);
		expect((await marketing.json('PATCH', path, { text: 'rewritten' })).status).toBe(403);
		await waitFor(
			'the verdict',
			() => listCards(shared.doc).find((c) => c.id === revealed.id)?.verdict === 'inaccurate'
		);
	});

	test("both teams co-edit a term's merged wording live", async () => {
		const a = await peer(sales, stageDocName(ws.workshopId, 'shared-terms'));
		const b = await peer(marketing, stageDocName(ws.workshopId, 'shared-terms'));
		const mql = listCards(a.doc, 'term').find((c) => c.text === 'MQL')!;
		termText(a.doc, mql.id, TERM_TEXT.wording(ws.teams.Sales!))!.insert(
			0,
			'Budget and authority confirmed'
		);
		termText(b.doc, mql.id, TERM_TEXT.merged)!.insert(0, 'Score ≥ 65 and a buying role.');
		await waitFor(
			'both edits on both screens',
			() =>
				termText(b.doc, mql.id, TERM_TEXT.wording(ws.teams.Sales!))!.toString() ===
					'Budget and authority confirmed' &&
				termText(a.doc, mql.id, TERM_TEXT.merged)!.toString() === 'Score ≥ 65 and a buying role.'
		);
	});

	test('"I\'m done" is counted per team, once per participant, and only from participants', async () => {
		const done = (client: Client, body: unknown) =>
			client.json('POST', `/api/workshops/${ws.workshopId}/stages/shared-terms/done`, body);
		expect((await done(sales, { done: true })).body.counts).toEqual({ [ws.teams.Sales!]: 1 });
		expect((await done(sales, { done: true })).body.counts).toEqual({ [ws.teams.Sales!]: 1 });
		expect((await done(marketing, { done: true })).body.counts).toEqual({
			[ws.teams.Sales!]: 1,
			[ws.teams.Marketing!]: 1
		});
		expect((await done(sales, { done: false })).body.counts).toEqual({ [ws.teams.Marketing!]: 1 });
		expect((await done(sales, { done: 'yes' })).status).toBe(400);
		expect((await done(ws.facilitator, { done: true })).status).toBe(403);
		const room = await peer(marketing, roomDocName(ws.workshopId));
		await waitFor(
			'the count in the room',
			() => readLive(room.doc).done['shared-terms']?.[ws.teams.Marketing!] === 1
		);
	});

	test("a participant moved to another team reconnects at once and gets the new team's private board", async () => {
		const mover = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Mo the mover');
		const control = (action: string) =>
			ws.facilitator.json('POST', `/api/workshops/${ws.workshopId}/stages/measures`, { action });
		expect((await control('startPrivate')).status).toBe(200);
		const salesBoard = teamDocName(ws.workshopId, 'measures', ws.teams.Sales!);
		const marketingBoard = teamDocName(ws.workshopId, 'measures', ws.teams.Marketing!);
		const open = await peer(mover, salesBoard);
		const socket = open.socket!;
		expect(await upgradeStatus(server.url, marketingBoard, headersOf(mover, server.url))).toBe(403);

		const page = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
		const participantId = /Mo the mover[\s\S]*?name="participantId" value="([a-z2-7]+)"/.exec(
			page
		)![1]!;
		const moved = await ws.facilitator.action(`/workshops/${ws.workshopId}?/moveParticipant`, {
			participantId,
			teamId: ws.teams.Marketing!
		});
		expect(moved.type).toBe('success');
		const closed = await waitFor('the old connection to close', () => socket.closedWith);
		expect(closed).toEqual({ code: 4000, reason: 'your team changed' });
		expect(await upgradeStatus(server.url, salesBoard, headersOf(mover, server.url))).toBe(403);
		expect(await upgradeStatus(server.url, marketingBoard, headersOf(mover, server.url))).toBe(101);
		await control('reveal');
	});

	test('the server clock is available for countdowns', async () => {
		const before = Date.now();
		const { body } = await new Client(server.url).json('GET', '/api/time');
		expect(body.now).toBeGreaterThanOrEqual(before - 5_000);
		expect(body.now).toBeLessThanOrEqual(Date.now() + 5_000);
	});
});
