import { beforeAll, describe, expect, test } from 'vitest';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import {
	createWorkshop,
	facilitatorWithWorkshop,
	joinAs,
	signUpFacilitator,
	teamsOnJoinPage,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { oneDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer } from '../support/realtime';
import type { RunningServer } from '../support/server';
import { serverForSuite } from '../support/suite';

describe.each(oneDatabase('postgres'))('workshops and joining on %s', (kind) => {
	const suite = serverForSuite(kind);
	let server: RunningServer;
	let ws: FacilitatorWithWorkshop;

	beforeAll(async () => {
		server = suite.server;
		ws = await facilitatorWithWorkshop(server.url);
	});

	test('/healthz reports the database kind and version', async () => {
		const response = await fetch(`${server.url}/healthz`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			status: 'ok',
			db: kind,
			version: expect.stringMatching(/^\d+\.\d+\.\d+/)
		});
	});

	test('a new workshop gets a 6-character join code from the unambiguous alphabet and two teams', async () => {
		expect(ws.joinCode).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{6}$/);
		expect(Object.keys(ws.teams).sort()).toEqual(['Marketing', 'Sales']);
		const dashboard = await (await ws.facilitator.get('/dashboard')).text();
		expect(dashboard).toContain('Q3 Alignment');
		expect(dashboard).toContain(ws.joinCode);
	});

	test('creating a workshop with missing or oversized fields answers per field and creates nothing', async () => {
		const { facilitator } = await signUpFacilitator(server.url, 'Empty Handed');
		const missing = await facilitator.action('/workshops/new', {});
		expect(missing.status).toBe(400);
		const errors = missing.data?.errors as Record<string, string>;
		expect(errors.title).toMatch(/title/);
		expect(errors.clientOrganisation).toMatch(/organisation/);
		const long = await facilitator.action('/workshops/new', {
			title: 'x'.repeat(121),
			clientOrganisation: 'Acme'
		});
		expect((long.data?.errors as Record<string, string>).title).toMatch(/at most 120/);
		expect((long.data?.values as Record<string, string>).clientOrganisation).toBe('Acme');
		expect(await (await facilitator.get('/dashboard')).text()).toContain('No workshops yet');
	});

	test('creating a workshop needs a facilitator session', async () => {
		const anonymous = await new Client(server.url).action('/workshops/new', {
			title: 'X',
			clientOrganisation: 'Y'
		});
		expect(anonymous).toMatchObject({
			type: 'redirect',
			location: '/signin?next=%2Fworkshops%2Fnew'
		});
		const participant = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Pat');
		const asParticipant = await participant.action('/workshops/new', {
			title: 'X',
			clientOrganisation: 'Y'
		});
		expect(asParticipant.type).toBe('redirect');
		expect(asParticipant.location).toMatch(/^\/signin/);
	});

	test('another facilitator cannot see or change the workshop', async () => {
		const { facilitator: other } = await signUpFacilitator(server.url, 'Other Facilitator');
		expect((await other.get(`/workshops/${ws.workshopId}`)).status).toBe(404);
		const participant = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Target');
		const page = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
		const participantId = [...page.matchAll(/name="participantId" value="([a-z2-7]+)"/g)].at(
			-1
		)![1]!;
		const attempt = await other.action(`/workshops/${ws.workshopId}?/removeParticipant`, {
			participantId
		});
		expect(attempt.status).toBe(404);
		expect((await participant.get(`/w/${ws.workshopId}`)).status).toBe(200);
	});

	test('an unknown join code gets a 404 page that says so', async () => {
		const response = await new Client(server.url).get('/j/QQQQQQ');
		expect(response.status).toBe(404);
		expect(await response.text()).toContain('No workshop uses the code QQQQQQ');
		const typed = await new Client(server.url).action('/join', { code: 'qqq-qqq' });
		expect(typed.status).toBe(404);
		expect((typed.data?.errors as Record<string, string>).code).toMatch(
			/No workshop uses the code QQQQQQ/
		);
		const short = await new Client(server.url).action('/join', { code: 'AB' });
		expect((short.data?.errors as Record<string, string>).code).toMatch(/6 characters/);
		const found = await new Client(server.url).action('/join', { code: ws.joinCode.toLowerCase() });
		expect(found).toMatchObject({ type: 'redirect', location: `/j/${ws.joinCode}` });
	});

	test("joining without a name or team, or with another workshop's team, is refused and writes nothing", async () => {
		const device = new Client(server.url);
		const empty = await device.action(`/j/${ws.joinCode}`, {});
		expect(empty.status).toBe(400);
		expect(Object.keys(empty.data?.errors as object).sort()).toEqual(['displayName', 'teamId']);

		const { facilitator: other } = await signUpFacilitator(server.url, 'Third');
		const otherWorkshop = await createWorkshop(other, 'Other workshop');
		const foreignTeam = (
			await (await new Client(server.url).get(`/j/${otherWorkshop.joinCode}`)).text()
		).match(/name="teamId" value="([a-z2-7]+)"/)![1]!;
		const wrongTeam = await device.action(`/j/${ws.joinCode}`, {
			displayName: 'Sneaky',
			teamId: foreignTeam
		});
		expect(wrongTeam.status).toBe(400);
		expect((wrongTeam.data?.errors as Record<string, string>).teamId).toMatch(/teams listed/);
		expect(device.cookies.has('cg_participant')).toBe(false);
		const roster = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
		expect(roster).not.toContain('Sneaky');
	});

	test('a participant joins, lands in the waiting room, and resumes on the same device', async () => {
		const phone = await joinAs(
			server.url,
			ws.joinCode,
			ws.teams.Marketing!,
			'Morgan from Marketing'
		);
		const room = await phone.get(`/w/${ws.workshopId}`);
		expect(room.status).toBe(200);
		const html = await room.text();
		expect(html).toContain('Q3 Alignment');
		expect(html).toContain('Morgan from Marketing');
		const again = await phone.get(`/j/${ws.joinCode}`);
		expect(again.status).toBe(303);
		expect(again.headers.get('location')).toBe(`/w/${ws.workshopId}`);
		const roster = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
		expect(roster).toContain('Morgan from Marketing');
	});

	test('a participant session used on another workshop is refused with 403', async () => {
		const phone = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Sam');
		const { facilitator: other } = await signUpFacilitator(server.url, 'Fourth');
		const elsewhere = await createWorkshop(other, 'Somewhere else');
		const response = await phone.get(`/w/${elsewhere.workshopId}`);
		expect(response.status).toBe(403);
		expect(await response.text()).toContain('belongs to another workshop');
		expect((await new Client(server.url).get(`/w/${ws.workshopId}`)).status).toBe(401);
	});

	test('a removed participant is out at once and cannot come back with the old session', async () => {
		const phone = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Removable Rita');
		const token = phone.cookies.get('cg_participant')!;
		const page = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
		const participantId =
			/Removable Rita<\/span>[\s\S]*?name="participantId" value="([a-z2-7]+)"/.exec(page)![1]!;
		const removed = await ws.facilitator.action(`/workshops/${ws.workshopId}?/removeParticipant`, {
			participantId
		});
		expect(removed.type).toBe('success');
		const after = await ws.facilitator.get(`/workshops/${ws.workshopId}`);
		expect(after.status).toBe(200);
		// No longer among who is here; listed as removed, where "Let back in" undoes it.
		const html = await after.text();
		expect(html).not.toMatch(/data-testid="participant-name">Removable Rita</);
		expect(/data-testid="removed-list"[\s\S]*?<\/ul>/.exec(html)?.[0]).toContain('Removable Rita');

		const old = new Client(server.url);
		old.cookies.set('cg_participant', token);
		expect((await old.get(`/w/${ws.workshopId}`)).status).toBe(401);
		// The join page offers a fresh join instead of resuming the removed participant.
		const rejoin = new Client(server.url);
		rejoin.cookies.set('cg_participant', token);
		expect((await rejoin.get(`/j/${ws.joinCode}`)).status).toBe(200);

		const again = await ws.facilitator.action(`/workshops/${ws.workshopId}?/removeParticipant`, {
			participantId
		});
		expect(again.status).toBe(404);
	});
});

describe.each(oneDatabase('postgres'))('what a new workshop starts from on %s', (kind) => {
	const suite = serverForSuite(kind);
	let server: RunningServer;

	beforeAll(() => {
		server = suite.server;
	});

	test("the template, a blank workshop, or a copy of one of the facilitator's own", async () => {
		const { facilitator } = await signUpFacilitator(server.url);
		const fromTemplate = await createWorkshop(facilitator, 'From the template');
		const templateStages = await stageTitles(facilitator, fromTemplate.workshopId);
		expect(templateStages).toEqual([
			'Focus & value',
			'Shared terms',
			'Calibration',
			'Connections',
			'Barriers & incentives',
			'Measures & cadence',
			'Agreements'
		]);

		const blank = await facilitator.action('/workshops/new', {
			title: 'Blank',
			clientOrganisation: 'Acme',
			startFrom: 'blank'
		});
		expect(await stageTitles(facilitator, blank.location!.split('/').at(-1)!)).toEqual([]);

		// What the source's Sales wrote on MQL goes with the copy, to the copy's own Sales.
		const sourceSales = (await teamsOnJoinPage(server.url, fromTemplate.joinCode)).Sales!;
		const source = connectPeer(
			server.url,
			facilitator,
			stageDocName(fromTemplate.workshopId, 'shared-terms')
		);
		await source.whenSynced();
		const mql = listCards(source.doc, 'term').find((t) => t.text === 'MQL')!;
		termText(source.doc, mql.id, TERM_TEXT.wording(sourceSales))!.insert(0, 'Scored over 60');
		await source.ack();
		source.destroy();

		const copy = await facilitator.action('/workshops/new', {
			title: 'Copy',
			clientOrganisation: 'Acme',
			startFrom: `copy:${fromTemplate.workshopId}`
		});
		const copyId = copy.location!.split('/').at(-1)!;
		expect(await stageTitles(facilitator, copyId)).toEqual(templateStages);
		const page = await (await facilitator.get(`/workshops/${copyId}`)).text();
		const joinCode = /data-testid="join-code"[^>]*>\s*([A-Z0-9]{6})\s*</.exec(page)![1]!;
		const copyTeams = await teamsOnJoinPage(server.url, joinCode);
		expect(copyTeams.Sales).not.toBe(sourceSales);
		const terms = connectPeer(server.url, facilitator, stageDocName(copyId, 'shared-terms'));
		const journey = connectPeer(server.url, facilitator, stageDocName(copyId, 'connections'));
		await Promise.all([terms.whenSynced(), journey.whenSynced()]);
		try {
			for (const teamId of Object.values(copyTeams)) {
				for (const term of listCards(terms.doc, 'term')) {
					expect(termText(terms.doc, term.id, TERM_TEXT.wording(teamId)), term.text).not.toBeNull();
				}
			}
			expect(termText(terms.doc, mql.id, TERM_TEXT.wording(copyTeams.Sales!))?.toString()).toBe(
				'Scored over 60'
			);
			const followUp = listCards(journey.doc, 'step').find((c) => c.text.startsWith('Follow-up'));
			expect(followUp?.ownerTeamId).toBe(copyTeams.Sales);
		} finally {
			terms.destroy();
			journey.destroy();
		}
	});

	test("copying another facilitator's workshop or an unknown source is refused and creates nothing", async () => {
		const { facilitator: owner } = await signUpFacilitator(server.url, 'Owner');
		const theirs = await createWorkshop(owner, 'Theirs');
		const { facilitator: other } = await signUpFacilitator(server.url, 'Other');
		for (const startFrom of [
			`copy:${theirs.workshopId}`,
			'copy:aaaaaaaaaaaaaaaa',
			'copy:../x',
			'everything'
		]) {
			const result = await other.action('/workshops/new', {
				title: 'Mine',
				clientOrganisation: 'Acme',
				startFrom
			});
			expect(result.status).toBe(400);
			expect((result.data?.errors as Record<string, string>).startFrom).toMatch(/Choose/);
		}
		expect(await (await other.get('/dashboard')).text()).toContain('No workshops yet');
	});
});

async function stageTitles(facilitator: Client, workshopId: string): Promise<string[]> {
	const html = await (await facilitator.get(`/workshops/${workshopId}`)).text();
	return [...html.matchAll(/data-testid="stage-title"[^>]*>([^<]*)</g)].map((m) =>
		m[1]!.replace(/&amp;/g, '&').trim()
	);
}

describe.each(oneDatabase('postgres'))('preparing the stages on %s', (kind) => {
	const suite = serverForSuite(kind);
	let server: RunningServer;
	let ws: FacilitatorWithWorkshop;

	beforeAll(async () => {
		server = suite.server;
		ws = await facilitatorWithWorkshop(server.url);
	});

	const act = (name: string, fields: Record<string, string>, client = ws.facilitator) =>
		client.action(`/workshops/${ws.workshopId}?/${name}`, fields);

	test('rename a stage and change its prompt and timebox; bad values are refused per field', async () => {
		const saved = await act('updateStage', {
			stageKey: 'shared-terms',
			title: 'Our shared terms',
			prompt: 'One wording per term.',
			timeboxMinutes: '50'
		});
		expect(saved.type).toBe('success');
		expect(await stageTitles(ws.facilitator, ws.workshopId)).toContain('Our shared terms');

		const bad = await act('updateStage', {
			stageKey: 'shared-terms',
			title: '',
			prompt: '',
			timeboxMinutes: '0'
		});
		expect(bad.status).toBe(400);
		const errors = bad.data?.errors as Record<string, string>;
		expect(errors.title).toMatch(/title/);
		expect(errors.timeboxMinutes).toMatch(/at least 1 minute/);
		const fraction = await act('updateStage', {
			stageKey: 'shared-terms',
			title: 'X',
			prompt: '',
			timeboxMinutes: '2.5'
		});
		expect((fraction.data?.errors as Record<string, string>).timeboxMinutes).toMatch(
			/whole number/
		);
		expect(await stageTitles(ws.facilitator, ws.workshopId)).toContain('Our shared terms');

		const unknown = await act('updateStage', {
			stageKey: 'nope',
			title: 'X',
			prompt: '',
			timeboxMinutes: '5'
		});
		expect(unknown.status).toBe(404);
	});

	test('reorder stages; a move to an invalid position or of an unknown stage changes nothing', async () => {
		const before = await stageTitles(ws.facilitator, ws.workshopId);
		expect((await act('moveStage', { stageKey: 'agreements', to: '1' })).type).toBe('success');
		const after = await stageTitles(ws.facilitator, ws.workshopId);
		expect(after[0]).toBe('Agreements');
		expect(after.slice(1)).toEqual(before.filter((t) => t !== 'Agreements'));

		for (const fields of [
			{ stageKey: 'agreements', to: '0' },
			{ stageKey: 'agreements', to: '99' },
			{ stageKey: 'agreements', to: '-1' },
			{ stageKey: 'agreements', to: 'first' },
			{ stageKey: 'unknown', to: '2' }
		]) {
			const result = await act('moveStage', fields);
			expect(result.status).toBe(400);
		}
		expect(await stageTitles(ws.facilitator, ws.workshopId)).toEqual(after);
		await act('moveStage', { stageKey: 'agreements', to: String(after.length) });
	});

	test('add and remove stages; an unknown kind is refused', async () => {
		const added = await act('addStage', {
			title: 'Open discussion',
			kind: 'open',
			prompt: '',
			timeboxMinutes: '15'
		});
		expect(added.type).toBe('success');
		expect((await stageTitles(ws.facilitator, ws.workshopId)).at(-1)).toBe('Open discussion');
		const twice = await act('addStage', {
			title: 'Open discussion',
			kind: 'open',
			prompt: '',
			timeboxMinutes: '15'
		});
		expect(twice.type).toBe('success');
		const html = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
		expect(html).toContain('value="open-discussion-2"');

		const badKind = await act('addStage', {
			title: 'X',
			kind: 'karaoke',
			prompt: '',
			timeboxMinutes: '15'
		});
		expect((badKind.data?.errors as Record<string, string>).kind).toMatch(/kind of stage/);

		expect((await act('removeStage', { stageKey: 'open-discussion-2' })).type).toBe('success');
		expect((await act('removeStage', { stageKey: 'open-discussion-2' })).status).toBe(404);
		expect(
			(await stageTitles(ws.facilitator, ws.workshopId)).filter((t) => t === 'Open discussion')
		).toHaveLength(1);
	});

	test("only the workshop's own facilitator may change its stages", async () => {
		const { facilitator: other } = await signUpFacilitator(server.url, 'Not the owner');
		const participant = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Eager participant');
		const before = await stageTitles(ws.facilitator, ws.workshopId);
		const fields = { stageKey: 'connections', title: 'Hijacked', prompt: '', timeboxMinutes: '5' };
		expect((await act('updateStage', fields, other)).status).toBe(404);
		const asParticipant = await act('updateStage', fields, participant);
		expect(asParticipant.type).toBe('redirect');
		expect(asParticipant.location).toMatch(/^\/signin/);
		expect((await act('removeStage', { stageKey: 'connections' }, other)).status).toBe(404);
		expect(await stageTitles(ws.facilitator, ws.workshopId)).toEqual(before);
	});
});
