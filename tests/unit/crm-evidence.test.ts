import { describe, expect, test } from 'vitest';
import type { CharterContent } from '../../src/lib/domain/charter/content';
import { parseDate } from '../../src/lib/domain/crm-evidence/dates';
import { hoursBetween } from '../../src/lib/domain/crm-evidence/hours';
import {
	EvidenceFileError,
	MAX_LEAD_ROWS,
	readEvidence,
	type EvidenceTerms
} from '../../src/lib/domain/crm-evidence/leads';
import { evidenceLines } from '../../src/lib/domain/crm-evidence/measures';
import { charterTerms } from '../../src/lib/domain/crm-evidence/terms';
import { expectedOf, generateLeads, HUBSPOT_HEADER, leadCsv } from '../support/lead-report';

const CALENDAR: EvidenceTerms = {
	slaHours: 24,
	hourMode: 'calendar',
	timeZone: 'UTC',
	threshold: 65
};
const BUSINESS: EvidenceTerms = { ...CALENDAR, hourMode: 'business', slaHours: 8 };

function refusal(text: string, terms = CALENDAR, mapping = {}): EvidenceFileError {
	try {
		readEvidence(text, terms, mapping);
	} catch (e) {
		if (e instanceof EvidenceFileError) return e;
		throw e;
	}
	throw new Error('the file was accepted');
}

const header = HUBSPOT_HEADER.join(',');
const row = (cells: Partial<Record<string, string>>) =>
	HUBSPOT_HEADER.map((h) => cells[h] ?? '').join(',');
const good = {
	'Record ID': '1',
	'Lead Status': 'Open',
	'HubSpot Score': '70',
	'Became a Marketing Qualified Lead Date': '2027-03-01 10:00'
};

describe('a generated 10,000-lead report with known answers', () => {
	const leads = generateLeads(10_000);
	const csv = leadCsv(leads);

	for (const [name, terms] of [
		['calendar hours', CALENDAR],
		['business hours', BUSINESS]
	] as const) {
		test(`every lead's verdict matches its worked-out answer, on ${name}`, () => {
			const reading = readEvidence(csv, terms);
			const expected = new Map(
				leads.flatMap((l) => {
					const e = expectedOf(l, {
						slaHours: terms.slaHours!,
						threshold: terms.threshold!,
						business: terms.hourMode === 'business'
					});
					return e ? [[l.line, e] as const] : [];
				})
			);
			expect(reading.rows).toBe(10_000);
			expect(reading.verdicts.length).toBe(expected.size);
			expect(reading.notMqls).toBe(10_000 - expected.size);
			// Lead by lead: one comparison of the whole list names any lead that differs.
			expect(
				reading.verdicts.map((v) => ({
					line: v.line,
					period: v.period,
					isWithinSla: v.isWithinSla,
					isAtThreshold: v.isAtThreshold,
					isReturnedToNurture: v.isReturnedToNurture,
					hasReason: v.hasReason,
					isSql: v.isSql
				}))
			).toEqual([...expected].map(([line, e]) => ({ line, ...e })));
			// The month counts are the sums of the leads' answers.
			const months = [...new Set([...expected.values()].map((e) => e.period))].sort();
			expect(reading.periods.map((p) => p.period)).toEqual(months);
			for (const p of reading.periods) {
				const inMonth = [...expected.values()].filter((e) => e.period === p.period);
				expect(p).toEqual({
					period: p.period,
					mqls: inMonth.length,
					withinSla: inMonth.filter((e) => e.isWithinSla).length,
					atThreshold: inMonth.filter((e) => e.isAtThreshold).length,
					returnedToNurture: inMonth.filter((e) => e.isReturnedToNurture).length,
					returnedWithoutReason: inMonth.filter((e) => e.isReturnedToNurture && !e.hasReason)
						.length,
					sqls: inMonth.filter((e) => e.isSql).length
				});
			}
			// Not a trivial answer: some within, some outside the SLA in every month.
			for (const p of reading.periods) {
				expect(p.withinSla).toBeGreaterThan(0);
				expect(p.withinSla).toBeLessThan(p.mqls);
			}
		});
	}
});

describe('business hours', () => {
	const at = (s: string, zone: string) => parseDate(s, zone)!;

	test('count only Monday to Friday, 09:00 to 17:00 in the time zone', () => {
		const z = 'Europe/Berlin';
		expect(hoursBetween(at('2027-03-05 16:00', z), at('2027-03-08 10:00', z), 'business', z)).toBe(
			2
		);
		expect(hoursBetween(at('2027-03-06 12:00', z), at('2027-03-07 20:00', z), 'business', z)).toBe(
			0
		);
		expect(hoursBetween(at('2027-03-08 08:00', z), at('2027-03-08 18:00', z), 'business', z)).toBe(
			8
		);
		// Across the change to summer time (28 March 2027): still 2 business hours.
		expect(hoursBetween(at('2027-03-26 16:00', z), at('2027-03-29 10:00', z), 'business', z)).toBe(
			2
		);
		// The same instants on the calendar clock lose the skipped hour.
		expect(hoursBetween(at('2027-03-26 16:00', z), at('2027-03-29 10:00', z), 'calendar', z)).toBe(
			65
		);
		// New York's business day is 14:00–22:00 UTC in March after its own change.
		const ny = 'America/New_York';
		expect(hoursBetween(Date.UTC(2027, 2, 15, 13), Date.UTC(2027, 2, 15, 23), 'business', ny)).toBe(
			8
		);
	});

	test('a touch before the MQL date counts as no time at all', () => {
		expect(hoursBetween(10, 5, 'business', 'UTC')).toBe(0);
		expect(hoursBetween(10, 5, 'calendar', 'UTC')).toBe(0);
	});
});

describe('dates as the exports write them', () => {
	test('ISO 8601, HubSpot’s and Salesforce’s forms', () => {
		expect(parseDate('2027-03-05T14:30:00Z', 'UTC')).toBe(Date.UTC(2027, 2, 5, 14, 30));
		expect(parseDate('2027-03-05T14:30:00.000+0100', 'UTC')).toBe(Date.UTC(2027, 2, 5, 13, 30));
		expect(parseDate('2027-03-05 14:30', 'Europe/Berlin')).toBe(Date.UTC(2027, 2, 5, 13, 30));
		expect(parseDate('2027-03-05', 'UTC')).toBe(Date.UTC(2027, 2, 5));
		expect(parseDate('3/5/2027 2:30 PM', 'UTC')).toBe(Date.UTC(2027, 2, 5, 14, 30));
		expect(parseDate('12/31/2027 12:05 AM', 'UTC')).toBe(Date.UTC(2027, 11, 31, 0, 5));
		expect(parseDate('  ', 'UTC')).toBeNull();
		for (const bad of ['2027-02-30', '13/1/2027', 'yesterday', '2027-03-05 25:00', '05.03.2027']) {
			expect(parseDate(bad, 'UTC'), bad).toBeUndefined();
		}
	});
});

describe('bad lead reports are refused with the reason, and nothing comes out', () => {
	test('missing required columns are named', () => {
		const e = refusal('Record ID,Email,Lead Status\n1,a@b.test,Open\n');
		expect(e.message).toMatch(/lacks required columns/);
		expect(e.message).toContain('“Became an MQL (date)”');
		expect(e.message).toContain('“First sales touch (date)”');
		expect(e.message).toContain('“Lead score”');
		expect(e.message).toContain('“Became an SQL (date)”');
		expect(e.message).not.toContain('“Lead status”');
		expect(e.missing).toEqual(['mqlDate', 'firstTouch', 'score', 'sqlDate']);
	});

	test('the mapping step reads columns with other names, and names a mapped column the file lacks', () => {
		const text =
			'Stage entered,Touched,Fit,State,Won,Why\n2027-04-01 09:00,2027-04-01 10:00,80,Open,,\n';
		const mapping = {
			mqlDate: 'Stage entered',
			firstTouch: 'touched',
			score: 'Fit',
			status: 'State',
			sqlDate: 'Won',
			nurtureReason: 'Why'
		};
		const reading = readEvidence(text, CALENDAR, mapping);
		expect(reading.exportKind).toBe('other');
		expect(reading.periods).toEqual([
			expect.objectContaining({ period: '2027-04', mqls: 1, withinSla: 1, atThreshold: 1 })
		]);
		expect(refusal(text, CALENDAR, { ...mapping, score: 'Fitness' }).message).toMatch(
			/no column named “Fitness” \(chosen for Lead score\)/
		);
	});

	test('an unparseable date names its line and column', () => {
		const text = [
			header,
			row(good),
			row({ ...good, 'Date of first engagement': 'next Tuesday' })
		].join('\n');
		expect(refusal(text).message).toMatch(
			/^Line 3, column “Date of first engagement”: “next Tuesday” is not a date/
		);
	});

	test('an unclosed quotation mark names the line it opens on', () => {
		const text = [header, row(good), `${row(good)},"never closed`].join('\n');
		expect(refusal(text).message).toBe(
			'Line 3 has a quotation mark that is never closed: check the quotes on that line.'
		);
	});

	test(`more than ${MAX_LEAD_ROWS.toLocaleString('en-GB')} leads are refused`, () => {
		const line = row(good);
		const text = [header, ...Array.from({ length: MAX_LEAD_ROWS + 1 }, () => line)].join('\n');
		expect(refusal(text).message).toMatch(/has 50,001 leads; an upload holds at most 50,000/);
	});

	test('a formula in a read column is refused: =, +, -, @, tab and carriage return', () => {
		for (const [start, words] of [
			['=', '“=”'],
			['+', '“+”'],
			['-', '“-”'],
			['@', '“@”'],
			['\t', 'a tab'],
			['\r', 'a carriage return']
		] as const) {
			const text = [
				header,
				row(good),
				row({ ...good, 'Lead Status': `"${start}HYPERLINK(1)"` })
			].join('\n');
			expect(refusal(text).message, JSON.stringify(start)).toBe(
				`Line 3, column “Lead Status” starts with ${words}, which a spreadsheet would run as a formula. Remove that character from the export and upload it again; nothing was kept.`
			);
		}
		// A lone "-" means none; a phone number in a column the evidence never reads is not looked at.
		const fine = [
			header,
			row({ ...good, 'Nurture Reason': '-', 'Phone Number': '+44 20 7946 0000' })
		];
		expect(readEvidence(fine.join('\n'), CALENDAR).periods[0]!.mqls).toBe(1);
	});

	test('a file with no MQL at all has nothing to measure', () => {
		const text = [header, row({ ...good, 'Became a Marketing Qualified Lead Date': '' })].join(
			'\n'
		);
		expect(refusal(text).message).toMatch(/none became an MQL/);
	});
});

describe('the terms read from the signed charter', () => {
	const content = (definition: Record<string, unknown>, text: string): CharterContent =>
		({
			schema: 'common-ground/charter@1',
			title: 't',
			organisation: 'o',
			workshopTitle: 'w',
			facilitator: 'f',
			participants: [],
			sections: [
				{
					key: 'definitions',
					kind: 'definitions',
					title: 'Definitions',
					intro: '',
					items: [
						{ id: 'a', text, data: { term: 'Hand-off SLA', ...definition } },
						{
							id: 'b',
							text: 'MQL at 65.',
							data: { term: 'Threshold', valueType: 'points', value: 65 }
						}
					]
				}
			]
		}) as CharterContent;

	test('calendar hours unless the charter says otherwise', () => {
		const terms = charterTerms(
			content({ valueType: 'hours', value: 4 }, 'Follow up within 4 hours.')
		);
		expect(terms).toEqual({
			slaHours: 4,
			hourMode: 'calendar',
			isHourModeStated: false,
			timeZone: null,
			threshold: 65
		});
	});

	test('business hours from the definition’s words, with its time zone', () => {
		const terms = charterTerms(
			content({ valueType: 'hours', value: 8 }, 'Within 8 business hours (Europe/Berlin).')
		);
		expect(terms).toMatchObject({
			slaHours: 8,
			hourMode: 'business',
			isHourModeStated: true,
			timeZone: 'Europe/Berlin'
		});
	});

	test('a typed clock wins over the words', () => {
		const terms = charterTerms(
			content({ valueType: 'hours', value: 8, hourMode: 'calendar' }, 'Within 8 working hours.')
		);
		expect(terms.hourMode).toBe('calendar');
	});
});

describe('evidence as measures', () => {
	test('anything under 100 % within the SLA is drift; conversion has no agreed value', () => {
		const base = {
			mqls: 10,
			atThreshold: 10,
			returnedToNurture: 2,
			returnedWithoutReason: 0,
			sqls: 3,
			slaHours: 4,
			hourMode: 'calendar' as const,
			timeZone: 'UTC',
			threshold: 65
		};
		const lines = evidenceLines([
			{ ...base, period: '2027-02', withinSla: 9 },
			{ ...base, period: '2027-01', withinSla: 10 }
		]);
		const sla = lines.find((l) => l.measureId === 'crm-sla-adherence')!;
		expect(sla.status.points).toEqual([
			{ period: '2027-01', value: 100 },
			{ period: '2027-02', value: 90 }
		]);
		expect(sla.isDrift).toBe(true);
		expect(sla.detail).toBe('9 of 10 MQLs (2027-02)');
		expect(lines.find((l) => l.measureId === 'crm-mql-threshold')!.isDrift).toBe(false);
		expect(lines.find((l) => l.measureId === 'crm-nurture-without-reason')!.isDrift).toBe(false);
		expect(lines.find((l) => l.measureId === 'crm-mql-to-sql')!.status.standing).toBe('no-target');
	});
});
