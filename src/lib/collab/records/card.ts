/**
 * The card record: one item of a board (BOARD_KEYS.cards: id → Y.Map). Its shape is the
 * valibot schema below and its type is inferred from it, so the two cannot drift; the
 * request schemas (src/lib/schemas/cards.ts) are made of the same field entries.
 *
 * A stored card that does not match (written by a newer release, or damaged) reads as an
 * `UnknownItem`, never as a card with `undefined` fields. A change of this shape is a new
 * board schema version with a migration (../board.ts) and a new document fixture.
 */
import * as v from 'valibot';
import { BARRIER_CATEGORIES, BROKEN_CONNECTION_KINDS } from '../../domain/template';

export const CARD_TYPES = [
	/** Focus & value. */
	'focus',
	'value-driver',
	'outcome',
	'need',
	/** Empathy round: one team's view of another team's goals or pains (`aboutTeamId`). */
	'empathy-goal',
	'empathy-pain',
	/** Shared terms: one term with a wording per team and a merged wording. */
	'term',
	/** Connections: one step of the lead's journey. */
	'step',
	/** Barriers & incentives. */
	'barrier',
	'incentive',
	/** Measures & cadence. */
	'measure',
	'cadence',
	/** Any board. */
	'note'
] as const;
export type CardType = (typeof CARD_TYPES)[number];

export const MAX_CARD_TEXT = 500;

const shortText = (label: string, max = 200) =>
	v.pipe(
		v.string(`${label} must be text.`),
		v.trim(),
		v.maxLength(max, `Use at most ${max} characters for ${label}.`)
	);
const id = v.nullable(v.pipe(v.string(), v.regex(/^[a-z0-9]{1,64}$/, 'Not a valid id.')));

/**
 * Scalar fields a card may carry besides its text, by name; which ones matter depends on its
 * type. The server checks every request against these (src/lib/schemas/cards.ts), and every
 * stored card is read through them.
 */
export const cardFieldEntries = {
	/** Empathy cards: the team the card is about. */
	aboutTeamId: v.optional(id),
	/** Empathy cards: the other team's verdict, and its correction. */
	verdict: v.optional(
		v.nullable(v.picklist(['accurate', 'inaccurate'], 'A verdict is accurate or inaccurate.'))
	),
	correction: v.optional(shortText('the correction', MAX_CARD_TEXT)),
	/** Terms: the typed value (hours for the SLA, points for the score threshold). */
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
	/** Steps and measures: the owning team, system or source, SLA. */
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
	/**
	 * Barriers: category, group, remedy and its owner (a team or a person, in words). A group
	 * is every barrier with the same `groupId`: the id of the card the first ones were put
	 * together with. Its title, when someone gave it one, is on every member (see ../barriers).
	 */
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
	/** Measures. */
	definition: v.optional(shortText('the definition', MAX_CARD_TEXT)),
	baseline: v.optional(shortText('the baseline', 100)),
	target: v.optional(shortText('the target', 100)),
	frequency: v.optional(shortText('the review frequency', 100)),
	/** Cadence. */
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
	/** Incentives: what the team is rewarded for today, and what the shared goal needs. */
	today: v.optional(shortText('what is rewarded today', MAX_CARD_TEXT)),
	needed: v.optional(shortText('what the shared goal needs', MAX_CARD_TEXT)),
	/**
	 * Terms, for the lead lifecycle a CRM receives: when a lead leaves the stage, the hours an
	 * SLA counts (business or calendar; steps too), the attempts before a lead returns to
	 * nurture, and the reasons (disqualification, recycling) as a list written as text. A term's
	 * `ownerTeamId` is the team that owns the stage, or that must act within the SLA;
	 * `fromTeamId` is the team that hands the lead over under that SLA.
	 */
	fromTeamId: v.optional(id),
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
 * Written by the server only: a revealed dot vote's result (`boards.recordDotResults`:
 * barriers' dots and rank, 1 = most dots, ties share), and a template suggestion the
 * facilitator keeps in the charter although the room never changed it (`boards.keepInCharter`),
 * and the question a pre-work answer answers. No request may set them.
 */
export const serverWrittenEntries = {
	dots: v.optional(v.nullable(v.number())),
	rank: v.optional(v.nullable(v.number())),
	keptInCharter: v.optional(v.boolean()),
	/** A pre-work answer (src/lib/server/prework/answers.ts): the question the note answers. */
	prompt: v.optional(v.string())
};

/** A card as stored on a board (Y.Text values read as strings). */
export const cardSchema = v.object({
	id: v.string(),
	type: v.picklist(CARD_TYPES),
	text: v.string(),
	/** The author's team; null for the facilitator. */
	teamId: v.nullable(v.string()),
	createdAt: v.number(),
	/** Sort order within its type (steps are ordered; others follow creation). */
	position: v.number(),
	...cardFieldEntries,
	...serverWrittenEntries
});

export type Card = v.InferOutput<typeof cardSchema>;
/** Scalar fields a card may carry besides its text (what a request may set). */
export type CardFields = Pick<Card, keyof typeof cardFieldEntries>;
export type DotResult = Pick<Card, 'dots' | 'rank'>;
export type CharterChoice = Pick<Card, 'keptInCharter'>;
export type PreworkOrigin = Pick<Card, 'prompt'>;

/**
 * An item on a board this release cannot read as a card: shown as such ("an item this version
 * cannot show"), never as a card with missing fields. `text` is its text when it has one.
 */
export interface UnknownItem {
	id: string;
	type: 'unknown';
	text: string | null;
	/** Why it is not a card, for logs and for the facilitator. */
	problem: string;
}

/** A stored card's plain values, checked: the card, or an UnknownItem saying what is wrong. */
export function parseCard(raw: Record<string, unknown>): Card | UnknownItem {
	const result = v.safeParse(cardSchema, raw);
	if (result.success) return result.output;
	const issue = result.issues[0];
	const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
	return {
		id: String(raw.id),
		type: 'unknown',
		text: typeof raw.text === 'string' ? raw.text : null,
		problem: path ? `${path}: ${issue.message}` : issue.message
	};
}

export function isUnknownItem(item: Card | UnknownItem): item is UnknownItem {
	return item.type === 'unknown';
}
