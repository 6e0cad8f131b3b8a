/**
 * Consent polls: the rule shown with them, when one passes (double majority: overall and in
 * every team of k or more), and the outcome stored on the agreement it decides.
 */
import type { PollRules } from './kinds';
import type { PublishedResult, TeamOutcome } from './k-rule';
import type { Counts, Tally } from './tally';

export function consentRule(k: number, maxObjectionPercent: number): string {
	const bar =
		maxObjectionPercent === 0 ? 'no objection' : `no more than ${maxObjectionPercent}% objecting`;
	return `Passes with ${bar} overall and within every team of ${k} or more voters whose count is shown, and at least ${k} voters in all.`;
}

export function objectionsPass(
	counts: Counts,
	voters: number,
	maxObjectionPercent: number
): boolean {
	if (voters === 0) return false;
	return (counts.object ?? 0) * 100 <= maxObjectionPercent * voters;
}

/**
 * Double majority: the overall count passes and so does every team with at least k voters
 * whose count is shown. A team below k is not judged on its own (its verdict would be its
 * members' votes) but counts in the overall; nor is a team of k or more hidden to protect a
 * smaller one (`hidden`, from the k rule): its verdict beside the overall count would give
 * the smaller team's votes away. A poll with fewer than k voters in all does not pass.
 */
export function consentPasses(
	rules: PollRules,
	count: Tally,
	hidden: ReadonlySet<string> = new Set()
): boolean {
	if (count.voters < rules.k) return false;
	if (!objectionsPass(count.counts, count.voters, rules.maxObjectionPercent)) return false;
	return Object.entries(count.teams).every(
		([teamId, team]) =>
			team.voters < rules.k ||
			hidden.has(teamId) ||
			objectionsPass(team.counts, team.voters, rules.maxObjectionPercent)
	);
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
