import * as v from 'valibot';
import { LEAD_FIELD_KEYS, MAX_CELL_CHARS } from '../domain/calibration/fields';

const leadId = v.pipe(
	v.string('Say which lead.'),
	v.regex(/^l\d{1,3}$/, 'Not a lead of this sample.')
);

export const categoriesSchema = v.pipe(
	v.array(
		v.strictObject(
			{
				id: v.optional(v.pipe(v.string(), v.regex(/^c\d{1,3}$/, 'Not a category of this stage.'))),
				label: v.pipe(
					v.string('Name each category.'),
					v.trim(),
					v.nonEmpty('A category needs a name.'),
					v.maxLength(60, 'A category’s name holds at most 60 characters.')
				)
			},
			'A category has a field that is not known.'
		),
		'Give the categories as a list.'
	),
	v.maxLength(8, 'Give at most 8 categories.')
);

/** The facilitator's actions on a calibration stage. */
export const calibrationActionSchema = v.variant(
	'action',
	[
		v.strictObject(
			{ action: v.literal('startRound') },
			'The request has a field that is not known.'
		),
		v.strictObject(
			{ action: v.literal('focus'), leadId: v.nullable(leadId) },
			'The request has a field that is not known.'
		),
		v.strictObject(
			{ action: v.literal('categories'), categories: categoriesSchema },
			'The request has a field that is not known.'
		),
		v.strictObject(
			{ action: v.literal('categoriesFromTerms') },
			'The request has a field that is not known.'
		)
	],
	'Say what to do: startRound, focus, categories or categoriesFromTerms.'
);

/** A lead typed in by hand. */
export const typedLeadSchema = v.strictObject(
	{
		reference: v.optional(
			v.pipe(
				v.string('The reference is text.'),
				v.maxLength(100, 'A reference holds at most 100 characters.')
			),
			''
		),
		fields: v.pipe(
			v.record(
				v.pipe(
					v.string(),
					v.check((k) => LEAD_FIELD_KEYS.includes(k), 'One of the fields is not a lead field.')
				),
				v.pipe(
					v.string('Each field is text.'),
					v.maxLength(MAX_CELL_CHARS, `A field holds at most ${MAX_CELL_CHARS} characters.`)
				)
			),
			v.check((f) => Object.keys(f).length > 0, 'Fill in at least one field.')
		)
	},
	'The lead has a field that is not known.'
);

/** How the columns of an uploaded file map to the lead fields: column → field key or "drop". */
export const columnMappingSchema = v.record(
	v.pipe(v.string(), v.maxLength(200)),
	v.pipe(
		v.string('Map each column to a field or to "drop".'),
		v.check(
			(f) => f === 'drop' || LEAD_FIELD_KEYS.includes(f),
			'Map each column to one of the lead fields, or drop it.'
		)
	),
	'Give the mapping as column → field.'
);
