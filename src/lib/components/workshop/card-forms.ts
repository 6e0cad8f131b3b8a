/**
 * Which cards a participant adds on each kind of stage, and the fields each card asks for.
 * One table drives the add and edit forms, the grouping of the board, the details shown on a
 * card and the columns of the tables (incentives, measures, cadence), on the phone and in the
 * console alike, so a new card type is a new row rather than a new component.
 */
import type { Card, CardFields, CardType } from '$lib/collab/cards';
import { termRole } from '$lib/domain/lifecycle/model';
import type { StageKind } from '$lib/domain/template';

export { BROKEN_LABELS } from '$lib/domain/template';

export type FieldKind =
	| 'text'
	| 'longtext'
	| 'number'
	| 'whole-number'
	| 'team'
	| 'category'
	| 'date'
	| 'checkbox'
	| 'broken'
	| 'hours-basis';

export interface FieldSpec {
	name: keyof CardFields;
	label: string;
	kind: FieldKind;
	/** Shown after a number, e.g. "hours". */
	unit?: string;
	/** A line under the input saying what the value is for. */
	hint?: string;
}

/** The two ways an SLA counts hours, as the forms name them. */
export const HOURS_BASIS_LABELS = {
	business: 'Business hours',
	calendar: 'Calendar hours'
} as const;

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
	/** Shown as rows of a table, one column per field (the text first). */
	table?: boolean;
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
			{ name: 'hoursBasis', label: 'SLA hours counted', kind: 'hours-basis' },
			{ name: 'isReturnPath', label: 'Back to nurture', kind: 'checkbox' },
			{ name: 'broken', label: 'Broken connection', kind: 'broken' },
			{ name: 'note', label: 'What breaks', kind: 'text' }
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
		],
		table: true
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
			{ name: 'frequency', label: 'Review frequency', kind: 'text' }
		],
		table: true
	},
	cadence: {
		type: 'cadence',
		group: 'Review rhythm',
		add: 'Add a review meeting',
		textLabel: 'Meeting',
		fields: [
			{ name: 'frequency', label: 'How often', kind: 'text' },
			{ name: 'nextReviewDate', label: 'Next review', kind: 'date' }
		],
		table: true
	},
	note: NOTE
};

/** The cards participants add on each kind of stage, in the order the stage works through them. */
export const CARD_TYPES_BY_STAGE: Record<StageKind, readonly CardType[]> = {
	'focus-value': ['focus', 'value-driver', 'outcome', 'need', 'empathy-goal', 'empathy-pain'],
	'shared-terms': ['term'],
	// Its leads are classified on their own screens, not added as cards.
	calibration: [],
	connections: ['step'],
	barriers: ['barrier', 'incentive'],
	measures: ['measure', 'cadence'],
	agreements: ['note'],
	open: ['note']
};

/**
 * The lifecycle facts a term carries for the CRM (src/lib/domain/lifecycle/model.ts), by what
 * the term stands for: a stage has exit criteria and an owner team (its entry criteria are
 * the merged wording, its required fields each team's list of fields); a hand-off SLA its
 * hours, how they are counted and the two teams; a score threshold its points; the return to
 * nurture the attempts before it and its reasons; the disqualification its reasons.
 */
export function lifecycleFieldsOf(term: Pick<Card, 'text' | 'valueType'>): FieldSpec[] {
	const fields: FieldSpec[] = [];
	const role = termRole(term.text);
	if (role === 'stage') {
		fields.push(
			{
				name: 'exitCriteria',
				label: 'Exit criteria',
				kind: 'longtext',
				hint: 'When a lead leaves this stage.'
			},
			{ name: 'ownerTeamId', label: 'Owner team', kind: 'team', hint: 'The team that owns it.' }
		);
	}
	if (term.valueType === 'points') {
		fields.push({
			name: 'value',
			label: 'MQL score threshold',
			kind: 'number',
			unit: 'points',
			hint: 'The score at which a lead becomes an MQL.'
		});
	}
	if (term.valueType === 'hours') {
		fields.push(
			{ name: 'value', label: 'Hand-off SLA', kind: 'number', unit: 'hours' },
			{ name: 'hoursBasis', label: 'Hours counted', kind: 'hours-basis' },
			{ name: 'fromTeamId', label: 'Handed over by', kind: 'team' },
			{
				name: 'ownerTeamId',
				label: 'Owner team',
				kind: 'team',
				hint: 'The team that must act within the SLA.'
			}
		);
	}
	if (role === 'recycle') {
		fields.push(
			{ name: 'attempts', label: 'Attempts before return to nurture', kind: 'whole-number' },
			{
				name: 'reasons',
				label: 'Recycle reasons',
				kind: 'longtext',
				hint: 'One per line, or separated by semicolons.'
			}
		);
	}
	if (role === 'disqualification') {
		fields.push({
			name: 'reasons',
			label: 'Disqualification reasons',
			kind: 'longtext',
			hint: 'A fixed list: one per line, or separated by semicolons.'
		});
	}
	return fields;
}

/**
 * A card form's values as the endpoints take them: numbers as numbers, checkboxes as
 * booleans. Adding leaves empty fields out; editing sends them emptied (null for a number, a
 * team or a broken connection), so a value can be taken back.
 */
export function fieldsFromForm(
	spec: CardTypeSpec,
	data: FormData,
	mode: 'add' | 'edit'
): Record<string, unknown> {
	return { text: String(data.get('text') ?? ''), ...fieldValues(spec.fields, data, mode) };
}

const CLEARED_AS_NULL: ReadonlySet<FieldKind> = new Set([
	'number',
	'whole-number',
	'team',
	'broken',
	'hours-basis'
]);

/** The values of `fields` in a form, as `fieldsFromForm` reads them (without the text). */
export function fieldValues(
	fields: readonly FieldSpec[],
	data: FormData,
	mode: 'add' | 'edit'
): Record<string, unknown> {
	const card: Record<string, unknown> = {};
	for (const field of fields) {
		const raw = data.get(field.name);
		if (field.kind === 'checkbox') {
			card[field.name] = raw === 'on';
			continue;
		}
		const value = typeof raw === 'string' ? raw.trim() : '';
		if (value === '') {
			if (mode === 'add') continue;
			card[field.name] = CLEARED_AS_NULL.has(field.kind) ? null : '';
			continue;
		}
		card[field.name] =
			field.kind === 'number' || field.kind === 'whole-number' ? Number(value) : value;
	}
	return card;
}
