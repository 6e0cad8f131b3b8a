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
	return `Passes with ${bar} overall and within every team of ${k} or more voters whose count is shown (teams hidden to protect a smaller one are judged together), and at least ${k} voters in all.`;
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
 * members' votes) but counts in the overall. Nor is a team of k or more hidden to protect a
 * smaller one (`hidden`, from the k rule): its verdict beside the overall count would give the
 * smaller team's votes away. The hidden teams are judged together instead, as one group: its
 * count is the overall minus the teams shown, which anyone can work out, and the k rule keeps
 * it at k voters or more; so a large team that objects keeps its veto when it is hidden. A
 * poll with fewer than k voters in all does not pass.
 */
export function consentPasses(
	rules: PollRules,
	count: Tally,
	hidden: ReadonlySet<string> = new Set()
): boolean {
	if (count.voters < rules.k) return false;
	const max = rules.maxObjectionPercent;
	if (!objectionsPass(count.counts, count.voters, max)) return false;
	const group = { voters: 0, counts: { object: 0 } as Counts };
	for (const [teamId, team] of Object.entries(count.teams)) {
		if (hidden.has(teamId)) {
			group.voters += team.voters;
			group.counts.object! += team.counts.object ?? 0;
		} else if (team.voters >= rules.k && !objectionsPass(team.counts, team.voters, max)) {
			return false;
		}
	}
	return group.voters < rules.k || objectionsPass(group.counts, group.voters, max);
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
