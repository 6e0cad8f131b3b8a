/**
 * Which cards a participant adds on each kind of stage, and the fields each card asks for.
 * One table drives the add form, the grouping of the board and the details shown on a card,
 * so a new card type is a new row rather than a new component.
 */
import type { CardFields, CardType } from '$lib/collab/cards';
import type { StageKind } from '$lib/domain/template';

export type FieldKind = 'text' | 'number' | 'team' | 'category' | 'date' | 'checkbox';

export interface FieldSpec {
	name: keyof CardFields;
	label: string;
	kind: FieldKind;
	/** Shown after a number, e.g. "hours". */
	unit?: string;
}

export interface CardTypeSpec {
	type: CardType;
	/** A heading for the group of these cards on the board. */
	group: string;
	/** The add button's and form's name for one card, e.g. "Add a barrier". */
	add: string;
	/** The label of the card's main text. */
	textLabel: string;
	fields: readonly FieldSpec[];
	/** Empathy cards are about another team, chosen when writing. */
	isAboutOtherTeam?: boolean;
}

const NOTE: CardTypeSpec = {
	type: 'note',
	group: 'Notes',
	add: 'Add a note',
	textLabel: 'Note',
	fields: []
};

export const CARD_TYPE_SPECS: Record<CardType, CardTypeSpec> = {
	focus: {
		type: 'focus',
		group: 'Our focus',
		add: 'Add a focus',
		textLabel: 'What your team is focused on',
		fields: []
	},
	'value-driver': {
		type: 'value-driver',
		group: 'Value drivers',
		add: 'Add a value driver',
		textLabel: 'A driver of value your team controls',
		fields: []
	},
	outcome: {
		type: 'outcome',
		group: 'Outcomes',
		add: 'Add an outcome',
		textLabel: 'An outcome your team is judged on',
		fields: []
	},
	need: {
		type: 'need',
		group: 'What we need from each other',
		add: 'Add a need',
		textLabel: 'What your team needs from the other team',
		fields: []
	},
	'empathy-goal': {
		type: 'empathy-goal',
		group: 'Their goals, as the other team sees them',
		add: 'Add their goal',
		textLabel: 'A goal of the other team, as you see it',
		fields: [],
		isAboutOtherTeam: true
	},
	'empathy-pain': {
		type: 'empathy-pain',
		group: 'Their pains, as the other team sees them',
		add: 'Add their pain',
		textLabel: 'A pain of the other team, as you see it',
		fields: [],
		isAboutOtherTeam: true
	},
	term: {
		type: 'term',
		group: 'Terms',
		add: 'Add a term',
		textLabel: 'Term',
		fields: []
	},
	step: {
		type: 'step',
		group: 'The lead’s journey',
		add: 'Add a step',
		textLabel: 'What happens',
		fields: [
			{ name: 'ownerTeamId', label: 'Owner team', kind: 'team' },
			{ name: 'system', label: 'System', kind: 'text' },
			{ name: 'slaHours', label: 'SLA', kind: 'number', unit: 'hours' },
			{ name: 'isReturnPath', label: 'Back to nurture', kind: 'checkbox' }
		]
	},
	barrier: {
		type: 'barrier',
		group: 'Barriers',
		add: 'Add a barrier',
		textLabel: 'Barrier',
		fields: [{ name: 'category', label: 'Category', kind: 'category' }]
	},
	incentive: {
		type: 'incentive',
		group: 'Incentives',
		add: 'Add an incentive',
		textLabel: 'Team or role',
		fields: [
			{ name: 'today', label: 'Rewarded for today', kind: 'text' },
			{ name: 'needed', label: 'What the shared goal needs', kind: 'text' }
		]
	},
	measure: {
		type: 'measure',
		group: 'Measures',
		add: 'Add a measure',
		textLabel: 'Metric',
		fields: [
			{ name: 'definition', label: 'Definition', kind: 'text' },
			{ name: 'baseline', label: 'Baseline', kind: 'text' },
			{ name: 'target', label: 'Target', kind: 'text' },
			{ name: 'ownerTeamId', label: 'Owner team', kind: 'team' },
			{ name: 'system', label: 'Data source', kind: 'text' },
			{ name: 'frequency', label: 'Reviewed', kind: 'text' }
		]
	},
	cadence: {
		type: 'cadence',
		group: 'Review rhythm',
		add: 'Add a review meeting',
		textLabel: 'Meeting',
		fields: [
			{ name: 'frequency', label: 'How often', kind: 'text' },
			{ name: 'nextReviewDate', label: 'Next review', kind: 'date' }
		]
	},
	note: NOTE
};

/** The cards participants add on each kind of stage, in the order the stage works through them. */
export const CARD_TYPES_BY_STAGE: Record<StageKind, readonly CardType[]> = {
	'focus-value': ['focus', 'value-driver', 'outcome', 'need', 'empathy-goal', 'empathy-pain'],
	'shared-terms': ['term'],
	connections: ['step'],
	barriers: ['barrier', 'incentive'],
	measures: ['measure', 'cadence'],
	agreements: ['note'],
	open: ['note']
};
