/**
 * The rules of anonymous voting, as pure functions: what a valid ballot is, how ballots are
 * counted, which breakdowns may be shown, and when a consent poll passes.
 *
 * Anonymity is kept in the data (src/lib/server/polls/ballots.ts stores ballots with their team and
 * never their participant); this module decides what of the count may leave the server. A
 * result that leaves it is built only by `publishResult`, so every screen, export and charter
 * gets the same suppression.
 */
import type { CalibrationResult, Classification } from './calibration/results';

/**
 * `classification` is a calibration round (src/lib/domain/calibration/): the same tokens,
 * casts and turnout, a ballot that classifies every lead of the round, and a result of its own.
 */
export const POLL_KINDS = ['consent', 'dot', 'choice', 'scale', 'classification', 'pulse'] as const;
export type PollKind = (typeof POLL_KINDS)[number];

export const POLL_STATUSES = ['draft', 'open', 'closed', 'revealed'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];

export const CONSENT_OPTIONS = ['agree', 'live', 'object'] as const;
export type ConsentChoice = (typeof CONSENT_OPTIONS)[number];

export const CONSENT_LABELS: Record<ConsentChoice, string> = {
	agree: 'Agree',
	live: 'Can live with it',
	object: 'Object'
};

export const SCALE_OPTIONS = ['1', '2', '3', '4', '5'] as const;

/**
 * `pulse` is a review session's question on one charter clause (src/lib/server/reviews.ts):
 * a single choice among these three, with an optional reason that travels with the ballot.
 */
export const PULSE_OPTIONS = ['holds', 'change', 'broken'] as const;
export type PulseChoice = (typeof PULSE_OPTIONS)[number];

export const PULSE_LABELS: Record<PulseChoice, string> = {
	holds: 'Still holds',
	change: 'Needs a change',
	broken: 'Not working'
};

/** Kinds whose ballot may carry a reason, stored with the anonymous ballot and nowhere else. */
export function takesReason(kind: PollKind): boolean {
	return kind === 'consent' || kind === 'pulse';
}

/** The smallest group whose breakdown may be shown. Never lower: 2 voters know each other's vote. */
export const MIN_K = 3;
export const DEFAULT_K = 3;

export interface PollOption {
	id: string;
	label: string;
}

/**
 * What a ballot may contain, by kind. Dot votes: option id → dots. Classification: one entry
 * per lead of the round (options are the categories).
 */
export type Choice = string | Record<string, number> | Classification[];

export interface PollRules {
	kind: PollKind;
	options: PollOption[];
	/** Dot votes: dots per participant, and at most this many on one card. */
	dotBudget: number | null;
	dotMaxPerCard: number | null;
	/** Smallest group whose breakdown is shown (≥ MIN_K). */
	k: number;
	/** Consent: the largest share of objections (percent) that still passes; 0 = no objection. */
	maxObjectionPercent: number;
	/** Classification: the leads of the round, each to be classified exactly once. */
	leads?: readonly string[];
	/** Classification: the fields a classifier may name as deciding. */
	criteria?: readonly string[];
}

/** The options a poll of this kind offers (consent and scale have fixed ones). */
export function optionsFor(kind: PollKind, options: PollOption[]): PollOption[] {
	if (kind === 'consent') return CONSENT_OPTIONS.map((id) => ({ id, label: CONSENT_LABELS[id] }));
	if (kind === 'scale') return SCALE_OPTIONS.map((id) => ({ id, label: id }));
	if (kind === 'pulse') return PULSE_OPTIONS.map((id) => ({ id, label: PULSE_LABELS[id] }));
	return options;
}

export class BallotError extends Error {
	override name = 'BallotError';
}

/**
 * The ballot's choice in its stored form, or a BallotError saying what is wrong with it.
 * The message never repeats the choice: errors are logged, and a logged choice next to a
 * session would undo the anonymity.
 */
export function checkChoice(rules: PollRules, choice: unknown): Choice {
	const ids = new Set(optionsFor(rules.kind, rules.options).map((o) => o.id));
	if (rules.kind === 'classification') return checkClassification(rules, ids, choice);
	if (rules.kind !== 'dot') {
		if (typeof choice !== 'string' || !ids.has(choice)) {
			throw new BallotError('That choice is not one of this poll’s options.');
		}
		return choice;
	}
	if (!choice || typeof choice !== 'object' || Array.isArray(choice)) {
		throw new BallotError('A dot vote gives a number of dots per card.');
	}
	const budget = rules.dotBudget ?? 0;
	const max = rules.dotMaxPerCard ?? budget;
	const dots: Record<string, number> = {};
	let total = 0;
	for (const [id, value] of Object.entries(choice as Record<string, unknown>)) {
		if (!ids.has(id)) throw new BallotError('One of the cards is not part of this vote.');
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
			throw new BallotError('Dots are whole numbers of zero or more.');
		}
		if (value > max) {
			throw new BallotError(`At most ${max} ${max === 1 ? 'dot' : 'dots'} on one card.`);
		}
		if (value > 0) dots[id] = value;
		total += value;
	}
	if (total > budget) throw new BallotError(`You have ${budget} dots; that is ${total}.`);
	if (total === 0) throw new BallotError('Place at least one dot.');
	return dots;
}

/**
 * A calibration ballot: every lead of the round exactly once, each in one of the round's
 * categories, with a deciding field or none. A lead named twice is refused (it would be two
 * votes on one lead); re-casting with the same token replaces the whole ballot instead.
 */
function checkClassification(rules: PollRules, categories: Set<string>, choice: unknown) {
	if (!Array.isArray(choice)) {
		throw new BallotError('A classification lists each lead with the category chosen for it.');
	}
	const leads = new Set(rules.leads ?? []);
	const criteria = new Set(rules.criteria ?? []);
	const seen = new Set<string>();
	const checked: Classification[] = [];
	for (const entry of choice as unknown[]) {
		const e = entry as Partial<Record<keyof Classification, unknown>> | null;
		if (!e || typeof e !== 'object' || typeof e.lead !== 'string') {
			throw new BallotError('Each classification names a lead and a category.');
		}
		if (!leads.has(e.lead)) throw new BallotError('One of the leads is not part of this round.');
		if (seen.has(e.lead)) {
			throw new BallotError('The ballot classifies the same lead twice: classify each lead once.');
		}
		seen.add(e.lead);
		if (typeof e.category !== 'string' || !categories.has(e.category)) {
			throw new BallotError('One of the categories is not one of this round’s categories.');
		}
		const criterion = e.criterion ?? null;
		if (criterion !== null && (typeof criterion !== 'string' || !criteria.has(criterion))) {
			throw new BallotError('The deciding criterion is not one of the lead’s fields.');
		}
		checked.push({ lead: e.lead, category: e.category, criterion });
	}
	const left = leads.size - seen.size;
	if (left > 0) {
		throw new BallotError(
			`Classify every lead before sending: ${left} of ${leads.size} ${left === 1 ? 'is' : 'are'} left.`
		);
	}
	return checked;
}

export interface CountedBallot {
	teamId: string;
	choice: Choice;
	reason: string | null;
}

/** Per option: ballots that chose it, or dots placed on it. */
export type Counts = Record<string, number>;

export interface TeamCount {
	voters: number;
	counts: Counts;
}

export interface Tally {
	voters: number;
	counts: Counts;
	teams: Record<string, TeamCount>;
	reasons: string[];
}

function emptyCounts(options: PollOption[]): Counts {
	return Object.fromEntries(options.map((o) => [o.id, 0]));
}

function addTo(counts: Counts, choice: Choice): void {
	if (typeof choice === 'string') counts[choice] = (counts[choice] ?? 0) + 1;
	// Classifications are counted by src/lib/domain/calibration/results.ts, never here.
	else if (Array.isArray(choice)) return;
	else for (const [id, dots] of Object.entries(choice)) counts[id] = (counts[id] ?? 0) + dots;
}

/** The full count, per team included. Server-side only: `publishResult` decides what leaves. */
export function tally(rules: PollRules, teamIds: string[], ballots: CountedBallot[]): Tally {
	const options = optionsFor(rules.kind, rules.options);
	const result: Tally = {
		voters: 0,
		counts: emptyCounts(options),
		teams: Object.fromEntries(
			teamIds.map((id) => [id, { voters: 0, counts: emptyCounts(options) }])
		),
		reasons: []
	};
	for (const ballot of ballots) {
		result.voters += 1;
		addTo(result.counts, ballot.choice);
		const team = (result.teams[ballot.teamId] ??= { voters: 0, counts: emptyCounts(options) });
		team.voters += 1;
		addTo(team.counts, ballot.choice);
		if (ballot.reason) result.reasons.push(ballot.reason);
	}
	// Sorted, so the order says nothing about who wrote a reason or when.
	result.reasons.sort((a, b) => a.localeCompare(b));
	return result;
}

/**
 * The teams whose breakdown must stay hidden. A team with fewer than `k` voters is hidden;
 * then, since the overall count is shown, the hidden teams together must not be worked out
 * by subtraction: they must be at least two teams and at least `k` voters between them.
 * While they are not, the smallest shown team is hidden too (with two teams: both).
 * Teams nobody voted in are neither shown nor hidden: subtracting them reveals nothing.
 */
export function hiddenTeams(voters: Record<string, number>, k: number): Set<string> {
	const voting = Object.entries(voters).filter(([, n]) => n > 0);
	const hidden = new Set(voting.filter(([, n]) => n < k).map(([id]) => id));
	const shown = voting
		.filter(([id]) => !hidden.has(id))
		.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
	const hiddenVoters = () => voting.filter(([id]) => hidden.has(id)).reduce((s, [, n]) => s + n, 0);
	while (hidden.size > 0 && (hidden.size < 2 || hiddenVoters() < k) && shown.length > 0) {
		hidden.add(shown.shift()![0]);
	}
	return hidden;
}

export interface TeamOutcome {
	teamId: string;
	voters: number;
	/** Null when the team's breakdown is hidden (fewer than k voters, or to protect one that is). */
	counts: Counts | null;
	/** Consent only: whether the team passes; null when it is not judged or hidden. */
	passes: boolean | null;
}

export interface PublishedResult {
	kind: PollKind;
	options: PollOption[];
	voters: number;
	/** Null when fewer than k voted in the whole poll: then nothing of the count is shown. */
	counts: Counts | null;
	teams: TeamOutcome[];
	/** Anonymous reasons, only when k or more voted. */
	reasons: string[];
	k: number;
	/** Consent only. */
	passed: boolean | null;
	/**
	 * Consent only: whether the count of the whole room passed on its own; null below k voters
	 * (nothing of the count is shown then).
	 */
	overallPasses: boolean | null;
	rule: string | null;
	/** Dot votes: options by dots, most first (ties share a rank). */
	ranking: { id: string; label: string; dots: number; rank: number }[] | null;
	/** Scale: the mean, when counts are shown. */
	mean: number | null;
	/** Classification: kappa, leads and criteria under the k rule (counts above stay null). */
	calibration?: CalibrationResult;
}

export function consentRule(k: number, maxObjectionPercent: number): string {
	const bar =
		maxObjectionPercent === 0 ? 'no objection' : `no more than ${maxObjectionPercent}% objecting`;
	return `Passes with ${bar} overall and within every team of ${k} or more voters, and at least ${k} voters in all.`;
}

function objectionsPass(counts: Counts, voters: number, maxObjectionPercent: number): boolean {
	if (voters === 0) return false;
	return (counts.object ?? 0) * 100 <= maxObjectionPercent * voters;
}

/**
 * Double majority: the overall count passes and so does every team with at least k voters.
 * A team below k is not judged on its own (its verdict would be its members' votes) but counts
 * in the overall; a poll with fewer than k voters in all does not pass.
 */
export function consentPasses(rules: PollRules, count: Tally): boolean {
	if (count.voters < rules.k) return false;
	if (!objectionsPass(count.counts, count.voters, rules.maxObjectionPercent)) return false;
	return Object.values(count.teams).every(
		(team) =>
			team.voters < rules.k || objectionsPass(team.counts, team.voters, rules.maxObjectionPercent)
	);
}

export function rankOptions(options: PollOption[], counts: Counts) {
	const sorted = options
		.map((o) => ({ id: o.id, label: o.label, dots: counts[o.id] ?? 0 }))
		.sort((a, b) => b.dots - a.dots || a.label.localeCompare(b.label));
	let rank = 0;
	let previous = Number.NaN;
	return sorted.map((entry, i) => {
		if (entry.dots !== previous) rank = i + 1;
		previous = entry.dots;
		return { ...entry, rank };
	});
}

/** What of a poll's count may be shown, to anyone: the only way a result leaves the server. */
export function publishResult(rules: PollRules, teamIds: string[], count: Tally): PublishedResult {
	const options = optionsFor(rules.kind, rules.options);
	const enough = count.voters >= rules.k;
	const hidden = hiddenTeams(
		Object.fromEntries(Object.entries(count.teams).map(([id, t]) => [id, t.voters])),
		rules.k
	);
	const teams: TeamOutcome[] = teamIds.map((teamId) => {
		const team = count.teams[teamId] ?? { voters: 0, counts: emptyCounts(options) };
		const visible = enough && !hidden.has(teamId) && team.voters > 0;
		return {
			teamId,
			voters: team.voters,
			counts: visible ? team.counts : null,
			passes:
				rules.kind === 'consent' && visible && team.voters >= rules.k
					? objectionsPass(team.counts, team.voters, rules.maxObjectionPercent)
					: null
		};
	});
	const counts = enough ? count.counts : null;
	let mean: number | null = null;
	if (rules.kind === 'scale' && counts && count.voters > 0) {
		const sum = Object.entries(counts).reduce((s, [id, n]) => s + Number(id) * n, 0);
		mean = Math.round((sum / count.voters) * 100) / 100;
	}
	return {
		kind: rules.kind,
		options,
		voters: count.voters,
		counts,
		teams,
		reasons: enough ? count.reasons : [],
		k: rules.k,
		passed: rules.kind === 'consent' ? consentPasses(rules, count) : null,
		overallPasses:
			rules.kind === 'consent' && enough
				? objectionsPass(count.counts, count.voters, rules.maxObjectionPercent)
				: null,
		rule: rules.kind === 'consent' ? consentRule(rules.k, rules.maxObjectionPercent) : null,
		ranking: rules.kind === 'dot' && counts ? rankOptions(options, counts) : null,
		mean
	};
}

/** Live turnout, shown on every screen while a poll is open: counts of people, never choices. */
export interface Turnout {
	voted: number;
	eligible: number;
	teams: Record<string, { voted: number; eligible: number }>;
}

/** The outcome stored on an agreement once its consent poll is revealed (and in the charter). */
export interface AgreementOutcome {
	pollId: string;
	passed: boolean;
	/** The poll's k and the overall count's own verdict (absent from outcomes stored before). */
	k?: number;
	overallPasses?: boolean | null;
	rule: string;
	voters: number;
	counts: Counts | null;
	teams: TeamOutcome[];
	reasons: string[];
	/** Objections, recorded as dissent: overall, and per team where the team is shown. */
	dissent: { overall: number | null; teams: { teamId: string; objections: number }[] };
	revealedAt: string;
}

export function agreementOutcome(
	pollId: string,
	result: PublishedResult,
	revealedAt: Date
): AgreementOutcome {
	return {
		pollId,
		passed: result.passed === true,
		k: result.k,
		overallPasses: result.overallPasses,
		rule: result.rule ?? '',
		voters: result.voters,
		counts: result.counts,
		teams: result.teams,
		reasons: result.reasons,
		dissent: {
			overall: result.counts ? (result.counts.object ?? 0) : null,
			teams: result.teams
				.filter((t) => t.counts)
				.map((t) => ({ teamId: t.teamId, objections: t.counts!.object ?? 0 }))
		},
		revealedAt: revealedAt.toISOString()
	};
}

/**
 * The overall count recomputed from a bulletin's choices, as anyone can: votes per option,
 * dots per card for a dot vote. Null when the bulletin shows no choices.
 */
export function recount(kind: PollKind, choices: (Choice | null)[]): Counts | null {
	if (choices.some((c) => c === null)) return null;
	const counts: Counts = {};
	for (const choice of choices as Choice[]) {
		if (kind === 'dot' && typeof choice === 'object' && !Array.isArray(choice)) {
			for (const [id, n] of Object.entries(choice)) counts[id] = (counts[id] ?? 0) + n;
		} else if (typeof choice === 'string') {
			counts[choice] = (counts[choice] ?? 0) + 1;
		}
	}
	return counts;
}

/** Whether two counts agree, reading a missing option as zero. */
export function sameCounts(a: Counts, b: Counts): boolean {
	const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
	return [...ids].every((id) => (a[id] ?? 0) === (b[id] ?? 0));
}
