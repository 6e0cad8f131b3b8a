/**
 * Who gets into a workshop: join codes cannot be enumerated from one address and a workshop
 * takes a bounded number of joins a minute (a whole room behind one conference address still
 * gets in); a removed participant stays out, on that device and under that name, until the
 * facilitator lets them back; and where the facilitator requires admission, a joiner sees,
 * reads, writes and votes nothing until let in. One server per database, as behind a proxy
 * (each client names its address in X-Forwarded-For), with a small per-workshop join limit so
 * reaching it takes 20 joins rather than 600.
 */
import { controlPoll, createPoll } from '../support/voting';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import {
	createWorkshop,
	signUpFacilitator,
	teamsOnJoinPage,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { databaseKinds } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, headersOf, waitFor, type Peer } from '../support/realtime';
import { serverForSuite } from '../support/suite';
import { UNSTORABLE_TEXT } from '../../src/lib/schemas/storable';

const JOINS_PER_MINUTE = 20;

/** The status and text the server answers a WebSocket upgrade with (101 when it opens). */
function upgrade(
	baseUrl: string,
	docName: string,
	client: Client
): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/realtime/${docName}`, {
			headers: headersOf(client, baseUrl)
		});
		socket.on('error', () => {});
		socket.once('unexpected-response', (_req, res) => {
			let text = '';
			res.on('data', (chunk: Buffer) => (text += chunk.toString()));
			res.on('end', () => {
				resolve({ status: res.statusCode ?? 0, text });
				socket.terminate();
			});
		});
		socket.once('upgrade', () => {
			resolve({ status: 101, text: '' });
			socket.terminate();
		});
		// After a refusal's answer was read, a close changes nothing (the promise is settled).
		socket.once('close', () => setImmediate(() => reject(new Error('closed without an answer'))));
	});
}

const errorsOf = (result: { data?: Record<string, unknown> }) =>
	(result.data?.errors ?? {}) as Record<string, string>;

describe.each(databaseKinds())('joining a workshop on %s', (kind) => {
	const suite = serverForSuite(kind, {
		ADDRESS_HEADER: 'x-forwarded-for',
		XFF_DEPTH: '1',
		JOINS_PER_WORKSHOP_PER_MINUTE: String(JOINS_PER_MINUTE)
	});
	const peers: Peer[] = [];
	afterAll(() => {
		for (const p of peers) p.destroy();
	});

	let facilitator: Client;
	beforeAll(async () => {
		({ facilitator } = await signUpFacilitator(suite.server.url));
	});

	/** A workshop of the suite's facilitator, with its teams by name. */
	async function workshop(title: string): Promise<FacilitatorWithWorkshop> {
		const created = await createWorkshop(facilitator, title);
		const teams = await teamsOnJoinPage(suite.server.url, created.joinCode);
		return { facilitator, email: '', password: '', ...created, teams };
	}
	const act = (ws: FacilitatorWithWorkshop, name: string, fields: Record<string, string> = {}) =>
		facilitator.action(`/workshops/${ws.workshopId}?/${name}`, fields);
	const join = (client: Client, ws: FacilitatorWithWorkshop, displayName: string, team = 'Sales') =>
		client.action(`/j/${ws.joinCode}`, { displayName, teamId: ws.teams[team]! });

	/** People on the facilitator's page: in the room (by team), waiting, removed; name → id. */
	async function people(ws: FacilitatorWithWorkshop) {
		const html = await (await facilitator.get(`/workshops/${ws.workshopId}`)).text();
		const list = (testid: string, id: string) => {
			const found: Record<string, string> = {};
			const block = new RegExp(`data-testid="${testid}"[\\s\\S]*?</ul>`).exec(html)?.[0] ?? '';
			const item = new RegExp(`id="${id}-([a-z2-7]+)" data-testid="[a-z-]+">([^<]+?)\\s*<`, 'g');
			for (const m of block.matchAll(item)) found[m[2]!] = m[1]!;
			return found;
		};
		const present: Record<string, string> = {};
		for (const m of html.matchAll(
			/id="participant-([a-z2-7]+)" data-testid="participant-name">([^<]+)</g
		)) {
			present[m[2]!] = m[1]!;
		}
		return {
			present,
			waiting: list('waiting-list', 'waiting'),
			removed: list('removed-list', 'removed')
		};
	}

	test('wrong codes from one address are slowed after 30, and then no code answers; other addresses and right codes are not', async () => {
		const ws = await workshop('Guessing');
		const guesser = '198.51.100.20';
		const from = () => new Client(suite.server.url, guesser);
		// Right codes do not count: a whole room behind this address opens the link at once.
		const room = await Promise.all(
			Array.from({ length: 40 }, () => from().get(`/j/${ws.joinCode}`))
		);
		expect(room.map((r) => r.status)).toEqual(room.map(() => 200));

		// 60 guesses at once: one atomic count each, so no more than 30 (and what the delays
		// let through meanwhile) are answered; the rest are told to wait.
		const started = Date.now();
		const guesses = Array.from({ length: 60 }, (_, i) => `ZZ${String(i).padStart(2, '0')}ZZ`);
		const answers = await Promise.all(guesses.map((code) => from().get(`/j/${code}`)));
		const seconds = (Date.now() - started) / 1000;
		const answered = answers.filter((a) => a.status === 404).length;
		expect(answered).toBeGreaterThanOrEqual(30);
		// 30 at once, then one more after 5 s, another 10 s later…
		expect(answered).toBeLessThanOrEqual(30 + Math.floor(Math.log2(seconds / 5 + 1)));
		expect(answered + answers.filter((a) => a.status === 429).length).toBe(60);
		const refusal = answers.find((a) => a.status === 429)!;
		expect(await refusal.text()).toMatch(
			/Too many attempts from this network; try again in \d+ seconds?\./
		);

		// While the address waits, the right code is refused too (or its answer would tell right
		// from wrong), by link, by the code form and by the join form. Checked right after a
		// refusal that states a wait of a few seconds, so the wait is surely still running.
		await expect
			.poll(async () => {
				const r = await from().get('/j/ZZZZZZ');
				const m = /try again in (\d+) second/.exec(await r.text());
				return r.status === 429 && Number(m?.[1] ?? 0) >= 3;
			})
			.toBe(true);
		expect((await from().get(`/j/${ws.joinCode}`)).status).toBe(429);
		const viaForm = await from().action('/join', { code: ws.joinCode });
		expect(viaForm.status).toBe(429);
		expect(errorsOf(viaForm).code).toMatch(/^Too many attempts from this network; try again in/);
		const joinRefused = await join(from(), ws, 'Late Larry');
		expect(joinRefused.status).toBe(429);
		expect((await people(ws)).present['Late Larry']).toBeUndefined();

		// Someone at another address joins with the code as usual.
		const elsewhere = new Client(suite.server.url, '198.51.100.21');
		expect((await elsewhere.action('/join', { code: ws.joinCode })).location).toBe(
			`/j/${ws.joinCode}`
		);
		expect((await join(elsewhere, ws, 'Ellie Elsewhere')).type).toBe('redirect');
	});

	test('a room behind one address joins at once up to the workshop’s limit a minute; then joins wait, and other workshops are not affected', async () => {
		const ws = await workshop('Conference room');
		const nat = '203.0.113.80';
		const joined = await Promise.all(
			Array.from({ length: JOINS_PER_MINUTE }, (_, i) =>
				join(
					new Client(suite.server.url, nat),
					ws,
					`Attendee ${i + 1}`,
					i % 2 ? 'Sales' : 'Marketing'
				)
			)
		);
		expect(joined.map((j) => j.type)).toEqual(joined.map(() => 'redirect'));

		const over = await join(new Client(suite.server.url, nat), ws, 'One Too Many');
		expect(over.status).toBe(429);
		expect(errorsOf(over).form).toMatch(
			/^Many people are joining this workshop right now; try again in \d+ (seconds?|minute)\.$/
		);
		expect(Object.keys((await people(ws)).present)).toHaveLength(JOINS_PER_MINUTE);

		// Another workshop is unaffected.
		const other = await workshop('Next door');
		expect((await join(new Client(suite.server.url, nat), other, 'Neighbour')).type).toBe(
			'redirect'
		);
	});

	test('a name holding a character the database cannot store is refused beside its field; the same person joins once it is gone', async () => {
		const ws = await workshop('Odd names');
		const device = new Client(suite.server.url, '192.0.2.31');
		const refused = await join(device, ws, 'Sam\u0000 Reyes');
		expect(refused.status).toBe(400);
		expect(errorsOf(refused).displayName).toBe(UNSTORABLE_TEXT);
		expect((await join(device, ws, 'Sam Reyes')).type).toBe('redirect');
	});

	test('an archived workshop’s code answers that it has ended', async () => {
		const ws = await workshop('Finished');
		expect((await act(ws, 'archive')).type).toBe('success');
		const byForm = await new Client(suite.server.url, '192.0.2.30').action('/join', {
			code: ws.joinCode
		});
		expect(byForm.status).toBe(410);
		expect(errorsOf(byForm).code).toBe('This workshop has ended and no longer takes participants.');
		const byLink = await new Client(suite.server.url, '192.0.2.30').get(`/j/${ws.joinCode}`);
		expect(byLink.status).toBe(410);
		const joinAttempt = await join(new Client(suite.server.url, '192.0.2.30'), ws, 'Too Late');
		expect(joinAttempt.status).toBe(410);
	});

	test('a removed participant stays out on that device and under that name until let back in, and comes back as they were', async () => {
		const ws = await workshop('Removal');
		const phone = new Client(suite.server.url, '192.0.2.40');
		expect((await join(phone, ws, 'Rex Removed', 'Marketing')).type).toBe('redirect');
		expect(phone.cookies.has('cg_device')).toBe(true);
		const rex = (await people(ws)).present['Rex Removed']!;
		expect((await act(ws, 'removeParticipant', { participantId: rex })).type).toBe('success');
		expect((await phone.get(`/w/${ws.workshopId}`)).status).toBe(401);

		// The same phone, with the code: told so, whatever name it tries.
		const page = await phone.get(`/j/${ws.joinCode}`);
		expect(page.status).toBe(403);
		expect(await page.text()).toContain('The facilitator removed you from this workshop');
		const again = await join(phone, ws, 'Totally Someone Else');
		expect(again.status).toBe(403);
		expect(errorsOf(again).form).toMatch(
			/removed you from this workshop\. Ask them to let you back in/
		);
		// Another device under that name (whatever its case and spacing).
		const laptop = new Client(suite.server.url, '192.0.2.41');
		const sameName = await join(laptop, ws, '  rex   REMOVED ');
		expect(sameName.status).toBe(403);
		expect(errorsOf(sameName).displayName).toMatch(/removed someone of that name/);
		let list = await people(ws);
		expect(Object.keys(list.present)).toEqual([]);
		expect(list.removed).toEqual({ 'Rex Removed': rex });

		// Let back in: the same phone resumes as the same participant, in the same team.
		expect((await act(ws, 'letBackIn', { participantId: rex })).type).toBe('success');
		const back = await phone.get(`/j/${ws.joinCode}`);
		expect(back.status).toBe(303);
		expect(back.headers.get('location')).toBe(`/w/${ws.workshopId}`);
		const room = await (await phone.get(`/w/${ws.workshopId}`)).text();
		expect(room).toContain('Rex Removed');
		expect(room).toMatch(/data-testid="my-team"[^>]*>\s*Marketing/);
		list = await people(ws);
		expect(list.present).toEqual({ 'Rex Removed': rex });
		expect(list.removed).toEqual({});

		// Bad requests change nothing.
		const unknown = await act(ws, 'letBackIn', { participantId: 'aaaaaaaaaaaaaaaa' });
		expect(unknown.status).toBe(404);
		expect(errorsOf(unknown).participantId).toMatch(/Nobody of that id was removed/);
		expect((await act(ws, 'letBackIn', { participantId: rex })).status).toBe(404);
		const byParticipant = await phone.action(`/workshops/${ws.workshopId}?/letBackIn`, {
			participantId: rex
		});
		expect(byParticipant.type).toBe('redirect');
		expect(byParticipant.location).toMatch(/^\/signin/);
	});

	test('with admission required, a joiner waits and reaches nothing (pages, API, documents, votes) until admitted; refused, they stay out', async () => {
		const ws = await workshop('Admission');
		expect((await act(ws, 'requireAdmission', { required: 'yes' })).status).toBe(400);
		expect((await act(ws, 'requireAdmission', { required: 'true' })).type).toBe('success');
		expect(await (await facilitator.get(`/workshops/${ws.workshopId}`)).text()).toContain(
			'You let each joiner in.'
		);

		const wanda = new Client(suite.server.url, '192.0.2.50');
		const joined = await join(wanda, ws, 'Wanda Waiting');
		expect(joined).toMatchObject({ type: 'redirect', location: `/w/${ws.workshopId}` });
		const room = await wanda.get(`/w/${ws.workshopId}`);
		expect(room.status).toBe(303);
		expect(room.headers.get('location')).toBe(`/w/${ws.workshopId}/waiting`);
		const waiting = await wanda.get(`/w/${ws.workshopId}/waiting`);
		expect(waiting.status).toBe(200);
		expect(await waiting.text()).toContain('Waiting for the facilitator to let you in');

		const notYet = /^The facilitator has not let you in yet\./;
		const api = `/api/workshops/${ws.workshopId}`;
		for (const [method, path, body] of [
			['GET', `${api}/polls`, undefined],
			['GET', `${api}/agreements`, undefined],
			['POST', `${api}/stages/focus-value/cards`, { text: 'a stranger’s card' }],
			['POST', `${api}/stages/focus-value/done`, { done: true }]
		] as const) {
			const answer = await wanda.json(method, path, body);
			expect(answer.status, path).toBe(403);
			expect(String(answer.body.message), path).toMatch(notYet);
		}
		// No voting token either: a stranger waiting at the door cannot vote.
		const pollId = await createPoll(facilitator, ws.workshopId, {
			kind: 'scale',
			question: 'How sure are you?'
		});
		expect((await controlPoll(facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
		const keys = (await facilitator.json('GET', `${api}/polls/${pollId}`)).body.poll as {
			keys: { id: string }[];
		};
		const token = await wanda.json('POST', `${api}/polls/${pollId}/token`, {
			keyId: keys.keys[0]!.id,
			blindedMessage: Buffer.alloc(256, 1).toString('base64url')
		});
		expect(token.status).toBe(403);
		expect(String(token.body.message)).toMatch(notYet);
		for (const doc of [roomDocName(ws.workshopId), stageDocName(ws.workshopId, 'focus-value')]) {
			const refused = await upgrade(suite.server.url, doc, wanda);
			expect(refused.status, doc).toBe(403);
			expect(refused.text, doc).toMatch(notYet);
		}

		// The facilitator sees who waits; nobody is counted in the room yet.
		let list = await people(ws);
		expect(Object.keys(list.waiting)).toEqual(['Wanda Waiting']);
		expect(list.present).toEqual({});

		// Admitted: the same session now reaches the room and its documents.
		expect((await act(ws, 'admit', { participantId: list.waiting['Wanda Waiting']! })).type).toBe(
			'success'
		);
		expect((await wanda.get(`/w/${ws.workshopId}/waiting`)).headers.get('location')).toBe(
			`/w/${ws.workshopId}`
		);
		expect((await wanda.get(`/w/${ws.workshopId}`)).status).toBe(200);
		expect((await wanda.json('GET', `${api}/polls`)).status).toBe(200);
		const peer = connectPeer(suite.server.url, wanda, roomDocName(ws.workshopId));
		peers.push(peer);
		await peer.whenSynced();
		// The projector counts her in her team, during a stage too: the room sees how many.
		const moved = await facilitator.json('POST', `${api}/live`, {
			action: 'goTo',
			stageKey: 'focus-value'
		});
		expect(moved.status).toBe(200);
		const projectorCount = async (team: string) => {
			const html = await (await facilitator.get(`/workshops/${ws.workshopId}/projector`)).text();
			const m = new RegExp(
				`data-testid="projector-here-${team}"[^>]*><strong>(\\d+)</strong> here`
			);
			return m.exec(html)?.[1];
		};
		await expect.poll(() => projectorCount('Sales')).toBe('1');
		expect(await projectorCount('Marketing')).toBe('0');

		// Refused: their session ends, the waiting page says so, and the device stays out.
		const rick = new Client(suite.server.url, '192.0.2.51');
		await join(rick, ws, 'Rick Refused', 'Marketing');
		list = await people(ws);
		expect((await act(ws, 'refuse', { participantId: list.waiting['Rick Refused']! })).type).toBe(
			'success'
		);
		const told = await rick.get(`/w/${ws.workshopId}/waiting`);
		expect(told.status).toBe(403);
		expect(await told.text()).toContain('The facilitator did not let you in');
		expect((await upgrade(suite.server.url, roomDocName(ws.workshopId), rick)).status).toBe(401);
		expect((await join(rick, ws, 'Rick Again')).status).toBe(403);
		list = await people(ws);
		expect(Object.keys(list.removed)).toEqual(['Rick Refused']);
		expect(list.waiting).toEqual({});

		// Admit all, then letting joiners straight in lets in whoever still waits.
		const a = new Client(suite.server.url, '192.0.2.52');
		const b = new Client(suite.server.url, '192.0.2.53');
		await join(a, ws, 'Ann');
		await join(b, ws, 'Ben');
		expect(Object.keys((await people(ws)).waiting).sort()).toEqual(['Ann', 'Ben']);
		expect((await act(ws, 'admitAll')).type).toBe('success');
		expect((await a.get(`/w/${ws.workshopId}`)).status).toBe(200);
		expect((await b.get(`/w/${ws.workshopId}`)).status).toBe(200);
		const c = new Client(suite.server.url, '192.0.2.54');
		await join(c, ws, 'Cy');
		expect((await c.get(`/w/${ws.workshopId}`)).status).toBe(303);
		expect((await act(ws, 'requireAdmission', { required: 'false' })).type).toBe('success');
		expect((await c.get(`/w/${ws.workshopId}`)).status).toBe(200);
		const d = new Client(suite.server.url, '192.0.2.55');
		await join(d, ws, 'Di');
		expect((await d.get(`/w/${ws.workshopId}`)).status).toBe(200);
		expect(Object.keys((await people(ws)).present).sort()).toEqual([
			'Ann',
			'Ben',
			'Cy',
			'Di',
			'Wanda Waiting'
		]);

		// Bad requests change nothing.
		const unknown = await act(ws, 'admit', { participantId: 'aaaaaaaaaaaaaaaa' });
		expect(unknown.status).toBe(404);
		expect((await act(ws, 'refuse', { participantId: '' })).status).toBe(400);
		await waitFor('the admitted participant to stay connected', () => peer.provider.wsconnected);
	});

	test('the console admits, refuses and toggles admission through its endpoint; bad input and participants change nothing', async () => {
		const ws = await workshop('Console admission');
		const url = `/api/workshops/${ws.workshopId}/admission`;
		expect((await facilitator.json('GET', url)).body).toEqual({
			requireAdmission: false,
			waiting: []
		});
		const on = await facilitator.json('POST', url, { action: 'requireAdmission', required: true });
		expect(on).toMatchObject({ status: 200, body: { requireAdmission: true } });

		const [x, y, z] = ['192.0.2.60', '192.0.2.61', '192.0.2.62'].map(
			(address) => new Client(suite.server.url, address)
		);
		await join(x!, ws, 'Xena');
		await join(y!, ws, 'Yusuf', 'Marketing');
		await join(z!, ws, 'Zoe');
		const listed = await facilitator.json('GET', url);
		const waiting = listed.body.waiting as Array<{
			id: string;
			displayName: string;
			teamId: string;
		}>;
		expect(waiting.map((p) => [p.displayName, p.teamId])).toEqual([
			['Xena', ws.teams.Sales],
			['Yusuf', ws.teams.Marketing],
			['Zoe', ws.teams.Sales]
		]);
		const id = (name: string) => waiting.find((p) => p.displayName === name)!.id;

		// Bad input is refused with the reason and changes nothing; so is anyone but the facilitator.
		for (const [body, message] of [
			[{ action: 'admit' }, /participantId/],
			[{ action: 'admit', participantId: 'not an id' }, /not a participant id/],
			[{ action: 'explode' }, /one of admit, refuse, admitAll or requireAdmission/],
			[{ action: 'requireAdmission', required: 'yes' }, /true or false/]
		] as const) {
			const refused = await facilitator.json('POST', url, body);
			expect(refused.status, JSON.stringify(body)).toBe(400);
			expect(String(refused.body.message)).toMatch(message);
		}
		const unknown = await facilitator.json('POST', url, {
			action: 'admit',
			participantId: 'aaaaaaaaaaaaaaaa'
		});
		expect(unknown.status).toBe(404);
		expect((await x!.json('POST', url, { action: 'admitAll' })).status).toBe(403);
		expect((await x!.json('GET', url)).status).toBe(403);
		expect(((await facilitator.json('GET', url)).body.waiting as unknown[]).length).toBe(3);

		const admitted = await facilitator.json('POST', url, {
			action: 'admit',
			participantId: id('Xena')
		});
		expect(
			(admitted.body.waiting as Array<{ displayName: string }>).map((p) => p.displayName)
		).toEqual(['Yusuf', 'Zoe']);
		expect((await x!.get(`/w/${ws.workshopId}`)).status).toBe(200);
		expect(
			(await facilitator.json('POST', url, { action: 'refuse', participantId: id('Yusuf') })).status
		).toBe(200);
		expect((await y!.get(`/w/${ws.workshopId}/waiting`)).status).toBe(403);
		// An admitted participant cannot be "refused" (that is removal, on the people list).
		expect(
			(await facilitator.json('POST', url, { action: 'refuse', participantId: id('Xena') })).status
		).toBe(404);
		const off = await facilitator.json('POST', url, {
			action: 'requireAdmission',
			required: false
		});
		expect(off.body).toEqual({ requireAdmission: false, waiting: [] });
		expect((await z!.get(`/w/${ws.workshopId}`)).status).toBe(200);
		const all = await facilitator.json('POST', url, { action: 'admitAll' });
		expect(all).toMatchObject({ status: 200, body: { waiting: [] } });
	});
});
