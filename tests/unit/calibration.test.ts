import { describe, expect, test } from 'vitest';
import {
	checkTypedLead,
	decodeLeadFile,
	leadsFromFile,
	readLeadFile
} from '../../src/lib/domain/calibration/leads';
import { isFormula } from '../../src/lib/domain/csv';
import { mostSplit, publishCalibration } from '../../src/lib/domain/calibration/results';
import { UNANIMOUS_NOTE } from '../../src/lib/domain/calibration/kappa';
import { checkChoice, type PollRules } from '../../src/lib/domain/polls';
import { castBody } from '../../src/lib/client/voting-token';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('a lead file', () => {
	test('a byte-order mark is dropped and a semicolon-separated export is read', () => {
		const file = readLeadFile(decodeLeadFile(bytes('\ufeffRef;Industry;Budget\nL-1;Retail;Yes')));
		expect(file.columns.map((c) => [c.name, c.field])).toEqual([
			['Ref', 'reference'],
			['Industry', 'industry'],
			['Budget', 'budget']
		]);
		expect(leadsFromFile(file)).toEqual([
			{ id: 'l1', reference: 'L-1', fields: { industry: 'Retail', budget: 'Yes' } }
		]);
	});

	test('formulas are refused in kept cells only, whatever starts them; a lone "-" is not one', () => {
		for (const cell of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
			expect(isFormula(cell)).toBe(true);
		for (const cell of ['-', 'a=b', ' =1', '']) expect(isFormula(cell)).toBe(false);
		const file = readLeadFile('Lead,Industry,Phone\nL-1,-,+44 20 7946 0000\nL-2,"\tTabbed",');
		expect(() => leadsFromFile(file, { Phone: 'drop' })).toThrow(
			/Line 3, column “Industry” starts with a tab/
		);
		const fine = readLeadFile('Lead,Industry,Phone\nL-1,-,+44 20 7946 0000');
		// The phone column is personal data, dropped unless kept on purpose; kept, it is refused.
		expect(leadsFromFile(fine)[0]!.fields).toEqual({ industry: '-' });
		expect(() => leadsFromFile(fine, { Phone: 'notes' })).toThrow(/starts with “\+”/);
	});

	test('mapping rules: two columns to one field, a column the file lacks, nothing left to judge', () => {
		const file = readLeadFile('Lead,Source,Channel\nL-1,Web,Ads');
		expect(() => leadsFromFile(file)).toThrow(
			'“Source” and “Channel” both go to Source: drop one of them.'
		);
		expect(() => leadsFromFile(file, { Colour: 'drop' })).toThrow(
			'The file has no column named “Colour”.'
		);
		expect(() => leadsFromFile(file, { Source: 'drop', Channel: 'drop' })).toThrow(
			/Keep at least one column besides the reference/
		);
		expect(leadsFromFile(file, { Channel: 'campaign' })[0]!.fields).toEqual({
			source: 'Web',
			campaign: 'Ads'
		});
	});

	test('unclosed quotes, uneven lines, a null character and an empty file are refused with the line to fix', () => {
		expect(() => decodeLeadFile(bytes('Lead,Notes\nL-1,ok\nL-2,x\u0000y'))).toThrow(
			/^Line 3 holds a null character, which cannot be stored/
		);
		expect(() => readLeadFile('Lead,Notes\nL-1,"never closed')).toThrow(
			'Line 2 has a quotation mark that is never closed: check the quotes on that line.'
		);
		expect(() => readLeadFile('Lead,Notes\nL-1,a,b')).toThrow(
			'Line 2 has 3 cells where the first line names 2 columns: check its commas and quotes.'
		);
		expect(() => readLeadFile('')).toThrow(/The file is empty/);
		expect(() => readLeadFile('Lead,\nL-1,x')).toThrow(
			'Column 2 has no name: name it or remove it.'
		);
	});

	test('personal data: addresses and phone numbers by their look, full names by header or look', () => {
		const file = readLeadFile(
			'Lead,Owner,Industry,Notes\nL-1,Ana Lima,Financial Services,call ana@example.com\nL-2,Tom Becker,Retail,'
		);
		expect(file.columns.map((c) => c.personal?.kind ?? null)).toEqual([
			null,
			'name',
			null,
			'email'
		]);
	});

	test('a typed lead obeys the same rules', () => {
		expect(checkTypedLead({ reference: '', fields: { industry: ' Retail ', budget: '' } })).toEqual(
			{
				reference: '',
				fields: { industry: 'Retail' }
			}
		);
		expect(() => checkTypedLead({ reference: '=A1', fields: { industry: 'x' } })).toThrow(
			/The reference starts with “=”/
		);
		expect(() => checkTypedLead({ reference: '', fields: { budget: ' ' } })).toThrow(
			/at least one field/
		);
	});
});

describe('a calibration ballot and its result', () => {
	const leads = Array.from({ length: 40 }, (_, i) => `l${i + 1}`);
	const rules: PollRules = {
		kind: 'classification',
		options: ['MQL', 'SQL', 'Nurture'].map((label, i) => ({ id: `c${i + 1}`, label })),
		dotBudget: null,
		dotMaxPerCard: null,
		k: 3,
		maxObjectionPercent: 0,
		leads,
		criteria: ['budget', 'companySize']
	};

	test('a full ballot of 40 leads fits the ballot endpoint’s 4 KiB', () => {
		const choice = leads.map((lead) => ({ lead, category: 'c3', criterion: 'companySize' }));
		expect(checkChoice(rules, choice)).toEqual(choice);
		const token = {
			keyId: 'f'.repeat(64),
			message: 'm'.repeat(86),
			signature: 's'.repeat(342),
			tracker: ''
		};
		expect(JSON.stringify(castBody(token, choice)).length).toBeLessThan(4096);
	});

	test('per-team figures follow the k rule; leads are ranked by how split the teams are', () => {
		const ballot = (teamId: string, pick: (i: number) => string) => ({
			teamId,
			classifications: leads
				.slice(0, 4)
				.map((lead, i) => ({ lead, category: pick(i), criterion: null }))
		});
		const calibrationRules = { leads: leads.slice(0, 4), categories: rules.options, k: 3 };
		const sales = (i: number) => (i === 2 ? 'c2' : 'c1');
		const marketing = (i: number) => (i === 2 ? 'c3' : 'c1');
		const shown = publishCalibration(
			calibrationRules,
			['s', 'm'],
			[...Array(3)].flatMap(() => [ballot('s', sales), ballot('m', marketing)])
		);
		expect(shown.teams.map((t) => t.isHidden)).toEqual([false, false]);
		// Each team agrees within itself; between them, lead 3 splits entirely.
		expect(shown.teams[0]!.agreement!.kappa).toBe(1);
		expect(shown.betweenTeams!.percent).toBe(75);
		expect(mostSplit(shown).map((l) => l.leadId)).toEqual(['l3']);
		expect(mostSplit(shown)[0]!.teams).toEqual([
			{ teamId: 's', counts: { c1: 0, c2: 3, c3: 0 } },
			{ teamId: 'm', counts: { c1: 0, c2: 0, c3: 3 } }
		]);

		// A team of 2: hidden, and the other with it; two voters in all: nothing is shown.
		const small = publishCalibration(
			calibrationRules,
			['s', 'm'],
			[
				ballot('s', sales),
				ballot('s', sales),
				ballot('s', sales),
				ballot('m', marketing),
				ballot('m', marketing)
			]
		);
		expect(small.teams.map((t) => [t.isHidden, t.agreement])).toEqual([
			[true, null],
			[true, null]
		]);
		expect(small.betweenTeams).toBeNull();
		expect(small.overall).not.toBeNull();
		const tiny = publishCalibration(
			calibrationRules,
			['s', 'm'],
			[ballot('s', sales), ballot('m', sales)]
		);
		expect(tiny).toMatchObject({ isShown: false, overall: null, criteria: [], undecided: 0 });
		expect(tiny.leads.every((l) => l.counts === null && l.split === null)).toBe(true);

		// Two ballots of a team removed since ('x': its people moved to Sales) count in the
		// overall; Sales is hidden with them, or the overall minus Sales would give them away.
		const removed = publishCalibration(
			calibrationRules,
			['s', 'm'],
			[
				...[...Array(3)].map(() => ballot('s', sales)),
				ballot('x', marketing),
				ballot('x', marketing)
			]
		);
		expect(removed.isShown).toBe(true);
		expect(removed.teams.find((t) => t.teamId === 's')!.isHidden).toBe(true);
		expect(removed.leads.every((l) => l.teams.every((t) => t.counts === null))).toBe(true);
	});

	test('everyone puts every lead in one category: percent agreement, and the words for the missing kappa', () => {
		const result = publishCalibration(
			{ leads: ['l1', 'l2'], categories: rules.options, k: 3 },
			['s'],
			[...Array(4)].map(() => ({
				teamId: 's',
				classifications: ['l1', 'l2'].map((lead) => ({ lead, category: 'c1', criterion: 'budget' }))
			}))
		);
		expect(result.overall).toMatchObject({
			kappa: null,
			percent: 100,
			undefinedReason: UNANIMOUS_NOTE
		});
		expect(result.criteria).toEqual([{ criterion: 'budget', decided: 8 }]);
		expect(mostSplit(result)).toEqual([]);
	});
});
