import * as v from 'valibot';

const optionalText = (label: string, max: number) =>
	v.optional(
		v.nullable(
			v.pipe(
				v.string(`${label} must be text.`),
				v.trim(),
				v.maxLength(max, `Use at most ${max} characters for ${label}.`)
			)
		)
	);
const id = v.optional(
	v.nullable(v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'Not a valid id.')))
);

/** 2027-02-31 parses in JavaScript (as 3 March); a real date survives the round trip. */
function isCalendarDate(s: string): boolean {
	const time = Date.parse(`${s}T00:00:00Z`);
	return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === s;
}

export const EVIDENCE_KINDS = ['quote', 'lost-deal', 'figure', 'other'] as const;

export const evidenceSchema = v.strictObject(
	{
		kind: v.picklist(EVIDENCE_KINDS, 'Evidence is a quote, a lost-deal reason, a figure or other.'),
		text: v.pipe(
			v.string('Write the evidence.'),
			v.trim(),
			v.nonEmpty('Write the evidence: what the buyer said, why the deal was lost, or the figure.'),
			v.maxLength(1000, 'Evidence holds at most 1000 characters.')
		),
		source: v.optional(
			v.pipe(v.string(), v.trim(), v.maxLength(200, 'Use at most 200 characters for the source.')),
			''
		)
	},
	'The evidence has a field that is not known.'
);

/** Buyer evidence that cites a revealed calibration round (its text is the round's result). */
export const calibrationEvidenceSchema = v.strictObject(
	{
		kind: v.literal('calibration'),
		roundId: v.pipe(v.string('Say which round.'), v.regex(/^[a-z0-9-]{1,64}$/, 'Not a valid id.'))
	},
	'The evidence has a field that is not known.'
);

/** What the evidence endpoint takes: typed evidence, or a calibration result cited. */
export const addEvidenceSchema = v.union(
	[evidenceSchema, calibrationEvidenceSchema],
	'Evidence is a quote, a lost-deal reason, a figure, other, or a calibration round.'
);

export const newAgreementSchema = v.strictObject(
	{
		statement: v.pipe(
			v.string('Write the agreement.'),
			v.trim(),
			v.nonEmpty('Write what is agreed.'),
			v.maxLength(1000, 'An agreement holds at most 1000 characters.')
		),
		ownerTeamId: id,
		ownerName: optionalText('the owner’s name', 100),
		dueDate: v.optional(
			v.nullable(
				v.pipe(
					v.string(),
					v.regex(/^\d{4}-\d{2}-\d{2}$/, 'Give the due date as YYYY-MM-DD.'),
					v.check(isCalendarDate, 'That due date does not exist.')
				)
			)
		),
		metric: optionalText('the linked metric', 200),
		stageKey: id,
		sourceItemId: id,
		evidence: v.optional(
			v.pipe(v.array(evidenceSchema), v.maxLength(10, 'At most 10 pieces of evidence at once.'))
		)
	},
	'The agreement has a field that is not known.'
);
