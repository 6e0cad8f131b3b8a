/**
 * Evidence from a CRM lead report against the real server and database: uploaded after
 * signing by the facilitator or a leader, kept as counts per month only, shown under the
 * measures and as drift on the leadership overview; every refusal (unsigned charter, bad
 * file, wrong person) stores nothing. The last test reads every column of every table for
 * anything of the leads.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/open';
import {
	inviteLeader,
	openLink,
	workshopWithCharterContent,
	type CharterWorkshop
} from '../factories/charter';
import { facilitatorWithWorkshop, joinAs } from '../factories/workshops';
import { oneDatabase } from '../support/databases';
import { Client, uploadAction, type ActionResult } from '../support/http';
import { expectedOf, generateLeads, HUBSPOT_HEADER, leadCsv } from '../support/lead-report';
import { serverForSuite } from '../support/suite';

const leads = generateLeads(10_000, 7);
const csv = leadCsv(leads);
const header = HUBSPOT_HEADER.join(',');
const row = (cells: Partial<Record<string, string>>) =>
	HUBSPOT_HEADER.map((h) => cells[h] ?? '').join(',');
const good = {
	'Record ID': '1',
	'Lead Status': 'Open',
	'HubSpot Score': '70',
	'Became a Marketing Qualified Lead Date': '2027-03-01 10:00'
};

const message = (r: ActionResult) =>
	String((r.data?.errors as { evidence?: string } | undefined)?.evidence ?? r.error?.message);

describe.each(oneDatabase('pglite'))('evidence from a CRM lead report on %s', (kind) => {
	const suite = serverForSuite(kind);
	let ws: CharterWorkshop;
	let dana: Client;
	const url = () => suite.server.url;
	const reviewPage = () => `/charters/${ws.workshopId}`;
	const upload = (
		client: Client,
		path: string,
		text: string,
		fields: Record<string, string> = {}
	) =>
		uploadAction(
			client,
			`${path}?/uploadEvidence`,
			{ timeZone: 'UTC', ...fields },
			{
				name: 'leads.csv',
				text
			}
		);

	beforeAll(async () => {
		ws = await workshopWithCharterContent(url());
		dana = new Client(url());
		await openLink(
			dana,
			await inviteLeader(ws, { name: 'Dana Diaz', title: 'CMO', email: 'dana@example.test' })
		);
	});

	test('an unsigned charter refuses the upload, for its facilitator and its leader', async () => {
		const published = await ws.act('publish');
		const version = published.data!.published as { id: string; hash: string };
		for (const [client, path] of [
			[ws.facilitator, ws.charterPath],
			[dana, reviewPage()]
		] as const) {
			const refused = await upload(client, path, csv);
			expect(refused.status).toBe(409);
			expect(message(refused)).toMatch(/no version is signed yet/);
		}
		const signed = await dana.action(`${reviewPage()}?/sign`, {
			versionId: version.id,
			hash: version.hash,
			fullName: 'Dana Diaz',
			title: 'CMO',
			consent: 'yes'
		});
		expect(signed.type).toBe('success');
		const page = await (await ws.facilitator.get(ws.charterPath)).text();
		expect(page).toContain('No lead report uploaded yet');
		expect(page).toContain('Only counts per month are kept');
		expect(page).toMatch(
			/counted in\s*<strong[^>]*>calendar hours<\/strong>\s*\(the charter does not say which/
		);
	});

	test('bad files and the wrong people are refused with the reason, and nothing is stored', async () => {
		const cases: Array<[string, Record<string, string>, number, RegExp]> = [
			[
				'Record ID,Email,Lead Status\n1,a@b.test,Open\n',
				{},
				400,
				/lacks required columns: “Became an MQL \(date\)”, “First sales touch \(date\)”, “Lead score”, “Became an SQL \(date\)”/
			],
			[
				[
					header,
					row(good),
					row({ ...good, 'Became a Sales Qualified Lead Date': '31/02/2027' })
				].join('\n'),
				{},
				400,
				/^Line 3, column “Became a Sales Qualified Lead Date”: “31\/02\/2027” is not a date/
			],
			[
				[header, ...Array.from({ length: 50_001 }, () => '1,,,,,Open,70,2027-03-01,,,')].join('\n'),
				{},
				400,
				/has 50,001 leads; an upload holds at most 50,000/
			],
			[
				[header, row(good), row({ ...good, 'HubSpot Score': '=1+1' })].join('\n'),
				{},
				400,
				/^Line 3, column “HubSpot Score” starts with “=”, which a spreadsheet would run as a formula/
			],
			[
				[header, row({ ...good, 'Lead Status': '@SUM(A1)' })].join('\n'),
				{},
				400,
				/^Line 2, column “Lead Status” starts with “@”/
			],
			[csv, { timeZone: 'Mars/Olympus' }, 400, /“Mars\/Olympus” is not a time zone/],
			[
				csv,
				{ 'column.score': 'Fitness' },
				400,
				/no column named “Fitness” \(chosen for Lead score\)/
			]
		];
		for (const [text, fields, status, pattern] of cases) {
			const refused = await upload(ws.facilitator, ws.charterPath, text, fields);
			expect(refused.status, pattern.source).toBe(status);
			expect(message(refused)).toMatch(pattern);
			// What was typed comes back for the form.
			if (fields.timeZone)
				expect((refused.data?.values as Record<string, string>).timeZone).toBe(fields.timeZone);
		}
		const missing = await upload(
			ws.facilitator,
			ws.charterPath,
			'Record ID,Email,Lead Status\n1,a@b.test,Open\n'
		);
		expect(missing.data?.missing).toEqual(['mqlDate', 'firstTouch', 'score', 'sqlDate']);

		// A participant, another facilitator, and a leader of another workshop's charter.
		const participant = await joinAs(url(), ws.joinCode, ws.teams.Sales!, 'Sly');
		const stranger = await facilitatorWithWorkshop(url());
		const otherLeader = new Client(url());
		const strangerCharter = `/workshops/${stranger.workshopId}/charter`;
		const invited = await stranger.facilitator.action(`${strangerCharter}?/invite`, {
			name: 'Olga Other',
			title: 'CRO',
			email: 'olga@example.test',
			signingOrder: '',
			expiresInDays: '14'
		});
		await openLink(otherLeader, new URL((invited.data!.invited as { link: string }).link).pathname);
		// A small file that would be accepted from the right person: the refusal comes first.
		const small = [header, row(good)].join('\n');
		const byParticipant = await upload(participant, reviewPage(), small);
		expect(byParticipant.status).toBe(403);
		expect(message(byParticipant)).toMatch(/Only the leaders invited/);
		const byParticipantConsole = await upload(participant, ws.charterPath, small);
		expect(byParticipantConsole.type).toBe('redirect');
		const byStranger = await upload(stranger.facilitator, ws.charterPath, small);
		expect(byStranger.status).toBe(404);
		const byStrangerReview = await upload(stranger.facilitator, reviewPage(), small);
		expect(byStrangerReview.status).toBe(403);
		const byOtherLeader = await upload(otherLeader, reviewPage(), small);
		expect(byOtherLeader.status).toBe(403);
		expect(message(byOtherLeader)).toMatch(/another workshop’s charter/);

		for (const client of [ws.facilitator, dana]) {
			const page = await (await client.get(client === dana ? reviewPage() : ws.charterPath)).text();
			expect(page).toContain('No lead report uploaded yet');
		}
	});

	test('the facilitator’s upload fills the measures with each month’s shares, exact to the lead', async () => {
		const result = await upload(ws.facilitator, ws.charterPath, csv);
		expect(result.type).toBe('success');
		const evidence = result.data!.evidence as {
			rows: number;
			periods: string[];
			exportKind: string;
		};
		expect(evidence.rows).toBe(10_000);
		expect(evidence.exportKind).toBe('HubSpot');
		const expected = leads.flatMap((l) => {
			const e = expectedOf(l, { slaHours: 24, threshold: 65, business: false });
			return e ? [e] : [];
		});
		const june = expected.filter((e) => e.period === '2027-06');
		expect(evidence.periods).toEqual([
			'2027-01',
			'2027-02',
			'2027-03',
			'2027-04',
			'2027-05',
			'2027-06'
		]);
		const within = june.filter((e) => e.isWithinSla).length;
		const atThreshold = june.filter((e) => e.isAtThreshold).length;
		const page = await (await ws.facilitator.get(ws.charterPath)).text();
		expect(page).toContain(`${within} of ${june.length} MQLs (2027-06)`);
		expect(page).toContain(`${atThreshold} of ${june.length} MQLs (2027-06)`);
		expect(page).toContain('100% within 24 calendar hours');
		expect(page).toContain('100% at 65 or more');
		const leaderPage = await (await dana.get(reviewPage())).text();
		expect(leaderPage).toContain('Measures since signing');
		expect(leaderPage).toContain(`${within} of ${june.length} MQLs (2027-06)`);
		expect(leaderPage).toContain('Upload lead report');
	});

	test('a leader’s upload adds a month, and the leadership overview shows the drift', async () => {
		const july = [
			header,
			row({
				...good,
				'Became a Marketing Qualified Lead Date': '2027-07-01 09:00',
				'Date of first engagement': '2027-07-01 10:00',
				'Became a Sales Qualified Lead Date': '2027-07-03'
			}),
			row({
				...good,
				'Became a Marketing Qualified Lead Date': '2027-07-02 09:00',
				'Date of first engagement': '2027-07-05 09:00',
				'Lead Status': 'Nurture'
			})
		].join('\n');
		const result = await upload(dana, reviewPage(), july);
		expect(result.type).toBe('success');
		const overview = await (await dana.get('/leadership')).text();
		expect(overview).toContain('Drift from the charter (CRM evidence)');
		expect(overview).toContain(
			'MQLs touched by sales within the SLA (CRM)</strong>: 1 of 2 MQLs (2027-07)'
		);
		expect(overview).toContain(
			'Leads returned to nurture without a reason (CRM)</strong>: 1 of 1 returned leads (2027-07)'
		);
		expect(overview).not.toMatch(/MQLs at or above the agreed score \(CRM\)<\/strong>/);
	});

	test('the database holds counts only: no email, name, phone number or record id of any lead', async () => {
		await suite.server.stop();
		const database = await openDatabase({ ...suite.database.options, migrationsDir: 'drizzle' });
		let dump = '';
		let months: Record<string, unknown>[] = [];
		try {
			const rows = async (query: string) => {
				const result = (await database.db.execute(sql.raw(query))) as unknown;
				return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
					string,
					unknown
				>[];
			};
			const tables = await rows(
				`select table_name from information_schema.tables where table_schema = 'public' order by 1`
			);
			expect(tables.length).toBeGreaterThan(10);
			for (const { table_name } of tables) {
				for (const r of await rows(`select * from "${String(table_name)}"`)) {
					for (const value of Object.values(r)) {
						dump +=
							'\n' +
							(value instanceof Uint8Array
								? Buffer.from(value).toString('latin1')
								: value instanceof Date
									? value.toISOString()
									: JSON.stringify(value));
					}
				}
			}
			months = await rows(`select period, mqls from crm_evidence_period order by period`);
		} finally {
			await database.close();
		}
		expect(months.map((m) => m.period)).toEqual([
			'2027-01',
			'2027-02',
			'2027-03',
			'2027-04',
			'2027-05',
			'2027-06',
			'2027-07'
		]);
		// The dump is real: it holds what people typed in this suite.
		expect(dump).toContain('Dana Diaz');
		const found = leads.flatMap((l) =>
			[
				l.email,
				l.recordId,
				l.lastName,
				`+44 20 7946 ${String(l.line % 10000).padStart(4, '0')}`
			].filter((s) => dump.includes(s))
		);
		expect(found).toEqual([]);
		expect(dump).not.toContain('@example-lead.test');
	});
});
