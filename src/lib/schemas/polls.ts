import * as v from 'valibot';
import { MAX_LEADS } from '../domain/calibration/fields';
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

const base64url = (what: string, min: number, max: number) =>
	v.pipe(
		v.string(`Send the ${what}.`),
		v.regex(/^[A-Za-z0-9_-]+$/, `The ${what} is not in the expected form.`),
		v.minLength(min, `The ${what} is not in the expected form.`),
		v.maxLength(max, `The ${what} is not in the expected form.`)
	);

const keyId = v.pipe(
	v.string('Say which voting key the token is for.'),
	v.regex(/^[0-9a-f]{64}$/, 'The voting key id is not in the expected form.')
);

/** A device asks for its voting token: a blinded message (2048-bit RSA: 256 bytes). */
export const tokenRequestSchema = v.strictObject(
	{ keyId, blindedMessage: base64url('blinded message', 342, 342) },
	'The token request has a field that is not known.'
);

/**
 * A ballot: the choice and the voting token (message and signature), and no identity. The
 * message is the suite's 32 random bytes and the device's 32 (64 bytes); the signature is
 * 256 bytes.
 */
export const ballotSchema = v.strictObject(
	{
		choice: v.pipe(
			// An array before the record: a record schema would read an array as an object.
			v.union(
				[v.string(), v.array(v.unknown()), v.record(v.string(), v.unknown())],
				'Say what you vote for.'
			),
			v.check(
				(c) => !Array.isArray(c) || c.length <= MAX_LEADS,
				`A round has at most ${MAX_LEADS} leads.`
			)
		),
		reason: v.optional(
			v.nullable(
				v.pipe(
					v.string('A reason is text.'),
					v.trim(),
					v.maxLength(500, 'A reason holds at most 500 characters.')
				)
			)
		),
		token: v.strictObject(
			{
				keyId,
				message: base64url('voting token', 86, 86),
				signature: base64url('voting token’s signature', 342, 342)
			},
			'The voting token has a field that is not known.'
		)
	},
	'The ballot has a field that is not known.'
);
