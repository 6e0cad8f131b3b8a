/**
 * A calibration round's ballots and what of them may be shown. A round is a poll of kind
 * `classification` (the ballot protocol of src/lib/domain/polls/ and src/lib/server/polls/):
 * each voting token casts one ballot that classifies every lead of the round into one category,
 * optionally naming the field that decided it. The ballot carries the team its token proves and
 * nothing about its caster.
 *
 * The published result obeys the polls' k rule (`hiddenTeams`): nothing of the count when
 * fewer than k classified in all; a team's own figures (its kappa, its distribution per lead)
 * only for teams of k or more, and not for a team whose figures could be worked out from the
 * others'; agreement between teams only among the teams shown. Criteria are counted overall
 * only, like a poll's reasons.
 */
import { betweenGroups, fleiss, subjectAgreement, type Agreement } from './kappa';
import { hiddenTeams, type Choice, type PublishedResult } from '../polls';

export interface Classification {
	lead: string;
	category: string;
	/** The field that decided it, if the classifier said. */
	criterion: string | null;
}

export interface ClassificationBallot {
	teamId: string;
	classifications: Classification[];
}

export interface CalibrationRules {
	leads: readonly string[];
	categories: readonly { id: string; label: string }[];
	k: number;
}

export interface LeadOutcome {
	leadId: string;
	/** Category id → classifications; null when hidden (fewer than k in all). */
	counts: Record<string, number> | null;
	/** Per team shown; a hidden team's counts are null. */
	teams: { teamId: string; counts: Record<string, number> | null }[];
	/** Share of pairs of raters who agree on this lead, 0–1 (overall). */
	agreement: number | null;
	/** Between the teams shown (pairs across teams), 0–1; null with fewer than two shown. */
	betweenTeams: number | null;
	/**
	 * How split the room is on this lead, 0–1: disagreement between the teams shown, or
	 * overall when fewer than two teams are shown. Leads are ranked by it.
	 */
	split: number | null;
	/** Pairwise agreement below one half: two people who classified it more often differ than agree. */
	isSplit: boolean;
}

export interface CalibrationResult {
	voters: number;
	k: number;
	/** Whether anything of the count is shown (k or more classified). */
	isShown: boolean;
	overall: Agreement | null;
	betweenTeams: Agreement | null;
	teams: { teamId: string; voters: number; agreement: Agreement | null; isHidden: boolean }[];
	/** Most split first. */
	leads: LeadOutcome[];
	/** Fields named as deciding, most often first; classifications that named one. */
	criteria: { criterion: string; decided: number }[];
	/** Classifications that named no criterion. */
	undecided: number;
}

/** One row per lead (in the round's order), one column per category. */
function table(rules: CalibrationRules, ballots: ClassificationBallot[]): number[][] {
	const leadIndex = new Map(rules.leads.map((id, i) => [id, i]));
	const categoryIndex = new Map(rules.categories.map((c, j) => [c.id, j]));
	const rows = rules.leads.map(() => rules.categories.map(() => 0));
	for (const ballot of ballots) {
		for (const c of ballot.classifications) {
			const i = leadIndex.get(c.lead);
			const j = categoryIndex.get(c.category);
			if (i !== undefined && j !== undefined) rows[i]![j]! += 1;
		}
	}
	return rows;
}

const countsOf = (rules: CalibrationRules, row: number[]) =>
	Object.fromEntries(rules.categories.map((c, j) => [c.id, row[j] ?? 0]));

/** Share of cross-team pairs agreeing on one lead, over the given team rows. */
function crossAgreement(rows: number[][]): number | null {
	const result = betweenGroups(rows.map((r) => [r]));
	return result ? result.percent / 100 : null;
}

/** The round's result as it may be shown to everyone: see the module comment. */
export function publishCalibration(
	rules: CalibrationRules,
	teamIds: string[],
	ballots: ClassificationBallot[]
): CalibrationResult {
	const voters = ballots.length;
	const isShown = voters >= rules.k;
	const byTeam = new Map<string, ClassificationBallot[]>();
	for (const b of ballots) byTeam.set(b.teamId, [...(byTeam.get(b.teamId) ?? []), b]);
	// Every team with ballots, also one removed since (its ballots keep its id and count in
	// the overall): left out here, it would be neither shown nor hidden, and the overall minus
	// the shown teams would give it away.
	const voterCounts = Object.fromEntries(
		[...new Set([...teamIds, ...byTeam.keys()])].map((id) => [id, byTeam.get(id)?.length ?? 0])
	);
	const hidden = hiddenTeams(voterCounts, rules.k);
	const shownTeams = teamIds.filter(
		(id) => isShown && !hidden.has(id) && (voterCounts[id] ?? 0) > 0
	);
	const all = table(rules, ballots);
	const teamTables = new Map(teamIds.map((id) => [id, table(rules, byTeam.get(id) ?? [])]));

	const leads: LeadOutcome[] = rules.leads.map((leadId, i) => {
		const row = all[i]!;
		const agreement = subjectAgreement(row);
		const between =
			shownTeams.length >= 2
				? crossAgreement(shownTeams.map((id) => teamTables.get(id)![i]!))
				: null;
		const split = between !== null ? 1 - between : agreement !== null ? 1 - agreement : null;
		return {
			leadId,
			counts: isShown ? countsOf(rules, row) : null,
			teams: teamIds.map((teamId) => ({
				teamId,
				counts: shownTeams.includes(teamId) ? countsOf(rules, teamTables.get(teamId)![i]!) : null
			})),
			agreement: isShown ? agreement : null,
			betweenTeams: between,
			split: isShown ? split : null,
			isSplit: isShown && agreement !== null && agreement < 0.5
		};
	});
	const order = new Map(rules.leads.map((id, i) => [id, i]));
	if (isShown) {
		leads.sort(
			(a, b) => (b.split ?? 0) - (a.split ?? 0) || order.get(a.leadId)! - order.get(b.leadId)!
		);
	}

	const decided = new Map<string, number>();
	let undecided = 0;
	for (const b of ballots) {
		for (const c of b.classifications) {
			if (c.criterion) decided.set(c.criterion, (decided.get(c.criterion) ?? 0) + 1);
			else undecided += 1;
		}
	}

	return {
		voters,
		k: rules.k,
		isShown,
		overall: isShown ? fleiss(all) : null,
		betweenTeams:
			shownTeams.length >= 2 ? betweenGroups(shownTeams.map((id) => teamTables.get(id)!)) : null,
		teams: teamIds.map((teamId) => {
			const isTeamShown = shownTeams.includes(teamId);
			return {
				teamId,
				voters: voterCounts[teamId] ?? 0,
				agreement: isTeamShown ? fleiss(teamTables.get(teamId)!) : null,
				isHidden: !isTeamShown
			};
		}),
		leads,
		criteria: isShown
			? [...decided.entries()]
					.map(([criterion, n]) => ({ criterion, decided: n }))
					.sort((a, b) => b.decided - a.decided || a.criterion.localeCompare(b.criterion))
			: [],
		undecided: isShown ? undecided : 0
	};
}

/** The `n` leads the room disagrees on most (already ranked by `publishCalibration`). */
export function mostSplit(result: CalibrationResult, n = 5): LeadOutcome[] {
	return result.leads.filter((l) => (l.split ?? 0) > 0).slice(0, n);
}

/**
 * A round's result in the form every poll's result is kept in: no counts in the poll's own
 * terms (a ballot classifies many leads), turnout per team, and the calibration figures.
 */
export function publishRound(
	rules: CalibrationRules,
	teamIds: string[],
	ballots: { teamId: string; choice: Choice }[]
): PublishedResult {
	const calibration = publishCalibration(
		rules,
		teamIds,
		ballots.map((b) => ({
			teamId: b.teamId,
			classifications: Array.isArray(b.choice) ? b.choice : []
		}))
	);
	return {
		kind: 'classification',
		options: [...rules.categories],
		voters: calibration.voters,
		counts: null,
		teams: calibration.teams.map((t) => ({
			teamId: t.teamId,
			voters: t.voters,
			counts: null,
			passes: null
		})),
		reasons: [],
		k: rules.k,
		passed: null,
		overallPasses: null,
		rule: null,
		ranking: null,
		mean: null,
		calibration
	};
}
