/**
 * What decided a consent poll, in words, for every screen and the charter: the count of the
 * whole room, each team's count where the team had k voters, or too few voters. "Double
 * majority" is said only when both counts were checked; a team below k is named as not
 * checked on its own, so an outcome decided by the room alone does not read as more.
 */

/** What a consent outcome is read from: the verdicts, and each team's voters by name. */
export interface ConsentDecision {
	passed: boolean;
	voters: number;
	k: number;
	/** Null when not known (an outcome stored before it was recorded). */
	overallPasses: boolean | null;
	/** `passes`: the team's own verdict where its breakdown is shown, else null. */
	teams: ReadonlyArray<{ name: string; voters: number; passes: boolean | null }>;
}

/** "Sales", "Sales and Marketing", "Sales, Marketing and Support". */
function namesOf(teams: ReadonlyArray<{ name: string }>): string {
	const names = teams.map((t) => t.name);
	return names.length <= 1
		? (names[0] ?? '')
		: `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * What decided a consent poll, in words: "double majority" only when every team that voted
 * had k voters, so its own count was checked too; otherwise which count decided, and which
 * teams had too few voters to be checked on their own. A refusal says why, naming a team
 * only where its breakdown is shown.
 */
export function describeConsent(d: ConsentDecision): { verdict: string; reason: string } {
	if (!d.passed) {
		const verdict = 'Not adopted';
		if (d.voters < d.k) {
			const who =
				d.voters === 0
					? 'nobody voted'
					: `only ${d.voters} ${d.voters === 1 ? 'person' : 'people'} voted`;
			return { verdict, reason: `${who}; a decision needs at least ${d.k}` };
		}
		if (d.overallPasses === false) return { verdict, reason: 'too many objections overall' };
		const failed = d.teams.filter((t) => t.passes === false);
		if (failed.length)
			return { verdict, reason: `passed overall, but not within ${namesOf(failed)}` };
		if (d.overallPasses === true) {
			return {
				verdict,
				reason: 'passed overall, but not within the teams whose counts are hidden'
			};
		}
		return { verdict, reason: '' };
	}
	const voting = d.teams.filter((t) => t.voters > 0);
	// Judged on its own: a team shown with k or more voters. Not judged: a team below k, and a
	// team of k or more hidden so that a smaller one cannot be worked out from it.
	const checked = voting.filter((t) => t.passes !== null);
	const small = voting.filter((t) => t.passes === null && t.voters < d.k);
	const shielding = voting.filter((t) => t.passes === null && t.voters >= d.k);
	const verdict = 'Adopted';
	if (checked.length === 0 && shielding.length === 0) {
		return {
			verdict,
			reason: `passed overall; no team had ${d.k} voters, so no per-team check`
		};
	}
	if (small.length === 0 && shielding.length === 0) {
		return {
			verdict,
			reason:
				checked.length === 1
					? `passed overall and within ${checked[0]!.name}, the only team that voted`
					: 'passed by double majority: overall and within every team'
		};
	}
	const notes: string[] = [];
	if (small.length > 0) {
		notes.push(
			`${namesOf(small)} ${small.length === 1 ? 'had' : 'each had'} fewer than ${d.k} voters`
		);
	}
	if (shielding.length > 0) {
		notes.push(
			small.length > 0
				? `${namesOf(shielding)} ${shielding.length === 1 ? 'is' : 'are'} hidden with ${small.length === 1 ? 'it' : 'them'}`
				: `${namesOf(shielding)} ${shielding.length === 1 ? 'is' : 'are'} hidden to protect a smaller team`
		);
	}
	const own = small.length + shielding.length === 1 ? 'its' : 'their';
	const opening =
		checked.length > 0 ? `passed overall and within ${namesOf(checked)}` : 'passed overall';
	return { verdict, reason: `${opening}; ${notes.join(' and ')}, so no check of ${own} own` };
}
