/**
 * What a poll is: its kinds and statuses, the fixed options of consent, scale and pulse polls,
 * the smallest group a breakdown may show (k), and the rules a poll is created with.
 */
import type { Classification } from '../calibration/results';

/**
 * `classification` is a calibration round (src/lib/domain/calibration/): the same tokens,
 * casts and turnout, a ballot that classifies every lead of the round, and a result of its own.
 */
export const POLL_KINDS = ['consent', 'dot', 'choice', 'scale', 'classification', 'pulse'] as const;
export type PollKind = (typeof POLL_KINDS)[number];

export const POLL_STATUSES = ['draft', 'open', 'closed', 'revealed'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];

/** Fixed choices written once as `{ choice: 'Label' }`: the choices in that order, and labels. */
function fixedChoices<K extends string>(labels: Record<K, string>) {
	const options: readonly K[] = Object.keys(labels) as K[];
	return { options, labels };
}

const CONSENT = fixedChoices({ agree: 'Agree', live: 'Can live with it', object: 'Object' });
export const CONSENT_OPTIONS = CONSENT.options;
export type ConsentChoice = (typeof CONSENT_OPTIONS)[number];
export const CONSENT_LABELS = CONSENT.labels;

export const SCALE_OPTIONS = ['1', '2', '3', '4', '5'] as const;

/**
 * `pulse` is a review session's question on one charter clause (src/lib/server/reviews/sessions.ts):
 * a single choice among these three, with an optional reason that travels with the ballot.
 */
const PULSE = fixedChoices({
	holds: 'Still holds',
	change: 'Needs a change',
	broken: 'Not working'
});
export const PULSE_OPTIONS = PULSE.options;
export type PulseChoice = (typeof PULSE_OPTIONS)[number];
export const PULSE_LABELS = PULSE.labels;

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
