/**
 * A calibration stage against the real server and database, on PGlite and PostgreSQL: the lead
 * file's rules (each refusal changes nothing), round 1 with the classification rules of the
 * ballot protocol, the reveal under the k rule, round 2 after the wording is revised on Shared
 * terms, an agreement citing the round as buyer evidence, and the charter's calibration section
 * in the JSON export. One server and one workshop for the whole suite.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { roomDocName } from '../../src/lib/collab/doc-names';
import { readCalibration } from '../../src/lib/collab/calibration';
import { readPolls, readResults } from '../../src/lib/collab/polls';
import { fleiss, betweenGroups } from '../../src/lib/domain/calibration/kappa';
import type { CalibrationResult } from '../../src/lib/domain/calibration/results';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { oneDatabase } from '../support/databases';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { serverForSuite } from '../support/suite';
import { controlPoll, Voter } from '../support/voting';

const HEADER = 'Lead,Source,Campaign,Employees,Industry,Engagement,Budget,Timeline,Region,Email';
const LEADS = Array.from(
	{ length: 12 },
	(_, i) =>
		`L-${101 + i},Webinar,Q3 launch,${50 * (i + 1)},Logistics,${i + 2} visits,${i % 2 ? 'Yes' : 'Unknown'},Q${(i % 4) + 1},EMEA,buyer${i}@example.com`
);
const CSV = [HEADER, ...LEADS].join('\r\n');

type Categories = { MQL: string; SAL: string; SQL: string; Nurture: string; Disqualified: string };

describe.each(oneDatabase('postgres'))('calibration on %s', (kind) => {
	const suite = serverForSuite(kind);
	let ws: FacilitatorWithWorkshop;
	let sales: Voter[];
	let marketing: Voter[];
	let room: Peer;
	let cat: Categories;
	let leadIds: string[];
	let round1: string;
	let round2: string;

	const api = () => `/api/workshops/${ws.workshopId}/calibration/calibration`;
	const view = async () =>
		(await ws.facilitator.json('GET', api())).body as { leads: { id: string }[] };

	async function upload(
		file: string | Uint8Array<ArrayBuffer>,
		fields: Record<string, string> = {},
		client = ws.facilitator
	) {
		const form = new FormData();
		form.set('file', new Blob([file], { type: 'text/csv' }), 'leads.csv');
		for (const [k, v] of Object.entries(fields)) form.set(k, v);
		const response = await client.get(`${api()}/leads`, {
			method: 'POST',
			body: form,
			headers: { origin: suite.server.url, accept: 'application/json' }
		});
		return {
			status: response.status,
			body: (await response.json().catch(() => ({}))) as Record<string, unknown>
		};
	}

	/** One voter's ballot: `pick(leadIndex)` → category id, all with the same criterion. */
	const ballot = (pick: (i: number) => string, criterion: string | null = null) =>
		leadIds.map((lead, i) => ({ lead, category: pick(i), criterion }));

	beforeAll(async () => {
		const url = suite.server.url;
		ws = await facilitatorWithWorkshop(url);
		const join = async (team: string, name: string) =>
			new Voter(
				await joinAs(url, ws.joinCode, ws.teams[team]!, name),
				ws.workshopId,
				name,
				ws.teams[team]!
			);
		sales = [await join('Sales', 'Sam'), await join('Sales', 'Sia'), await join('Sales', 'Sol')];
		marketing = [
			await join('Marketing', 'Mia'),
			await join('Marketing', 'Max'),
			await join('Marketing', 'Mo')
		];
		room = connectPeer(url, ws.facilitator, roomDocName(ws.workshopId));
		await room.whenSynced();
		return () => room.destroy();
	});

	test('a lead file is refused, with words and nothing stored, when it breaks a rule', async () => {
		const refusals: [string | Uint8Array<ArrayBuffer>, Record<string, string>, number, RegExp][] = [
			[HEADER + '\r\n', {}, 400, /names its columns but has no leads/],
			[
				[HEADER, ...Array.from({ length: 41 }, () => LEADS[0])].join('\n'),
				{},
				400,
				/has 41 leads; a calibration sample is at most 40/
			],
			[
				CSV,
				{},
				400,
				/The column “Region” is not one of the lead fields: map it to a field or drop it/
			],
			[
				'Lead,Budget,budget\nL-1,Yes,No',
				{},
				400,
				/Two columns are named “budget”: rename or remove one of them/
			],
			['a'.repeat(1024 * 1024 + 1), {}, 413, /larger than 1 MiB/],
			[
				new Uint8Array([...Buffer.from('Lead,Industry\nL-1,Caf'), 0xe9, 0x0a]),
				{},
				400,
				/not UTF-8 text/
			],
			[
				'Lead,Budget\nL-1,"=HYPERLINK(""http://x"")"',
				{},
				400,
				/Line 2, column “Budget” starts with “=”, which a spreadsheet would run as a formula/
			],
			[
				CSV,
				{ mapping: JSON.stringify({ Region: 'favouriteColour' }) },
				400,
				/one of the lead fields/
			]
		];
		for (const [file, fields, status, message] of refusals) {
			const answer = await upload(file, fields);
			expect({ status: answer.status, message: answer.body.message }).toEqual({
				status,
				message: expect.stringMatching(message)
			});
		}
		// Only the facilitator loads leads.
		expect((await upload(CSV, { mapping: '{}' }, sales[0]!.client)).status).toBe(403);
		// A typed lead follows the same rules.
		const typed = await ws.facilitator.json('POST', `${api()}/leads`, {
			fields: { budget: '@SUM(A1)' }
		});
		expect(typed).toMatchObject({ status: 400, body: { message: /starts with “@”/ } });
		expect((await view()).leads).toEqual([]);
	});

	test('the preview names the columns that look like personal data; the import drops them unless told otherwise', async () => {
		const preview = await upload(
			'Lead,Contact,Phone,Email,Industry\nL-1,Ana Lima,+44 20 7946 0000,ana@example.com,Retail',
			{ preview: '1' }
		);
		expect(preview.status).toBe(200);
		const columns = preview.body.columns as { name: string; personal: { kind: string } | null }[];
		expect(columns.map((c) => [c.name, c.personal?.kind ?? null])).toEqual([
			['Lead', null],
			['Contact', 'name'],
			['Phone', 'phone'],
			['Email', 'email'],
			['Industry', null]
		]);
		expect((await view()).leads).toEqual([]);

		const imported = await upload(CSV, {
			mapping: JSON.stringify({ Region: 'notes', Employees: 'companySize' })
		});
		expect(imported.status).toBe(201);
		const leads = imported.body.leads as { id: string; reference: string; fields: object }[];
		expect(leads).toHaveLength(12);
		expect(leads[0]).toEqual({
			id: 'l1',
			reference: 'L-101',
			fields: {
				source: 'Webinar',
				campaign: 'Q3 launch',
				companySize: '50',
				industry: 'Logistics',
				engagement: '2 visits',
				budget: 'Unknown',
				timeline: 'Q1',
				notes: 'EMEA'
			}
		});
		expect(JSON.stringify(leads)).not.toContain('@example.com');
		leadIds = leads.map((l) => l.id);
		await waitFor(
			'the leads in the room',
			() => readCalibration(room.doc).calibration?.leads.length === 12
		);
	});

	test('round 1: every lead classified once per person, anonymously; refusals change nothing; reveal under the k rule', async () => {
		// The categories come from the terms board; the facilitator edits them.
		const defaults = (await ws.facilitator.json('GET', api())).body.categories as {
			id: string;
			label: string;
		}[];
		expect(defaults.map((c) => c.label)).toEqual([
			'MQL',
			'SAL',
			'SQL',
			'Opportunity',
			'Recycled / Nurture',
			'Disqualified'
		]);
		// Taken again from the board, the same terms keep their ids (rounds stay comparable).
		const again = await ws.facilitator.json('POST', api(), { action: 'categoriesFromTerms' });
		expect(again).toMatchObject({ status: 200, body: { categories: defaults } });
		const id = (label: string) => defaults.find((c) => c.label === label)!.id;
		const edited = await ws.facilitator.json('POST', api(), {
			action: 'categories',
			categories: [
				{ id: id('MQL'), label: 'MQL' },
				{ id: id('SAL'), label: 'SAL' },
				{ id: id('SQL'), label: 'SQL' },
				{ id: id('Recycled / Nurture'), label: 'Nurture' },
				{ id: id('Disqualified'), label: 'Disqualified' }
			]
		});
		expect(edited.status).toBe(200);
		cat = {
			MQL: id('MQL'),
			SAL: id('SAL'),
			SQL: id('SQL'),
			Nurture: id('Recycled / Nurture'),
			Disqualified: id('Disqualified')
		};
		const twice = await ws.facilitator.json('POST', api(), {
			action: 'categories',
			categories: [{ label: 'MQL' }, { label: 'mql' }]
		});
		expect(twice).toMatchObject({
			status: 400,
			body: { message: 'Two categories are called “mql”.' }
		});

		// Only the facilitator starts a round.
		expect((await sales[0]!.client.json('POST', api(), { action: 'startRound' })).status).toBe(403);
		const started = await ws.facilitator.json('POST', api(), { action: 'startRound' });
		expect(started.status).toBe(201);
		round1 = String(started.body.id);
		await waitFor('round 1 open in the room', () =>
			readPolls(room.doc).some((p) => p.id === round1 && p.status === 'open')
		);
		// The leads are fixed from now on.
		expect((await upload(CSV, { mapping: JSON.stringify({ Region: 'drop' }) })).status).toBe(409);
		const second = await ws.facilitator.json('POST', api(), { action: 'startRound' });
		expect(second).toMatchObject({ status: 409, body: { message: /Round 1 is still open/ } });

		const salesPick = (voter: number) => (i: number) =>
			voter === 2 && i < 2 ? cat.SAL : i < 6 ? cat.SQL : cat.Nurture;
		const marketingPick = (i: number) => (i < 6 ? cat.MQL : i < 9 ? cat.Nurture : cat.Disqualified);

		for (const [n, voter] of sales.entries()) {
			expect((await voter.vote(round1, ballot(salesPick(n), 'budget'))).status).toBe(201);
		}
		expect((await marketing[0]!.vote(round1, ballot(marketingPick, 'engagement'))).status).toBe(
			201
		);

		// Bad classifications: each refused in words, none counted.
		const refusals: [unknown, RegExp][] = [
			[ballot(() => 'c99'), /One of the categories is not one of this round’s categories/],
			[
				[...ballot(marketingPick), { lead: leadIds[0], category: cat.SQL, criterion: null }],
				/same lead twice/
			],
			[ballot(marketingPick).slice(1), /Classify every lead before sending: 1 of 12 is left/],
			[ballot(marketingPick, 'favouriteColour'), /not one of the lead’s fields/],
			[Array.from({ length: 41 }, () => ({})), /at most 40 leads/]
		];
		for (const [choice, message] of refusals) {
			const refused = await marketing[1]!.vote(round1, choice);
			expect({ status: refused.status, message: refused.body.message }).toEqual({
				status: 400,
				message: expect.stringMatching(message)
			});
		}
		// Classifying twice: a second device of the same person gets no token…
		const secondDevice = new Voter(
			marketing[0]!.client,
			ws.workshopId,
			'Mia again',
			ws.teams.Marketing!
		);
		await expect(secondDevice.token(round1)).rejects.toThrow(
			/Your classifications in this round belong to the device/
		);
		// …while the device that holds it may go back and change its ballot until the round closes.
		expect((await marketing[1]!.vote(round1, ballot(marketingPick, 'engagement'))).status).toBe(
			201
		);
		const changed = await marketing[1]!.vote(round1, ballot(marketingPick, 'need'));
		expect(changed).toMatchObject({ status: 200, body: { changed: true } });
		await waitFor(
			'turnout 5',
			() => readPolls(room.doc).find((p) => p.id === round1)?.turnout.voted === 5
		);

		expect((await controlPoll(ws.facilitator, ws.workshopId, round1, 'close')).status).toBe(200);
		const late = await marketing[2]!.vote(round1, ballot(marketingPick));
		expect(late).toMatchObject({
			status: 409,
			body: { message: 'This round is closed: classifications are no longer taken.' }
		});
		expect((await controlPoll(ws.facilitator, ws.workshopId, round1, 'reveal')).status).toBe(200);

		const result = (await waitFor('round 1 revealed', () => readResults(room.doc)[round1]))
			.calibration as CalibrationResult;
		// What the room classified, counted here independently: Sales 3, Marketing 2.
		const order = [cat.MQL, cat.SAL, cat.SQL, cat.Nurture, cat.Disqualified];
		const rows = (picks: ((i: number) => string)[]) =>
			leadIds.map((_, i) => order.map((c) => picks.filter((p) => p(i) === c).length));
		const expected = fleiss(
			rows([salesPick(0), salesPick(1), salesPick(2), marketingPick, marketingPick])
		)!;
		expect(result.voters).toBe(5);
		expect(result.overall!.kappa).toBeCloseTo(expected.kappa!, 10);
		expect(result.overall!.percent).toBeCloseTo(expected.percent, 10);
		// Marketing's 2 are below k = 3: hidden, and Sales with it (it would give Marketing away).
		expect(result.teams.map((t) => [t.voters, t.isHidden, t.agreement])).toEqual([
			[3, true, null],
			[2, true, null]
		]);
		expect(result.betweenTeams).toBeNull();
		expect(result.leads.every((l) => l.teams.every((t) => t.counts === null))).toBe(true);
		// The leads split most come first: the first two (Sales SQL/SAL, Marketing MQL).
		expect(result.leads.slice(0, 2).map((l) => l.leadId)).toEqual(['l1', 'l2']);
		expect(result.leads[0]!.counts).toMatchObject({ [cat.SQL]: 2, [cat.SAL]: 1, [cat.MQL]: 2 });
		expect(result.criteria).toEqual([
			{ criterion: 'budget', decided: 36 },
			{ criterion: 'engagement', decided: 12 },
			{ criterion: 'need', decided: 12 }
		]);
	});

	test('round 2 after the wording is revised on Shared terms: kappa per round, between teams shown for teams of k', async () => {
		const goTo = (stageKey: string) =>
			ws.facilitator.json('POST', `/api/workshops/${ws.workshopId}/live`, {
				action: 'goTo',
				stageKey
			});
		expect((await goTo('shared-terms')).status).toBe(200);
		expect((await goTo('calibration')).status).toBe(200);

		const started = await ws.facilitator.json('POST', api(), { action: 'startRound' });
		expect(started.status).toBe(201);
		round2 = String(started.body.id);
		const agreeing = (i: number) => (i < 6 ? cat.SQL : cat.Nurture);
		for (const voter of [...sales, ...marketing.slice(0, 2)]) {
			expect((await voter.vote(round2, ballot(agreeing, 'need'))).status).toBe(201);
		}
		const mo = (i: number) => (i === 0 ? cat.MQL : agreeing(i));
		expect((await marketing[2]!.vote(round2, ballot(mo))).status).toBe(201);
		for (const step of ['close', 'reveal'] as const) {
			expect((await controlPoll(ws.facilitator, ws.workshopId, round2, step)).status).toBe(200);
		}
		const first = readResults(room.doc)[round1]!.calibration!;
		const second = (await waitFor('round 2 revealed', () => readResults(room.doc)[round2]))
			.calibration as CalibrationResult;
		expect(second.voters).toBe(6);
		expect(second.overall!.kappa!).toBeGreaterThan(first.overall!.kappa!);
		// Both teams have 3: each team's own kappa and the figure between them are shown.
		const order = [cat.MQL, cat.SAL, cat.SQL, cat.Nurture, cat.Disqualified];
		const table = (picks: ((i: number) => string)[]) =>
			leadIds.map((_, i) => order.map((c) => picks.filter((p) => p(i) === c).length));
		const salesTable = table([agreeing, agreeing, agreeing]);
		const marketingTable = table([agreeing, agreeing, mo]);
		expect(second.teams[0]!.agreement).toEqual(fleiss(salesTable));
		expect(second.teams[1]!.agreement!.kappa).toBeCloseTo(fleiss(marketingTable)!.kappa!, 10);
		expect(second.betweenTeams!.kappa).toBeCloseTo(
			betweenGroups([salesTable, marketingTable])!.kappa!,
			10
		);
		expect(second.leads[0]).toMatchObject({ leadId: 'l1', isSplit: false });
		expect(second.leads[0]!.teams[1]!.counts).toMatchObject({ [cat.SQL]: 2, [cat.MQL]: 1 });
	});

	test('an agreement cites round 2 as buyer evidence, and the charter carries the calibration section as typed fields', async () => {
		const created = await ws.facilitator.json(
			'POST',
			`/api/workshops/${ws.workshopId}/agreements`,
			{
				statement: 'An SQL has a budget and a timeline this quarter.'
			}
		);
		const agreementId = String(created.body.id);
		const evidence = `/api/workshops/${ws.workshopId}/agreements/${agreementId}/evidence`;
		expect(
			await ws.facilitator.json('POST', evidence, { kind: 'calibration', roundId: 'nope' })
		).toMatchObject({
			status: 404,
			body: { message: 'This workshop has no such calibration round.' }
		});
		expect(
			(await ws.facilitator.json('POST', evidence, { kind: 'calibration', roundId: round2 })).status
		).toBe(201);
		expect(
			await ws.facilitator.json('POST', evidence, { kind: 'calibration', roundId: round2 })
		).toMatchObject({ status: 409, body: { message: 'This agreement already cites that round.' } });

		const charterPath = `/workshops/${ws.workshopId}/charter`;
		expect((await ws.facilitator.action(`${charterPath}?/recompile`, {})).type).toBe('success');
		const published = await ws.facilitator.action(`${charterPath}?/publish`, {});
		const versionId = (published.data!.published as { id: string }).id;
		const machine = (await (
			await ws.facilitator.get(`/charters/${ws.workshopId}/versions/${versionId}/json`)
		).json()) as {
			calibration: {
				sampleSize: number;
				kappaBefore: number;
				kappaAfter: number;
				kappaBetweenTeamsAfter: number | null;
				rounds: { round: number; classifiers: number; overall: { kappa: number } }[];
				leadsStillSplit: { lead: string }[];
				summary: string;
			}[];
			agreements: {
				statement: string;
				evidence: { kind: string; text: string; roundId?: string }[];
			}[];
		};
		const [section] = machine.calibration;
		const first = readResults(room.doc)[round1]!.calibration!;
		const second = readResults(room.doc)[round2]!.calibration!;
		expect(section).toMatchObject({
			sampleSize: 12,
			kappaBefore: Math.round(first.overall!.kappa! * 10000) / 10000,
			kappaAfter: Math.round(second.overall!.kappa! * 10000) / 10000,
			rounds: [
				{ round: 1, classifiers: 5 },
				{ round: 2, classifiers: 6 }
			],
			leadsStillSplit: []
		});
		expect(section!.kappaBetweenTeamsAfter).not.toBeNull();
		expect(section!.summary).toMatch(
			/Both teams classified the same 12 real leads in 2 rounds\. Agreement on them \(Fleiss’ kappa\) went from -?\d\.\d\d to \d\.\d\d\./
		);
		const cited = machine.agreements.find((a) => a.statement.startsWith('An SQL'))!;
		expect(cited.evidence).toEqual([
			{
				kind: 'calibration',
				roundId: round2,
				source: 'Calibration',
				text: expect.stringMatching(
					/^Calibration round 2: 12 leads classified by 6 people; Fleiss’ kappa \d\.\d\d/
				)
			}
		]);
	});
});
