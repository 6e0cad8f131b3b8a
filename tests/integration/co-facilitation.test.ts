/**
 * Two consoles run one workshop at once (two sessions of the workshop's facilitator account
 * today; colleagues of one firm later, through the same guards). Their presses arrive together
 * through the real endpoints, and the room document and the database are checked after.
 */
import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import postgres from 'postgres';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isConsolePresence } from '../../src/lib/collab/console-presence';
import { roomDocName, stageDocName, teamDocName } from '../../src/lib/collab/doc-names';
import { PROJECTOR_PARAMS } from '../../src/lib/collab/projector';
import { inviteLeader, openLink, workshopWithCharterContent } from '../factories/charter';
import { createPoll, runPoll } from '../support/voting';
import { readLive } from '../../src/lib/collab/live';
import { readStageState } from '../../src/lib/collab/room';
import {
	createWorkshop,
	facilitatorWithWorkshop,
	joinAs,
	signUpFacilitator,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

const STAGE = 'shared-terms';

describe.each(oneDatabase('postgres'))('co-facilitation on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let ws: FacilitatorWithWorkshop;
	/** The same account signed in a second time: another console. */
	let second: Client;
	let stranger: Client;
	let strangerWorkshop: string;
	let sales: Client;
	let room: Peer;
	const peers: Peer[] = [];

	const api = (path = '') => `/api/workshops/${ws.workshopId}${path}`;
	const live = (client: Client, body: unknown) => client.json('POST', api('/live'), body);
	const stage = (client: Client, action: string) =>
		client.json('POST', api(`/stages/${STAGE}`), { action });
	const sheet = (client: Client, body: unknown) => client.json('POST', api('/run-sheet'), body);
	const peer = async (client: Client, docName: string) => {
		const p = connectPeer(server.url, client, docName);
		peers.push(p);
		await p.whenSynced();
		return p;
	};
	/** Rows straight from PostgreSQL; PGlite's one process is the server, read through it. */
	const sqlRows = async <T>(query: string, params: string[]): Promise<T[] | null> => {
		if (!database.options.databaseUrl) return null;
		const client = postgres(database.options.databaseUrl, { max: 1, onnotice: () => {} });
		try {
			return (await client.unsafe(query, params)) as unknown as T[];
		} finally {
			await client.end();
		}
	};

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		ws = await facilitatorWithWorkshop(server.url);
		second = new Client(server.url);
		const signedIn = await second.action('/signin', { email: ws.email, password: ws.password });
		expect(signedIn.type).toBe('redirect');
		const other = await signUpFacilitator(server.url, 'Olga Other');
		stranger = other.facilitator;
		strangerWorkshop = (await createWorkshop(stranger)).workshopId;
		sales = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Sam');
		room = await peer(sales, roomDocName(ws.workshopId));
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		await server?.stop();
		await database?.drop();
	});

	test('two "Bring everyone here" presses at once leave one stage, one timer and one open visit', async () => {
		const results = await Promise.all([
			live(ws.facilitator, { action: 'goTo', stageKey: STAGE }),
			live(second, { action: 'goTo', stageKey: STAGE })
		]);
		expect(results.map((r) => r.status)).toEqual([200, 200]);
		const state = await waitFor('the phone to show the stage', () => {
			const s = readLive(room.doc);
			return s.stageKey === STAGE ? s : null;
		});
		expect(state.timer).toMatchObject({ stageKey: STAGE, durationMs: 45 * 60_000 });

		const { body } = await ws.facilitator.json('GET', api('/run-sheet'));
		const view = body.view as { stages: Array<{ key: string; progress: string }> };
		expect(view.stages.filter((s) => s.progress === 'running').map((s) => s.key)).toEqual([STAGE]);
		const visits = await sqlRows<{ stage_key: string; ended_at: Date | null }>(
			'select stage_key, ended_at from stage_visit where workshop_id = $1',
			[ws.workshopId]
		);
		if (visits) expect(visits).toEqual([{ stage_key: STAGE, ended_at: null }]);
	});

	test('two timer starts keep the first start; two "+1 min" at once add two minutes', async () => {
		const starts = await Promise.all([
			live(ws.facilitator, { action: 'timer', stageKey: STAGE, timer: 'start' }),
			live(second, { action: 'timer', stageKey: STAGE, timer: 'start' })
		]);
		expect(starts.map((r) => r.status)).toEqual([200, 200]);
		const startedAt = readLive(
			await waitFor('the timer to run', () =>
				readLive(room.doc).timer?.startedAt ? room.doc : null
			)
		).timer!.startedAt;
		const more = await Promise.all([
			live(ws.facilitator, { action: 'timer', stageKey: STAGE, timer: 'addMinute' }),
			live(second, { action: 'timer', stageKey: STAGE, timer: 'addMinute' })
		]);
		expect(more.map((r) => r.status)).toEqual([200, 200]);
		const timer = await waitFor('both minutes on the phone', () => {
			const t = readLive(room.doc).timer;
			return t && t.durationMs === 47 * 60_000 ? t : null;
		});
		expect(timer.startedAt).not.toBeNull();
		expect(timer.startedAt).toBeGreaterThanOrEqual(startedAt!);
	});

	test('a lock and a reveal at once (and a second reveal) leave one consistent stage state', async () => {
		expect((await stage(ws.facilitator, 'startPrivate')).status).toBe(200);
		const card = await sales.json('POST', api(`/stages/${STAGE}/cards`), {
			type: 'term',
			text: 'Sales accepted lead'
		});
		expect(card.status).toBe(201);
		const results = await Promise.all([
			stage(second, 'lock'),
			stage(ws.facilitator, 'reveal'),
			stage(second, 'reveal')
		]);
		expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
		const final = await waitFor('the phone to show locked and revealed', () => {
			const s = readStageState(room.doc, STAGE);
			return s.locked && !s.privateWrite && s.revealedAt !== null ? s : null;
		});
		// The answer each console got is the state after its own press; the last one holds.
		const again = await ws.facilitator.json('POST', api(`/stages/${STAGE}`), { action: 'lock' });
		expect(again.body).toMatchObject({ locked: true, privateWrite: false });
		expect(again.body.revealedAt).toBe(final.revealedAt);
	});

	test('every intervention in the trail names who did it', async () => {
		const page = await (await ws.facilitator.get(`/workshops/${ws.workshopId}/timing`)).text();
		const trail = /data-testid="workshop-events"[^>]*>([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '';
		const items = trail.match(/<li>/g) ?? [];
		// 2 moves, 2 starts, 2 minutes, startPrivate, lock, 2 reveals, lock.
		expect(items.length).toBe(11);
		expect(trail.match(/<strong>Fran Facilitator<\/strong>/g)?.length).toBe(11);
		expect(trail).toContain('revealed the team boards of shared-terms');
		const rows = await sqlRows<{ actor_name: string; account_id: string | null }>(
			'select actor_name, account_id from workshop_event where workshop_id = $1',
			[ws.workshopId]
		);
		if (rows) {
			expect(rows).toHaveLength(11);
			expect(rows.every((r) => r.actor_name === 'Fran Facilitator' && r.account_id)).toBe(true);
		}
	});

	test("consoles see each other's presence; a phone cannot pose as a console", async () => {
		const a = await peer(ws.facilitator, roomDocName(ws.workshopId));
		const b = await peer(second, roomDocName(ws.workshopId));
		const forger = await peer(
			await joinAs(server.url, ws.joinCode, ws.teams.Marketing!, 'Mallory'),
			roomDocName(ws.workshopId)
		);
		const seenFromForger: unknown[] = [];
		a.provider.awareness.on('change', () => {
			const state = a.provider.awareness.getStates().get(forger.doc.clientID);
			if (state) seenFromForger.push(state);
		});
		b.provider.awareness.setLocalState({
			kind: 'console',
			name: 'Fran Facilitator',
			activity: 'editing the timer'
		});
		forger.provider.awareness.setLocalState({
			kind: 'console',
			name: 'Fran Facilitator',
			activity: 'ending the workshop'
		});
		forger.provider.awareness.setLocalState({ name: 'Mallory', step: 2 });
		await waitFor('A to see B editing the timer', () =>
			[...a.provider.awareness.getStates().values()].some(
				(s) => isConsolePresence(s) && s.activity === 'editing the timer'
			)
		);
		await waitFor("A to see the phone's later, ordinary state", () =>
			seenFromForger.some((s) => (s as { step?: number }).step === 2)
		);
		expect(seenFromForger.filter(isConsolePresence)).toEqual([]);
		forger.destroy();
		a.destroy();

		// B's console goes away mid-stage: A's view loses B, nothing else changes.
		const before = readLive(room.doc);
		const stateBefore = readStageState(room.doc, STAGE);
		const watcher = await peer(ws.facilitator, roomDocName(ws.workshopId));
		await waitFor('the watcher to see B', () =>
			[...watcher.provider.awareness.getStates().values()].some(isConsolePresence)
		);
		b.destroy();
		await waitFor('B to leave the consoles', () =>
			[...watcher.provider.awareness.getStates().values()].every((s) => !isConsolePresence(s))
		);
		const added = await live(ws.facilitator, {
			action: 'timer',
			stageKey: STAGE,
			timer: 'addMinute'
		});
		expect(added.status).toBe(200);
		const after = await waitFor('the minute A added', () => {
			const s = readLive(room.doc);
			return s.timer?.durationMs === before.timer!.durationMs + 60_000 ? s : null;
		});
		expect(after.stageKey).toBe(before.stageKey);
		expect(after.timer!.startedAt).not.toBeNull();
		expect(readStageState(room.doc, STAGE)).toEqual(stateBefore);
		const { body } = await ws.facilitator.json('GET', api('/run-sheet'));
		const view = body.view as { stages: Array<{ key: string; progress: string }> };
		expect(view.stages.find((s) => s.key === STAGE)?.progress).toBe('running');
	});

	test('the run-sheet keeps a planned duration and notes; bad input is refused in words and changes nothing', async () => {
		const saved = await sheet(second, {
			action: 'stage',
			stageKey: 'barriers',
			plannedMinutes: 50,
			notes: 'Ask Sales about the Q2 handoffs first.'
		});
		expect(saved.status).toBe(200);
		const before = (await ws.facilitator.json('GET', api('/run-sheet'))).body;
		const barriers = (
			before.stages as Array<{ key: string; plannedMinutes: number; notes: string }>
		).find((s) => s.key === 'barriers');
		expect(barriers).toMatchObject({
			plannedMinutes: 50,
			notes: 'Ask Sales about the Q2 handoffs first.'
		});

		const refused: Array<[Client, unknown, number, RegExp]> = [
			[
				ws.facilitator,
				{ action: 'stage', stageKey: 'barriers', plannedMinutes: 50, notes: 'x'.repeat(4001) },
				400,
				/at most 4000 characters/
			],
			[
				ws.facilitator,
				{ action: 'stage', stageKey: 'barriers', plannedMinutes: 0, notes: '' },
				400,
				/at least 1 minute/
			],
			[
				ws.facilitator,
				{ action: 'stage', stageKey: 'barriers', plannedMinutes: 481, notes: '' },
				400,
				/at most 480 minutes/
			],
			[
				ws.facilitator,
				{ action: 'stage', stageKey: 'barriers', plannedMinutes: 12.5, notes: '' },
				400,
				/whole number of minutes/
			],
			[
				ws.facilitator,
				{ action: 'stage', stageKey: 'barriers', plannedMinutes: 'ten', notes: '' },
				400,
				/number of minutes/
			],
			[
				ws.facilitator,
				{ action: 'stage', stageKey: 'karaoke', plannedMinutes: 10, notes: '' },
				404,
				/no such stage/
			],
			[ws.facilitator, { action: 'dayStart', startsAt: 'tomorrow morning' }, 400, /date and time/],
			[ws.facilitator, { action: 'shout' }, 400, /stage or dayStart/],
			[
				sales,
				{ action: 'stage', stageKey: 'barriers', plannedMinutes: 5, notes: 'mine now' },
				403,
				/Only the facilitator/
			],
			[
				stranger,
				{ action: 'stage', stageKey: 'barriers', plannedMinutes: 5, notes: 'mine now' },
				403,
				/not part of this workshop/
			],
			[
				new Client(server.url),
				{ action: 'stage', stageKey: 'barriers', plannedMinutes: 5, notes: '' },
				401,
				/sign in/i
			]
		];
		for (const [client, body, status, message] of refused) {
			const result = await sheet(client, body);
			expect(result.status, JSON.stringify(body).slice(0, 80)).toBe(status);
			expect(String(result.body.message)).toMatch(message);
		}
		expect((await ws.facilitator.json('GET', api('/run-sheet'))).body.stages).toEqual(
			before.stages
		);
		// Nor can anyone else read it, the stage controls or the timing report.
		expect((await sales.json('GET', api('/run-sheet'))).status).toBe(403);
		expect((await stranger.json('GET', api('/run-sheet'))).status).toBe(403);
		expect((await stage(stranger, 'lock')).status).toBe(404);
		expect((await stranger.get(`/workshops/${ws.workshopId}/timing`)).status).toBe(404);
		expect((await stranger.get(`/workshops/${ws.workshopId}/timing.csv`)).status).toBe(404);
		expect((await sales.get(`/workshops/${ws.workshopId}/timing.csv`)).status).toBe(303);
		// The stranger's own workshop is theirs to plan.
		const own = await stranger.json('POST', `/api/workshops/${strangerWorkshop}/run-sheet`, {
			action: 'stage',
			stageKey: 'barriers',
			plannedMinutes: 30,
			notes: ''
		});
		expect(own.status).toBe(200);
	});

	test('the timing report gives planned against actual per stage, as a page and a CSV', async () => {
		expect(
			(await sheet(ws.facilitator, { action: 'dayStart', startsAt: '2027-03-04T09:00:00.000Z' }))
				.status
		).toBe(200);
		expect((await live(second, { action: 'goTo', stageKey: 'barriers' })).status).toBe(200);
		expect((await live(ws.facilitator, { action: 'finish' })).status).toBe(200);
		const response = await ws.facilitator.get(`/workshops/${ws.workshopId}/timing.csv`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/text\/csv/);
		const lines = (await response.text()).trim().split('\r\n');
		expect(lines[0]).toBe(
			'"stage","planned start","planned minutes","actual start","actual minutes","over (+) or under (-) minutes","status"'
		);
		expect(lines.find((l) => l.startsWith('"Focus & value"'))).toMatch(
			/^"Focus & value","2027-03-04T09:00:00.000Z","\d+","","","","upcoming"$/
		);
		const shared = lines.find((l) => l.startsWith('"Shared terms"'))!;
		expect(shared).toMatch(/^"Shared terms","2027-03-04T\d\d:\d\d:00.000Z","45","20\d\d-/);
		expect(shared).toMatch(/"done"$/);
		const barriers = lines.find((l) => l.startsWith('"Barriers'))!;
		expect(barriers).toContain('"50"');
		expect(barriers).toMatch(/"done"$/);
		expect(lines.some((l) => l.includes('Ask Sales'))).toBe(false);
		const visits = await sqlRows<{ open: string }>(
			'select count(*)::text as open from stage_visit where workshop_id = $1 and ended_at is null',
			[ws.workshopId]
		);
		if (visits) expect(visits).toEqual([{ open: '0' }]);
		const page = await (await ws.facilitator.get(`/workshops/${ws.workshopId}/timing`)).text();
		expect(page).toContain('Timing report');
		expect(page).toContain('Fran Facilitator');
		expect(page).toContain('ended the session');
	});

	test('the notes never reach a participant, a leader, the projector or any export', async () => {
		const marker = `PRIVATE-NOTE-${randomBytes(6).toString('hex')}`;
		const cw = await workshopWithCharterContent(server.url);
		const id = cw.workshopId;
		const base = `/api/workshops/${id}`;
		const stageKeys = (
			(await cw.facilitator.json('GET', `${base}/run-sheet`)).body.stages as Array<{ key: string }>
		).map((s) => s.key);
		for (const key of stageKeys) {
			const planted = await cw.facilitator.json('POST', `${base}/run-sheet`, {
				action: 'stage',
				stageKey: key,
				plannedMinutes: 20,
				notes: `Ask the quiet ones first. ${marker} (${key})`
			});
			expect(planted.status).toBe(200);
		}
		// The room runs with the notes planted: a move, the timer, a private round and its reveal.
		expect(
			(await cw.facilitator.json('POST', `${base}/live`, { action: 'goTo', stageKey: 'barriers' }))
				.status
		).toBe(200);
		expect(
			(await cw.facilitator.json('POST', `${base}/stages/barriers`, { action: 'startPrivate' }))
				.status
		).toBe(200);
		expect(
			(await cw.facilitator.json('POST', `${base}/stages/barriers`, { action: 'reveal' })).status
		).toBe(200);
		const pollId = await createPoll(cw.facilitator, id, {
			kind: 'scale',
			question: 'How ready are we?'
		});
		await runPoll(cw.facilitator, id, pollId, async () => {});
		const published = await cw.act('publish');
		const versionId = (published.data?.published as { id: string }).id;
		const leader = new Client(server.url);
		await openLink(
			leader,
			await inviteLeader(cw, { name: 'Lee Leader', title: 'CRO', email: 'lee@acme.test' })
		);
		const pat = await joinAs(server.url, cw.joinCode, cw.teams.Sales!, 'Pat');

		// The console has them: the marker is planted where the sweep can see it.
		expect(await (await cw.facilitator.get(`/workshops/${id}/run`)).text()).toContain(marker);

		const seen: Array<[string, string]> = [];
		const fetched = async (who: string, client: Client, path: string) => {
			const response = await client.get(path);
			const bytes = Buffer.from(await response.arrayBuffer());
			let text = bytes.toString('utf8');
			// A PDF's text sits in compressed streams: read them inflated too.
			if (text.startsWith('%PDF')) {
				for (const m of text.matchAll(/stream\r?\n/g)) {
					const start = m.index! + m[0].length;
					const end = bytes.indexOf('endstream', start);
					try {
						text += inflateSync(bytes.subarray(start, end)).toString('latin1');
					} catch {
						// Not a deflated stream (an image): nothing to read.
					}
				}
			}
			seen.push([`${who} ${path} (${response.status})`, text]);
		};
		const participantPaths = [
			`/w/${id}`,
			`/w/${id}/__data.json`,
			`/w/${id}/waiting`,
			`/j/${cw.joinCode}`,
			`${base}/agreements`,
			`${base}/polls`,
			`${base}/polls/${pollId}`,
			`${base}/polls/${pollId}/results.csv`,
			`${base}/polls/${pollId}/bulletin`,
			`${base}/calibration/calibration`,
			`${base}/run-sheet`,
			`/workshops/${id}/run`,
			`/workshops/${id}/timing.csv`
		];
		await Promise.all(participantPaths.map((path) => fetched('participant', pat, path)));
		const exports = ['md', 'json', 'pdf'].map((f) => `/charters/${id}/versions/${versionId}/${f}`);
		await Promise.all(
			[
				`/charters/${id}`,
				`/charters/${id}/__data.json`,
				`/charters/${id}/live`,
				`/charters/${id}/diff`,
				'/leadership',
				`/verify/${versionId}`,
				...exports,
				`${base}/run-sheet`,
				`/workshops/${id}/run`
			].map((path) => fetched('leader', leader, path))
		);
		await Promise.all(
			[
				`/workshops/${id}/projector`,
				`/workshops/${id}/projector/__data.json`,
				`/workshops/${id}/timing.csv`,
				`${base}/polls/${pollId}/results.csv`,
				`${base}/calibration/calibration`,
				...exports
			].map((path) => fetched('facilitator export or projector', cw.facilitator, path))
		);
		await Promise.all(
			[`/verify/${versionId}`, `/j/${cw.joinCode}`].map((path) =>
				fetched('stranger', new Client(server.url), path)
			)
		);

		// Every shared document each of them receives over its socket, and its presence.
		const docs = [
			roomDocName(id),
			...stageKeys.map((key) => stageDocName(id, key)),
			...stageKeys.map((key) => teamDocName(id, key, cw.teams.Sales!))
		];
		const sockets: Array<[string, Client, Record<string, string>]> = [
			['participant', pat, {}],
			['leader', leader, {}],
			['projector', cw.facilitator, { ...PROJECTOR_PARAMS }]
		];
		await Promise.all(
			sockets.flatMap(([who, client, params]) =>
				(who === 'participant' ? docs : docs.filter((d) => !d.includes('/team/'))).map(
					async (docName) => {
						const p = connectPeer(server.url, client, docName, { params });
						peers.push(p);
						await p.whenSynced();
						const presence = JSON.stringify([...p.provider.awareness.getStates().values()]);
						const update = Buffer.from(Y.encodeStateAsUpdate(p.doc)).toString('utf8');
						seen.push([`${who} socket ${docName}`, update + presence]);
						p.destroy();
					}
				)
			)
		);
		expect(seen.length).toBeGreaterThan(50);
		expect(seen.filter(([, text]) => text.includes(marker)).map(([where]) => where)).toEqual([]);
		// The sweep read real content: the charter export, the phone's page and the room.
		expect(seen.find(([w]) => w.includes('/json'))?.[1]).toContain('MQL');
		expect(seen.find(([w]) => w.startsWith(`participant /w/${id} (200)`))).toBeDefined();
		expect(seen.find(([w]) => w === `participant socket ${roomDocName(id)}`)?.[1]).toContain(
			'Barriers'
		);
	});
});
