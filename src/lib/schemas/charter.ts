/** Inputs of the charter: the facilitator's edits and invitations, leaders' reviews and signatures. */
import * as v from 'valibot';
import { PERIOD_PATTERN } from '../domain/charter/follow-up';

const key = v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'Not a valid id.'));
const words = (label: string, max: number, required = true) =>
	v.pipe(
		v.string(`Write ${label}.`),
		v.trim(),
		v.check((s) => !required || s.length > 0, `Write ${label}.`),
		v.maxLength(max, `Use at most ${max} characters for ${label}.`)
	);
/**
 * A name, a title: one line. A line break in one could make an export show a line of the
 * exporter's own (a heading, a signature) that nobody wrote; the exports guard against it
 * too, and here the form says so.
 */
const line = (label: string, max: number) =>
	v.pipe(
		words(label, max),
		v.check((s) => !/[\n\r\v\f\u0085\u2028\u2029]/.test(s), `Write ${label} on one line.`)
	);
const direction = v.picklist(['up', 'down'], 'Move up or down.');

/** Keeping a template's suggestion (a stage's lead journey) in the charter. */
export const keepSuggestionSchema = v.object({
	stageKey: v.pipe(v.string('Say which stage.'), v.regex(/^[a-z0-9-]{1,64}$/, 'Say which stage.'))
});

export const charterEditSchema = v.variant(
	'op',
	[
		v.strictObject({ op: v.literal('title'), text: line('the charter’s title', 200) }),
		v.strictObject({
			op: v.literal('section-title'),
			section: key,
			text: line('the section’s title', 200)
		}),
		v.strictObject({
			op: v.literal('section-intro'),
			section: key,
			text: words('the introduction', 2000, false)
		}),
		v.strictObject({
			op: v.literal('clause-text'),
			section: key,
			clause: key,
			text: words('the clause', 2000)
		}),
		v.strictObject({ op: v.literal('move-section'), section: key, direction }),
		v.strictObject({ op: v.literal('move-clause'), section: key, clause: key, direction }),
		v.strictObject({ op: v.literal('remove-clause'), section: key, clause: key }),
		v.strictObject({ op: v.literal('add-clause'), section: key, text: words('the clause', 2000) })
	],
	'Say what to change in the draft.'
);

const email = v.pipe(
	v.string('Write the leader’s email.'),
	v.trim(),
	v.toLowerCase(),
	v.nonEmpty('Write the leader’s email.'),
	v.maxLength(254, 'That email is too long.'),
	v.email('That email does not look right.')
);

/** A whole number from `min` to `max`: anything else gets the one `message`, which says so. */
const wholeNumber = (min: number, max: number, message: string) =>
	v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));

/** Form fields arrive as text; an empty signing order means "any time". */
export const inviteSchema = v.strictObject(
	{
		name: line('the leader’s name', 100),
		title: line('the leader’s title', 100),
		email,
		signingOrder: v.optional(
			v.pipe(
				v.string(),
				v.trim(),
				v.transform((s) => (s === '' ? null : Number(s))),
				v.nullable(wholeNumber(1, 9, 'The signing order is a whole number from 1 to 9.'))
			),
			''
		),
		expiresInDays: v.optional(
			v.pipe(
				v.string(),
				// Left empty, the link lasts the usual two weeks.
				v.transform((s) => (s.trim() === '' ? 14 : Number(s))),
				wholeNumber(1, 90, 'The link lasts a whole number of days, from 1 to 90.')
			),
			'14'
		)
	},
	'The invitation has a field that is not known.'
);

/** A leader going from the overview to another charter their browser opened a link for. */
export const openCharterSchema = v.strictObject(
	{
		workshopId: v.pipe(
			v.string('Say which charter to open.'),
			v.regex(/^[a-z2-7]{16}$/, 'That is not a charter of this overview.')
		)
	},
	'Say which charter to open.'
);

export const REVIEW_KINDS = ['comment', 'approve', 'request-changes'] as const;

export const reviewSchema = v.pipe(
	v.strictObject(
		{
			versionId: key,
			kind: v.picklist(REVIEW_KINDS, 'Comment, approve or request changes.'),
			section: v.optional(v.union([v.literal(''), key]), ''),
			text: v.optional(words('your comment', 2000, false), '')
		},
		'The review has a field that is not known.'
	),
	v.check(
		(r) => r.kind === 'approve' || r.text.length > 0,
		'Say what you would change, and why: the facilitator reads it.'
	)
);

export const signSchema = v.strictObject(
	{
		versionId: key,
		hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'The page did not send the hash you saw.')),
		fullName: line('your full name', 120),
		title: line('your title', 120),
		consent: v.optional(v.string(), '')
	},
	'The signature has a field that is not known.'
);

export const measureValueSchema = v.strictObject(
	{
		measureId: key,
		period: v.pipe(
			v.string('Give the period.'),
			v.trim(),
			v.regex(PERIOD_PATTERN, 'Give the period as a month (2027-03) or a quarter (2027-Q1).')
		),
		value: v.pipe(
			v.string('Give the value as a number.'),
			v.trim(),
			v.regex(/^-?\d+(\.\d+)?$/, 'Give the value as a plain number, e.g. 21.5 (no units).'),
			v.transform(Number),
			v.number('Give the value as a plain number.'),
			v.finite('Give the value as a plain number.')
		),
		recordedBy: words('who reports this value', 100)
	},
	'The value has a field that is not known.'
);
