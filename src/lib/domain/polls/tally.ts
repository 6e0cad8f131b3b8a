/**
 * Counting: the full count of a poll's ballots, per team included (server-side only: the
 * k rule decides what leaves), dots ranked, turnout, and the recount anyone can make from a
 * bulletin.
 */
import { optionsFor, type Choice, type PollKind, type PollOption, type PollRules } from './kinds';

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

export function emptyCounts(options: PollOption[]): Counts {
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

/** Live turnout, shown on every screen while a poll is open: counts of people, never choices. */
export interface Turnout {
	voted: number;
	eligible: number;
	teams: Record<string, { voted: number; eligible: number }>;
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
