import { describe, expect, test } from 'vitest';
import {
	agreementsWithoutEvidence,
	CHARTER_SCHEMA,
	factsOf,
	isEmptyCharter,
	type CharterContent
} from '../../src/lib/domain/charter/content';
import { describeChange, diffCharters } from '../../src/lib/domain/charter/diff';
import {
	actualFor,
	isPeriod,
	measureStatus,
	readQuantity
} from '../../src/lib/domain/charter/follow-up';
import { mustWaitFor, versionStatus } from '../../src/lib/domain/charter/signing';

function charter(): CharterContent {
	return {
		schema: CHARTER_SCHEMA,
		title: 'Charter',
		organisation: 'Acme',
		workshopTitle: 'Q3',
		facilitator: 'Fay',
		participants: [{ team: 'Sales', count: 2 }],
		sections: [
			{
				key: 'agreements',
				kind: 'agreements',
				title: 'Agreements',
				intro: '',
				items: [
					{
						id: 'a1',
						text: 'Follow up within 24 hours.',
						data: { evidence: [{ kind: 'quote', text: 'Too slow', source: '' }] }
					},
					{ id: 'a2', text: 'Review pipeline monthly.', data: { evidence: [] } },
					{ id: 'a3', text: 'Shared dashboard.', data: {} }
				]
			}
		]
	};
}

describe('charter rules', () => {
	test('the diff names rewording, moving, adding and removing clause by clause', () => {
		const before = charter();
		const after = charter();
		const items = after.sections[0]!.items;
		items[0]!.text = 'Follow up within 12 hours.';
		after.sections[0]!.items = [items[1]!, items[0]!, { id: 'a4', text: 'New one.', data: {} }];
		const changes = diffCharters(before, after).map(describeChange);
		expect(changes).toEqual([
			'Agreements: clause removed: “Shared dashboard.”.',
			'Agreements: “Review pipeline monthly.” moved from position 2 to 1.',
			'Agreements: “Follow up within 24 hours.” now reads “Follow up within 12 hours.”.',
			'Agreements: “Follow up within 12 hours.” moved from position 1 to 2.',
			'Agreements: clause added: “New one.”.'
		]);
		expect(diffCharters(before, charter())).toEqual([]);
	});

	test('agreements without buyer evidence are listed and say so', () => {
		const c = charter();
		expect(agreementsWithoutEvidence(c).map((i) => i.id)).toEqual(['a2', 'a3']);
		expect(factsOf('agreements', c.sections[0]!.items[1]!)).toContainEqual({
			label: 'Buyer evidence',
			value: 'None recorded'
		});
		expect(isEmptyCharter(c)).toBe(false);
		c.sections[0]!.items = [];
		expect(isEmptyCharter(c)).toBe(true);
	});

	test('a measure is on track once it reaches its target, in the target’s direction', () => {
		expect(readQuantity('18%')).toEqual({ value: 18, unit: '%' });
		expect(readQuantity('1,200 leads')).toEqual({ value: 1200, unit: 'leads' });
		expect(readQuantity('about half')).toBeNull();
		const up = { baseline: '18%', target: '25%' };
		expect(measureStatus(up, []).standing).toBe('no-data');
		expect(measureStatus(up, [{ period: '2027-01', value: 21 }]).standing).toBe('off-track');
		const later = measureStatus(up, [
			{ period: '2027-02', value: 26 },
			{ period: '2027-01', value: 21 }
		]);
		expect(later.standing).toBe('on-track');
		expect(later.latest?.period).toBe('2027-02');
		const down = { baseline: '48 h', target: '24 h' };
		expect(measureStatus(down, [{ period: '2027-Q1', value: 30 }]).standing).toBe('off-track');
		expect(measureStatus(down, [{ period: '2027-Q1', value: 20 }]).standing).toBe('on-track');
		expect(measureStatus({ baseline: '', target: 'better' }, []).standing).toBe('no-target');
		expect(['2027-01', '2027-Q4', '2027-13', '2027-Q5', '27-01'].map(isPeriod)).toEqual([
			true,
			true,
			false,
			false,
			false
		]);
	});

	test('a review reads the actual of its month, or of the quarter the month falls in', () => {
		const written = { baseline: '10%', target: '20%' };
		const monthly = measureStatus(written, [
			{ period: '2027-02', value: 12 },
			{ period: '2027-03', value: 15 }
		]);
		expect(actualFor(monthly, '2027-03')?.value).toBe(15);
		expect(actualFor(monthly, '2027-04')).toBeNull();
		const quarterly = measureStatus(written, [{ period: '2027-Q1', value: 14 }]);
		expect(actualFor(quarterly, '2027-02')?.value).toBe(14);
		expect(actualFor(quarterly, '2027-04')).toBeNull();
	});

	test('signing order and charter status', () => {
		const signers = [
			{ inviteId: 'vp', name: 'VP Sales', order: 1, hasSigned: false },
			{ inviteId: 'cmo', name: 'CMO', order: 1, hasSigned: true },
			{ inviteId: 'ceo', name: 'CEO', order: 2, hasSigned: false },
			{ inviteId: 'any', name: 'Any', order: null, hasSigned: false }
		];
		expect(mustWaitFor(signers, 'ceo').map((s) => s.name)).toEqual(['VP Sales']);
		expect(mustWaitFor(signers, 'vp')).toEqual([]);
		expect(mustWaitFor(signers, 'any')).toEqual([]);
		const base = { isPublished: true, isSuperseded: false, signers, hasChangeRequest: false };
		expect(versionStatus({ ...base, isPublished: false })).toBe('draft');
		expect(versionStatus(base)).toBe('in-review');
		expect(versionStatus({ ...base, hasChangeRequest: true })).toBe('changes-requested');
		expect(
			versionStatus({ ...base, signers: signers.map((s) => ({ ...s, hasSigned: true })) })
		).toBe('signed');
		expect(versionStatus({ ...base, isSuperseded: true })).toBe('superseded');
	});
});

describe('editing a draft', () => {
	test('wording, order, leaving out and adding clauses; unknown targets are refused', async () => {
		const { applyEdit, CharterEditError } = await import('../../src/lib/domain/charter/edit');
		const c = charter();
		let next = applyEdit(c, {
			op: 'clause-text',
			section: 'agreements',
			clause: 'a2',
			text: 'Reworded.'
		});
		expect(next.sections[0]!.items[1]!.text).toBe('Reworded.');
		expect(c.sections[0]!.items[1]!.text).toBe('Review pipeline monthly.');
		next = applyEdit(next, {
			op: 'move-clause',
			section: 'agreements',
			clause: 'a1',
			direction: 'down'
		});
		expect(next.sections[0]!.items.map((i) => i.id)).toEqual(['a2', 'a1', 'a3']);
		next = applyEdit(next, {
			op: 'move-clause',
			section: 'agreements',
			clause: 'a2',
			direction: 'up'
		});
		expect(next.sections[0]!.items.map((i) => i.id)).toEqual(['a2', 'a1', 'a3']);
		next = applyEdit(next, { op: 'remove-clause', section: 'agreements', clause: 'a3' });
		next = applyEdit(next, { op: 'add-clause', section: 'agreements', text: 'New.', id: 'n1' });
		expect(next.sections[0]!.items.map((i) => i.id)).toEqual(['a2', 'a1', 'n1']);
		expect(() => applyEdit(c, { op: 'remove-clause', section: 'nope', clause: 'a1' })).toThrow(
			CharterEditError
		);
		expect(() =>
			applyEdit(c, { op: 'remove-clause', section: 'agreements', clause: 'zz' })
		).toThrow(/no such clause/);
	});
});

describe('vote outcomes in the charter', () => {
	test('an adopted agreement shows its vote, and dissent per team only where the vote showed it', () => {
		const item = {
			id: 'a1',
			text: 'One MQL definition.',
			data: {
				outcome: {
					passed: true,
					rule: 'no objection above 20%',
					voters: 7,
					counts: { agree: 4, live: 2, object: 1 },
					dissent: { overall: 1, teams: [{ team: 'Sales', objections: 1 }] }
				},
				evidence: []
			}
		};
		expect(factsOf('agreements', item)).toEqual(
			expect.arrayContaining([
				{
					label: 'Vote',
					value: 'Adopted by vote: 4 agree, 2 can live with it, 1 object (7 voting)'
				},
				{ label: 'Rule', value: 'no objection above 20%' },
				{ label: 'Dissent', value: '1 objection (Sales: 1)' }
			])
		);
		// A team under the k rule is not in the outcome's team list, so it is never named.
		item.data.outcome.dissent = { overall: 2, teams: [] };
		expect(factsOf('agreements', item)).toContainEqual({ label: 'Dissent', value: '2 objections' });
	});

	test('the vote reads in the options’ words and says what decided it, never in codes', () => {
		const outcome = {
			passed: true,
			rule: 'Passes with no objection overall and within every team of 3 or more voters, and at least 3 voters in all.',
			voters: 3,
			k: 3,
			overallPasses: true,
			counts: { agree: 3, live: 0, object: 0 },
			teams: [
				{ team: 'Sales', voters: 2, passes: null },
				{ team: 'Marketing', voters: 1, passes: null }
			],
			dissent: { overall: 0, teams: [] }
		};
		const facts = factsOf('agreements', {
			id: 'a1',
			text: 'One MQL.',
			data: { outcome, evidence: [] }
		});
		expect(facts).toContainEqual({
			label: 'Vote',
			value: 'Adopted by vote: 3 agree, 0 can live with it, 0 object (3 voting)'
		});
		expect(facts).toContainEqual({
			label: 'Decided',
			value: 'Passed overall; no team had 3 voters, so no per-team check.'
		});
		for (const fact of facts) {
			expect(fact.value).not.toMatch(/ · |rule:|\d live\b|double majority/);
		}
		// When every team that voted had k voters, both counts decided.
		const both = {
			...outcome,
			voters: 6,
			counts: { agree: 5, live: 1, object: 0 },
			teams: [
				{ team: 'Sales', voters: 3, passes: true },
				{ team: 'Marketing', voters: 3, passes: true }
			]
		};
		expect(factsOf('agreements', { id: 'a1', text: 'x', data: { outcome: both } })).toContainEqual({
			label: 'Decided',
			value: 'Passed by double majority: overall and within every team.'
		});
	});

	test('a broken connection and a template’s suggestion read as words', () => {
		const facts = factsOf('journey', {
			id: 's1',
			text: 'Routed to an SDR with its context',
			data: { ownerTeam: 'Marketing', broken: 'human-by-technology', fromTemplate: true }
		});
		expect(facts).toContainEqual({
			label: 'Broken connection',
			value: 'Human, broken by technology'
		});
		expect(facts).toContainEqual({
			label: 'Source',
			value: 'The template’s suggestion, not changed in the room'
		});
	});
});
