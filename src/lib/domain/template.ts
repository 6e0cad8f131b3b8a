/**
 * The Sales & Marketing Alignment template: the stages a facilitator runs, in order, with the
 * prompt shown to the room and a suggested timebox. The wording is written for the room: it
 * is what participants read on their phones and on the projector.
 */
import { labelledList } from './labelled';

export const STAGE_KINDS = [
	'focus-value',
	'shared-terms',
	'calibration',
	'connections',
	'barriers',
	'measures',
	'agreements',
	'open'
] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export interface StageTemplate {
	/** Slug used in document names (`workshop/<id>/stage/<key>`). */
	key: string;
	kind: StageKind;
	title: string;
	prompt: string;
	timeboxMinutes: number;
}

export const ALIGNMENT_TEMPLATE: readonly StageTemplate[] = [
	{
		key: 'focus-value',
		kind: 'focus-value',
		title: 'Focus & value',
		prompt:
			'What is your team focused on this year? How do you create value: the drivers you control, and the outcomes you are judged on? What do you need from the other team? Then the empathy round: write the other team’s goals and pains as you see them; they will mark each card accurate or not and correct it.',
		timeboxMinutes: 35
	},
	{
		key: 'shared-terms',
		kind: 'shared-terms',
		title: 'Shared terms',
		prompt:
			'For each term, write how your team uses it today. Read the other team’s wording, then draft one wording both teams can sign, with the fields each side needs on a lead.',
		timeboxMinutes: 45
	},
	{
		key: 'calibration',
		kind: 'calibration',
		title: 'Calibration',
		prompt:
			'Both teams classify the same real leads, one card at a time: which category is each lead today, by the definitions we just drafted? Optionally say which field decided it. Your classifications are anonymous. The results show, in numbers, where a wording is still read two ways.',
		timeboxMinutes: 30
	},
	{
		key: 'connections',
		kind: 'connections',
		title: 'Connections',
		prompt:
			'Follow a lead from first touch to closed deal and back to nurture. For each step: what happens, which team owns it, in which system, and within what time. Mark every connection that breaks, and how.',
		timeboxMinutes: 40
	},
	{
		key: 'barriers',
		kind: 'barriers',
		title: 'Barriers & incentives',
		prompt:
			'What stands between us and the shared goal? Compensation that rewards the wrong thing, metrics that pull apart, tools, process, culture. One barrier per card. Then we group them, vote on the ones that matter most, and give each top barrier a remedy and an owner.',
		timeboxMinutes: 40
	},
	{
		key: 'measures',
		kind: 'measures',
		title: 'Measures & cadence',
		prompt:
			'Which numbers will both teams be judged on? For each: definition, baseline, target, owner, data source and how often we review it. Then agree the rhythm of joint reviews and the date of the next one.',
		timeboxMinutes: 30
	},
	{
		key: 'agreements',
		kind: 'agreements',
		title: 'Agreements',
		prompt:
			'Every agreement we adopt, with its owner, due date and the buyer evidence behind it. Only the buyer gets to be right: an agreement without evidence is marked as such.',
		timeboxMinutes: 20
	}
];

export interface TermTemplate {
	key: string;
	name: string;
	/** A typed value the definition carries, e.g. the SLA in hours. */
	valueType: 'none' | 'hours' | 'points';
	hint: string;
}

/** The terms the Shared terms stage starts with. */
export const DEFAULT_TERMS: readonly TermTemplate[] = [
	{
		key: 'mql',
		name: 'MQL',
		valueType: 'none',
		hint: 'Marketing-qualified lead: when is a lead ready for sales?'
	},
	{
		key: 'sal',
		name: 'SAL',
		valueType: 'none',
		hint: 'Sales-accepted lead: what does accepting a lead commit sales to?'
	},
	{
		key: 'sql',
		name: 'SQL',
		valueType: 'none',
		hint: 'Sales-qualified lead: what must be true before it becomes pipeline?'
	},
	{
		key: 'opportunity',
		name: 'Opportunity',
		valueType: 'none',
		hint: 'When is it an opportunity, and in which stage does it enter the forecast?'
	},
	{
		key: 'recycled',
		name: 'Recycled / Nurture',
		valueType: 'none',
		hint: 'When does a lead go back to marketing, and with what information?'
	},
	{
		key: 'disqualified',
		name: 'Disqualified',
		valueType: 'none',
		hint: 'The reasons a lead is closed for good, as a fixed list.'
	},
	{
		key: 'score-threshold',
		name: 'Lead-score threshold',
		valueType: 'points',
		hint: 'The score at which a lead becomes an MQL.'
	},
	{
		key: 'handoff-sla',
		name: 'Hand-off SLA',
		valueType: 'hours',
		hint: 'Sales follows up an MQL within this many hours.'
	}
];

/** Fields each side typically needs on a lead; offered as suggestions per term. */
export const LEAD_FIELD_SUGGESTIONS = {
	marketing: ['Source', 'Campaign', 'Timeliness', 'Engagement'],
	sales: ['Budget', 'Authority', 'Need', 'Timeline']
} as const;

export const BROKEN_CONNECTION_KINDS = ['technology', 'human', 'human-by-technology'] as const;
export type BrokenConnectionKind = (typeof BROKEN_CONNECTION_KINDS)[number];

/** How a broken connection reads, on screen and in the charter. */
export const BROKEN_LABELS: Record<BrokenConnectionKind, string> = {
	technology: 'Technology',
	human: 'Human',
	'human-by-technology': 'Human, broken by technology'
};

export const BARRIER_CATEGORIES = labelledList({
	incentives: 'Incentives & compensation',
	metrics: 'Conflicting metrics',
	technology: 'Technology & data',
	process: 'Process',
	culture: 'Communication & culture',
	corporate: 'Corporate objectives',
	channel: 'Channel conflict'
});

/** The lead journey the Connections stage starts with; the room corrects it. */
export const DEFAULT_JOURNEY = [
	{
		step: 'First touch: form, event scan or content download',
		owner: 'Marketing',
		system: 'Marketing automation'
	},
	{
		step: 'Scoring reaches the threshold: MQL',
		owner: 'Marketing',
		system: 'Marketing automation'
	},
	{ step: 'Routed to an SDR with its context', owner: 'Marketing', system: 'CRM' },
	{ step: 'Follow-up within the SLA: accepted (SAL) or returned', owner: 'Sales', system: 'CRM' },
	{ step: 'Qualified: SQL and opportunity', owner: 'Sales', system: 'CRM' },
	{ step: 'Closed won or lost, with the reason', owner: 'Sales', system: 'CRM' },
	{
		step: 'Back to nurture with what was learned',
		owner: 'Marketing',
		system: 'Marketing automation'
	}
] as const;

/** Suggested measures for the Measures stage. */
export const SUGGESTED_MEASURES = [
	'MQL → SQL conversion',
	'Hand-off SLA adherence',
	'Marketing-sourced share of pipeline',
	'Win rate'
] as const;
