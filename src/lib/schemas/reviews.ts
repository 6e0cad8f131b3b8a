/**
 * Input of review sessions and the shared learning agenda, at the API boundary. Rules that
 * need the database or the clock (a date not in the past, a team of this workshop) are checked
 * in src/lib/server/reviews/ and learning.ts.
 */
import * as v from 'valibot';

const id = (what: string) =>
	v.pipe(v.string(`Say which ${what}.`), v.regex(/^[a-z0-9]{1,64}$/, `That is not a ${what} id.`));

export const calendarDate = (what: string) =>
	v.pipe(
		v.string(`Give ${what} as a date.`),
		v.regex(/^\d{4}-\d{2}-\d{2}$/, `Give ${what} as a date, YYYY-MM-DD.`),
		v.check((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), `${what} is not a real date.`)
	);

export const startReviewSchema = v.strictObject({
	/** The clauses to pulse; all of the signed version's when left out. */
	clauseIds: v.optional(
		v.pipe(
			v.array(v.pipe(v.string('A clause id is text.'), v.minLength(1)), 'List the clauses.'),
			v.minLength(1, 'Choose at least one clause to pulse.'),
			v.maxLength(200, 'A charter has at most 200 clauses.')
		)
	)
});

export const markClauseSchema = v.strictObject({
	clauseId: v.pipe(v.string('Say which clause.'), v.minLength(1, 'Say which clause.')),
	/** The wording the room proposes; null takes the mark off. */
	proposedText: v.nullable(
		v.pipe(
			v.string('The proposed wording is text.'),
			v.trim(),
			v.minLength(1, 'Write the wording the room proposes for this clause.'),
			v.maxLength(2000, 'A clause holds at most 2,000 characters.')
		)
	)
});

export const amendmentSchema = v.strictObject({
	/** The version the amendment edits: it must be the current one. */
	versionId: id('version'),
	publish: v.optional(v.boolean('Say whether to publish: true or false.'), false)
});

export const nextReviewSchema = v.strictObject({ date: calendarDate('the next review date') });

export const LEARNING_KINDS = ['reading', 'talk', 'course'] as const;

export const learningItemSchema = v.strictObject({
	title: v.pipe(
		v.string('Give the item a title.'),
		v.trim(),
		v.minLength(1, 'Give the item a title: it cannot be empty.'),
		v.maxLength(200, 'A title holds at most 200 characters.')
	),
	kind: v.picklist(LEARNING_KINDS, 'Say whether it is a reading, a talk or a course.'),
	teamId: v.nullable(id('team')),
	owner: v.pipe(
		v.string('Name the owner.'),
		v.trim(),
		v.minLength(1, 'Name the owner: who leads the discussion.'),
		v.maxLength(120, 'An owner’s name holds at most 120 characters.')
	),
	discussOn: calendarDate('the discussion date')
});

export const takeawaysSchema = v.strictObject({
	takeaways: v.pipe(
		v.string('Takeaways are text.'),
		v.trim(),
		v.maxLength(4000, 'Takeaways hold at most 4,000 characters.')
	)
});

/** The learning item's form fields, in the order the forms show them. */
export const learningItemFields = ['title', 'kind', 'teamId', 'owner', 'discussOn'] as const;

/** The learning item's form: text fields, "" for "both teams", then the same rules as the API. */
export const learningItemForm = v.pipe(
	v.object({
		title: v.string(),
		kind: v.string(),
		teamId: v.string(),
		owner: v.string(),
		discussOn: v.string()
	}),
	v.transform((f) => ({ ...f, teamId: f.teamId || null })),
	learningItemSchema
);

const itemId = v.pipe(v.string(), v.minLength(1, 'Say which item.'));

export const learningItemIdForm = v.object({ itemId });

/** Recording takeaways from a form: something must be written (the API may clear them). */
export const takeawaysForm = v.object({
	itemId,
	takeaways: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'Write the takeaways: what the teams took from it.'),
		v.maxLength(4000, 'Takeaways hold at most 4,000 characters.')
	)
});
