import { render } from 'svelte/server';
import { describe, expect, test } from 'vitest';
import PollResult from '../../src/lib/components/workshop/PollResult.svelte';
import {
	BallotError,
	checkChoice,
	consentPasses,
	hiddenTeams,
	publishResult,
	rankOptions,
	tally,
	type CountedBallot,
	type PollRules
} from '../../src/lib/domain/polls';

const consent: PollRules = {
	kind: 'consent',
	options: [],
	dotBudget: null,
	dotMaxPerCard: null,
	k: 3,
	maxObjectionPercent: 0
};
const dot: PollRules = {
	...consent,
	kind: 'dot',
	options: [
		{ id: 'a', label: 'Comp plan' },
		{ id: 'b', label: 'Lead status' },
		{ id: 'c', label: 'Late MQLs' }
	],
	dotBudget: 3,
	dotMaxPerCard: 2
};

function ballots(teamId: string, ...choices: string[]): CountedBallot[] {
	return choices.map((choice) => ({ teamId, choice, reason: null }));
}

describe('a ballot’s choice', () => {
	test('is one of the poll’s options', () => {
		expect(checkChoice(consent, 'live')).toBe('live');
		expect(() => checkChoice(consent, 'maybe')).toThrow(BallotError);
		expect(() => checkChoice(consent, ['agree'])).toThrow(BallotError);
		expect(checkChoice({ ...consent, kind: 'scale' }, '5')).toBe('5');
		expect(() => checkChoice({ ...consent, kind: 'scale' }, '6')).toThrow(BallotError);
	});

	test('in a dot vote keeps within the budget and the per-card maximum', () => {
		expect(checkChoice(dot, { a: 2, b: 1, c: 0 })).toEqual({ a: 2, b: 1 });
		expect(() => checkChoice(dot, { a: 2, b: 2 })).toThrow('You have 3 dots; that is 4.');
		expect(() => checkChoice(dot, { a: 3 })).toThrow('At most 2 dots on one card.');
		expect(() => checkChoice(dot, { z: 1 })).toThrow('not part of this vote');
		expect(() => checkChoice(dot, { a: -1, b: 2 })).toThrow('whole numbers');
		expect(() => checkChoice(dot, { a: 1.5 })).toThrow('whole numbers');
		expect(() => checkChoice(dot, {})).toThrow('at least one dot');
		expect(() => checkChoice(dot, 'a')).toThrow(BallotError);
	});

	test('error messages never repeat what was chosen', () => {
		for (const attempt of ['secret-choice-xyz', { 'secret-card-xyz': 1 }]) {
			try {
				checkChoice(typeof attempt === 'string' ? consent : dot, attempt);
			} catch (e) {
				expect(String((e as Error).message)).not.toContain('xyz');
			}
		}
	});
});

describe('which teams’ breakdowns stay hidden', () => {
	test('nothing is hidden when every team has k voters', () => {
		expect(hiddenTeams({ s: 5, m: 3 }, 3)).toEqual(new Set());
	});

	test('with two teams, one below k hides both: the total minus one gives the other', () => {
		expect(hiddenTeams({ s: 5, m: 2 }, 3)).toEqual(new Set(['s', 'm']));
	});

	test('with three teams, the smallest shown team is hidden with the small one', () => {
		expect(hiddenTeams({ s: 6, m: 4, cs: 2 }, 3)).toEqual(new Set(['cs', 'm']));
	});

	test('two small teams whose sum is still below k pull in a third', () => {
		expect(hiddenTeams({ s: 6, m: 5, cs: 1, p: 1 }, 3)).toEqual(new Set(['cs', 'p', 'm']));
	});

	test('a team nobody voted in is neither shown nor needed to hide another', () => {
		expect(hiddenTeams({ s: 5, m: 0, cs: 2 }, 3)).toEqual(new Set(['s', 'cs']));
		expect(hiddenTeams({ s: 5, m: 0 }, 3)).toEqual(new Set());
	});

	test('no team below k can ever be worked out from what is shown (every distribution up to 4 teams of 0–7)', () => {
		for (let code = 0; code < 8 ** 4; code++) {
			const voters: Record<string, number> = {};
			for (let t = 0, c = code; t < 4; t++, c = Math.floor(c / 8)) voters[`t${t}`] = c % 8;
			const hidden = hiddenTeams(voters, 3);
			const small = Object.entries(voters).filter(([, n]) => n > 0 && n < 3);
			for (const [id] of small) expect(hidden.has(id)).toBe(true);
			if (hidden.size > 0) {
				const hiddenVoters = [...hidden].reduce((s, id) => s + voters[id]!, 0);
				const allHidden = Object.values(voters).filter((n) => n > 0).length === hidden.size;
				// The hidden teams together are a group of k or more (or everything is hidden).
				expect(hidden.size >= 2 || allHidden).toBe(true);
				expect(hiddenVoters >= 3 || allHidden).toBe(true);
			}
		}
	});
});

describe('a consent poll’s outcome (double majority)', () => {
	test('passes with no objection anywhere', () => {
		const count = tally(
			consent,
			['s', 'm'],
			[...ballots('s', 'agree', 'agree', 'live'), ...ballots('m', 'agree', 'live', 'agree')]
		);
		expect(consentPasses(consent, count)).toBe(true);
	});

	test('fails when one team of k or more objects beyond the threshold though the room passes', () => {
		const rules = { ...consent, maxObjectionPercent: 20 };
		const count = tally(
			rules,
			['s', 'm'],
			[
				...ballots('s', 'agree', 'agree', 'agree', 'agree', 'agree', 'agree'),
				...ballots('m', 'object', 'agree', 'agree')
			]
		);
		// 1 of 9 (11%) overall passes; 1 of 3 (33%) in Marketing does not.
		expect(consentPasses(rules, count)).toBe(false);
		const result = publishResult(rules, ['s', 'm'], count);
		expect(result.teams.map((t) => t.passes)).toEqual([true, false]);
	});

	test('a team below k is not judged alone but counts in the overall', () => {
		const rules = { ...consent, maxObjectionPercent: 25 };
		const count = tally(
			rules,
			['s', 'm'],
			[
				...ballots('s', 'agree', 'agree', 'agree', 'agree', 'agree'),
				...ballots('m', 'object', 'agree')
			]
		);
		expect(consentPasses(rules, count)).toBe(true);
		expect(publishResult(rules, ['s', 'm'], count).teams.every((t) => t.passes === null)).toBe(
			true
		);
	});

	test('whether it passed tells nothing beyond the counts shown (every split of up to 4 voters each over 3 teams)', () => {
		// A team of k or more hidden to protect a smaller one must not be judged on its own: its
		// verdict, beside the overall count, would give the smaller team's votes away.
		const rules = { ...consent, maxObjectionPercent: 50 };
		const teams = ['s', 'm', 'o'];
		const verdicts = new Map<string, boolean | null>();
		for (let code = 0; code < 15 ** 3; code++) {
			const cast: CountedBallot[] = [];
			for (let t = 0, c = code; t < 3; t++, c = Math.floor(c / 15)) {
				// 15 (size, objections) pairs: sizes 0–4, objections 0–size.
				const pairs = [0, 1, 2, 3, 4].flatMap((n) => [...Array(n + 1).keys()].map((o) => [n, o]));
				const [size, objections] = pairs[c % 15]!;
				for (let i = 0; i < size!; i++) {
					cast.push(...ballots(teams[t]!, i < objections! ? 'object' : 'agree'));
				}
			}
			const published = publishResult(rules, teams, tally(rules, teams, cast));
			const { passed, ...shown } = published;
			const key = JSON.stringify(shown);
			if (verdicts.has(key)) expect(passed, key).toBe(verdicts.get(key));
			else verdicts.set(key, passed);
		}
	});

	test('a team of k or more that objects keeps its veto when it is hidden to protect a smaller one', () => {
		const rules = { ...consent, maxObjectionPercent: 50 };
		// Eight who mostly object and eight who agree, beside a team of one. Which of the two is
		// hidden with the one depends on their ids: the poll fails either way.
		for (const [objecting, agreeing] of [
			['a', 'b'],
			['b', 'a']
		] as const) {
			const teams = [objecting, agreeing, 'z'];
			const count = tally(rules, teams, [
				...ballots(objecting, ...Array(5).fill('object'), ...Array(3).fill('agree')),
				...ballots(agreeing, ...Array(8).fill('agree')),
				...ballots('z', 'agree')
			]);
			const published = publishResult(rules, teams, count);
			expect(published.overallPasses).toBe(true);
			expect(published.passed).toBe(false);
		}
	});

	test('fewer than k voters in all cannot pass, and show nothing of the count', () => {
		const count = tally(consent, ['s', 'm'], ballots('s', 'agree', 'agree'));
		expect(consentPasses(consent, count)).toBe(false);
		const result = publishResult(consent, ['s', 'm'], {
			...count,
			reasons: ['a reason']
		});
		expect(result).toMatchObject({ voters: 2, counts: null, reasons: [], passed: false });
		expect(result.teams.every((t) => t.counts === null)).toBe(true);
	});

	test('reasons are sorted, not kept in the order they came', () => {
		const count = tally(
			consent,
			['s'],
			[
				{ teamId: 's', choice: 'object', reason: 'Zed' },
				{ teamId: 's', choice: 'object', reason: 'Alpha' },
				{ teamId: 's', choice: 'agree', reason: null }
			]
		);
		expect(count.reasons).toEqual(['Alpha', 'Zed']);
	});
});

describe('what a consent poll’s result says decided it', () => {
	const TEAMS = [
		{ id: 's', name: 'Sales', colour: '#1d4ed8' },
		{ id: 'm', name: 'Marketing', colour: '#b45309' },
		{ id: 'o', name: 'Ops', colour: '#047857' }
	];
	/** The outcome line a screen shows for these ballots. */
	function outcomeOf(rules: PollRules, cast: CountedBallot[], teamIds = ['s', 'm']): string {
		const result = publishResult(rules, teamIds, tally(rules, teamIds, cast));
		const body = render(PollResult, { props: { result, teams: TEAMS } }).body;
		const line = /data-testid="poll-outcome"[^>]*>([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '';
		return line
			.replace(/<!--[\s\S]*?-->/g, '')
			.replace(/\s+/g, ' ')
			.trim();
	}

	test('only the overall count decided when no team had k voters', () => {
		const said = outcomeOf(consent, [...ballots('s', 'agree', 'agree'), ...ballots('m', 'agree')]);
		expect(said).toBe('Adopted: passed overall; no team had 3 voters, so no per-team check.');
	});

	test('both counts decided when every team that voted had k voters', () => {
		const said = outcomeOf(consent, [
			...ballots('s', 'agree', 'agree', 'live'),
			...ballots('m', 'agree', 'live', 'agree')
		]);
		expect(said).toBe('Adopted: passed by double majority: overall and within every team.');
	});

	test('a team below k is named as not checked on its own, and so is a team hidden with it', () => {
		// Ops (1) and Marketing (2) are hidden together, at 3 voters: Sales is shown and checked.
		expect(
			outcomeOf(
				consent,
				[
					...ballots('s', 'agree', 'agree', 'agree'),
					...ballots('m', 'agree', 'live'),
					...ballots('o', 'agree')
				],
				['s', 'm', 'o']
			)
		).toBe(
			'Adopted: passed overall and within Sales; Marketing and Ops each had fewer than 3 voters, so no check of their own.'
		);
		// Marketing (2) alone could be worked out from Sales, so Sales is hidden too, unjudged.
		expect(
			outcomeOf(consent, [
				...ballots('s', 'agree', 'agree', 'agree'),
				...ballots('m', 'agree', 'live')
			])
		).toBe(
			'Adopted: passed overall; Marketing had fewer than 3 voters and Sales is hidden with it, so no check of their own.'
		);
	});

	test('a refusal says why: too few voters, objections overall, or a team of k or more', () => {
		expect(outcomeOf(consent, ballots('s', 'agree', 'agree'))).toBe(
			'Not adopted: only 2 people voted; a decision needs at least 3.'
		);
		expect(
			outcomeOf(consent, [...ballots('s', 'agree', 'object', 'agree'), ...ballots('m', 'agree')])
		).toBe('Not adopted: too many objections overall.');
		const half = { ...consent, maxObjectionPercent: 50 };
		expect(
			outcomeOf(half, [
				...ballots('s', 'object', 'object', 'agree'),
				...ballots('m', 'agree', 'agree', 'agree', 'agree', 'agree')
			])
		).toBe('Not adopted: passed overall, but not within Sales.');
	});
});

describe('dot vote ranking', () => {
	test('orders by dots with ties sharing a rank', () => {
		expect(rankOptions(dot.options, { a: 4, b: 7, c: 4 }).map((r) => [r.id, r.rank])).toEqual([
			['b', 1],
			['a', 2],
			['c', 2]
		]);
	});

	test('per-team dots are shown only where the team is', () => {
		const count = tally(
			dot,
			['s', 'm'],
			[
				{ teamId: 's', choice: { a: 2, b: 1 }, reason: null },
				{ teamId: 's', choice: { a: 1 }, reason: null },
				{ teamId: 's', choice: { c: 2 }, reason: null },
				{ teamId: 'm', choice: { b: 2 }, reason: null }
			]
		);
		const result = publishResult(dot, ['s', 'm'], count);
		expect(result.counts).toEqual({ a: 3, b: 3, c: 2 });
		expect(result.teams.map((t) => t.counts)).toEqual([null, null]);
		expect(result.ranking?.map((r) => r.rank)).toEqual([1, 1, 3]);
	});
});
