import * as v from 'valibot';
import { CARD_TYPES, MAX_CARD_TEXT } from '../collab/cards';
import { BARRIER_CATEGORIES, BROKEN_CONNECTION_KINDS } from '../domain/template';

const shortText = (label: string, max = 200) =>
	v.pipe(
		v.string(`${label} must be text.`),
		v.trim(),
		v.maxLength(max, `Use at most ${max} characters for ${label}.`)
	);
const id = v.nullable(v.pipe(v.string(), v.regex(/^[a-z0-9]{1,64}$/, 'Not a valid id.')));

const cardText = v.pipe(
	v.string('Write the card’s text.'),
	v.trim(),
	v.nonEmpty('A card needs some text.'),
	v.maxLength(MAX_CARD_TEXT, `A card holds at most ${MAX_CARD_TEXT} characters.`)
);

/** Fields any card may carry; which ones matter depends on its type. */
const fieldEntries = {
	aboutTeamId: v.optional(id),
	verdict: v.optional(
		v.nullable(v.picklist(['accurate', 'inaccurate'], 'A verdict is accurate or inaccurate.'))
	),
	correction: v.optional(shortText('the correction', MAX_CARD_TEXT)),
	valueType: v.optional(v.picklist(['none', 'hours', 'points'])),
	value: v.optional(
		v.nullable(
			v.pipe(
				v.number('The value must be a number.'),
				v.finite(),
				v.minValue(0, 'The value cannot be negative.')
			)
		)
	),
	hint: v.optional(shortText('the hint', 300)),
	ownerTeamId: v.optional(id),
	system: v.optional(shortText('the system', 100)),
	slaHours: v.optional(
		v.nullable(
			v.pipe(
				v.number('The SLA must be a number of hours.'),
				v.finite(),
				v.minValue(0),
				v.maxValue(24 * 365)
			)
		)
	),
	broken: v.optional(
		v.nullable(
			v.picklist(
				BROKEN_CONNECTION_KINDS,
				'A broken connection is technology, human or human-by-technology.'
			)
		)
	),
	note: v.optional(shortText('the note', MAX_CARD_TEXT)),
	isReturnPath: v.optional(v.boolean()),
	category: v.optional(
		v.picklist(
			BARRIER_CATEGORIES.map((c) => c.key),
			'Choose one of the barrier categories.'
		)
	),
	groupId: v.optional(id),
	groupTitle: v.optional(shortText('the group’s title', 120)),
	remedy: v.optional(shortText('the remedy', MAX_CARD_TEXT)),
	remedyOwner: v.optional(shortText('the remedy’s owner', 100)),
	definition: v.optional(shortText('the definition', MAX_CARD_TEXT)),
	baseline: v.optional(shortText('the baseline', 100)),
	target: v.optional(shortText('the target', 100)),
	frequency: v.optional(shortText('the review frequency', 100)),
	nextReviewDate: v.optional(
		v.union(
			// Empty: no date yet (an edit may take one back).
			[
				v.literal(''),
				v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'Give the date as YYYY-MM-DD.'))
			],
			'Give the date as YYYY-MM-DD.'
		)
	),
	today: v.optional(shortText('what is rewarded today', MAX_CARD_TEXT)),
	needed: v.optional(shortText('what the shared goal needs', MAX_CARD_TEXT)),
	exitCriteria: v.optional(shortText('the exit criteria', MAX_CARD_TEXT)),
	hoursBasis: v.optional(
		v.nullable(v.picklist(['business', 'calendar'], 'Hours are business hours or calendar hours.'))
	),
	attempts: v.optional(
		v.nullable(
			v.pipe(
				v.number('The attempts must be a number.'),
				v.integer('The attempts must be a whole number.'),
				v.minValue(0, 'The attempts cannot be negative.'),
				v.maxValue(100, 'Use at most 100 attempts.')
			)
		)
	),
	reasons: v.optional(shortText('the reasons', MAX_CARD_TEXT))
};

/**
 * Fields only the server writes (a dot vote's result): named here so that a request carrying
 * them is refused with words that say why, rather than as an unknown field.
 */
const serverWritten = {
	dots: v.optional(v.never('Dots come from the dot vote; they cannot be set by hand.')),
	rank: v.optional(v.never('A barrier’s rank comes from the dot vote; it cannot be set by hand.')),
	keptInCharter: v.optional(
		v.never('A suggestion is kept in the charter from the charter page, not on the board.')
	)
};

export const newCardSchema = v.strictObject(
	{
		type: v.picklist(CARD_TYPES, 'Say what kind of card this is.'),
		text: cardText,
		...fieldEntries,
		...serverWritten
	},
	'The card has a field this board does not know.'
);

export const cardPatchSchema = v.pipe(
	v.strictObject(
		{ text: v.optional(cardText), ...fieldEntries, ...serverWritten },
		'The change has a field this board does not know.'
	),
	v.check((patch) => Object.keys(patch).length > 0, 'Say what to change.')
);

export const moveSchema = v.object({
	direction: v.picklist(['earlier', 'later'], 'Say which way to move it: earlier or later.')
});

export const doneSchema = v.object({ done: v.boolean('Say done: true or false.') });
