/**
 * The rules of anonymous voting, as pure functions: what a poll is (kinds.ts), what a valid
 * ballot is (choices.ts), how ballots are counted (tally.ts), which breakdowns may be shown
 * (k-rule.ts) and when a consent poll passes (consent.ts).
 *
 * Anonymity is kept in the data (src/lib/server/polls/ballots.ts stores ballots with their team
 * and never their participant); these modules decide what of the count may leave the server. A
 * result that leaves it is built only by `publishResult`, so every screen, export and charter
 * gets the same suppression.
 */
export { BallotError, checkChoice } from './choices';
export { agreementOutcome, consentPasses, consentRule, type AgreementOutcome } from './consent';
export { hiddenTeams, publishResult, type PublishedResult, type TeamOutcome } from './k-rule';
export {
	CONSENT_LABELS,
	CONSENT_OPTIONS,
	DEFAULT_K,
	MIN_K,
	optionsFor,
	POLL_KINDS,
	POLL_STATUSES,
	PULSE_LABELS,
	PULSE_OPTIONS,
	SCALE_OPTIONS,
	takesReason,
	type Choice,
	type ConsentChoice,
	type PollKind,
	type PollOption,
	type PollRules,
	type PollStatus,
	type PulseChoice
} from './kinds';
export {
	rankOptions,
	recount,
	sameCounts,
	tally,
	type CountedBallot,
	type Counts,
	type Tally,
	type TeamCount,
	type Turnout
} from './tally';
