import * as v from 'valibot';
import { MIN_K } from '../domain/polls';

const id = v.pipe(v.string('Not a valid id.'), v.regex(/^[a-z0-9-]{1,64}$/, 'Not a valid id.'));

const question = v.pipe(
	v.string('Write the question.'),
	v.trim(),
	v.nonEmpty('Write the question people vote on.'),
	v.maxLength(1000, 'A question holds at most 1000 characters.')
);

const k = v.optional(
	v.pipe(
		v.number('Give k as a number.'),
		v.integer('Give k as a whole number.'),
		v.minValue(MIN_K, `k is at least ${MIN_K}: smaller groups would show individual votes.`),
		v.maxValue(100, 'k is at most 100.')
	),
	3
);

const maxObjectionPercent = v.optional(
	v.pipe(
		v.number('Give the objection threshold as a number.'),
		v.integer('Give the objection threshold as a whole percentage.'),
		v.minValue(0, 'The objection threshold is 0% or more.'),
		v.maxValue(49, 'The objection threshold is below 50%: half objecting is not consent.')
	),
	0
);

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const count = (label: string, max: number) =>
	v.pipe(
		v.number(`Give ${label} as a number.`),
		v.integer(`Give ${label} as a whole number.`),
		v.minValue(1, `${capitalise(label)} is at least 1.`),
		v.maxValue(max, `${capitalise(label)} is at most ${max}.`)
	);

const unknownField = 'The poll has a field that is not known.';

export const newPollSchema = v.variant(
	'kind',
	[
		v.strictObject(
			{
				kind: v.literal('consent'),
				/** An agreement in the register, or a term on a Shared terms board (its merged wording). */
				agreementId: v.optional(id),
				stageKey: v.optional(id),
				sourceItemId: v.optional(id),
				question: v.optional(question),
				k,
				maxObjectionPercent
			},
			unknownField
		),
		v.strictObject(
			{
				kind: v.literal('dot'),
				question,
				stageKey: id,
				/** The cards to vote over; all barrier cards of the stage when left out. */
				cardIds: v.optional(
					v.pipe(
						v.array(id),
						v.minLength(2, 'A dot vote needs at least 2 cards.'),
						v.maxLength(100, 'A dot vote takes at most 100 cards.')
					)
				),
				dotBudget: count('the dot budget', 20),
				dotMaxPerCard: count('the most dots on one card', 20),
				k
			},
			unknownField
		),
		v.strictObject(
			{
				kind: v.literal('choice'),
				question,
				options: v.pipe(
					v.array(
						v.pipe(
							v.string('Each option is text.'),
							v.trim(),
							v.nonEmpty('An option cannot be empty.'),
							v.maxLength(200, 'An option holds at most 200 characters.')
						)
					),
					v.minLength(2, 'Give at least 2 options.'),
					v.maxLength(12, 'Give at most 12 options.'),
					v.check((o) => new Set(o).size === o.length, 'Two options say the same thing.')
				),
				k
			},
			unknownField
		),
		v.strictObject({ kind: v.literal('scale'), question, k }, unknownField)
	],
	'Say what kind of poll: consent, dot, choice or scale.'
);
export type NewPoll = v.InferOutput<typeof newPollSchema>;

export const pollControlSchema = v.object({
	action: v.picklist(
		['open', 'close', 'reveal', 'revote'],
		'Say what to do: open, close, reveal or revote.'
	)
});

/**
 * The device secret: made and kept on the participant's device, sent with every cast. The
 * server stores only its SHA-256, so the key to a ballot is never in the database.
 */
export const deviceSecret = v.pipe(
	v.string('Send this device’s ballot key.'),
	v.regex(/^[A-Za-z0-9_-]{32,128}$/, 'This device’s ballot key is not in the expected form.')
);

export const ballotSchema = v.strictObject(
	{
		choice: v.union([v.string(), v.record(v.string(), v.unknown())], 'Say what you vote for.'),
		reason: v.optional(
			v.nullable(
				v.pipe(
					v.string('A reason is text.'),
					v.trim(),
					v.maxLength(500, 'A reason holds at most 500 characters.')
				)
			)
		),
		secret: deviceSecret
	},
	'The ballot has a field that is not known.'
);
