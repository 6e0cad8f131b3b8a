/**
 * The k rule: what of a poll's count may be shown, to anyone. A result leaves the server only
 * as `publishResult` builds it, so every screen, export and charter gets the same suppression:
 * no breakdown of a team below k voters, nor of one that would let a hidden team be worked
 * out by subtraction, and nothing of the count when fewer than k voted in all.
 *
 * Anonymity is kept in the data (src/lib/server/polls/ballots.ts stores ballots with their team
 * and never their participant); this module decides what of the count may leave the server.
 */
import type { CalibrationResult } from '../calibration/results';
import { consentPasses, consentRule, objectionsPass } from './consent';
import { optionsFor, type PollKind, type PollOption, type PollRules } from './kinds';
import { emptyCounts, rankOptions, type Counts, type Tally } from './tally';

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
		passed: rules.kind === 'consent' ? consentPasses(rules, count, hidden) : null,
		overallPasses:
			rules.kind === 'consent' && enough
				? objectionsPass(count.counts, count.voters, rules.maxObjectionPercent)
				: null,
		rule: rules.kind === 'consent' ? consentRule(rules.k, rules.maxObjectionPercent) : null,
		ranking: rules.kind === 'dot' && counts ? rankOptions(options, counts) : null,
		mean
	};
}
