/**
 * The lead lifecycle a signed charter describes, as typed data: stages in order with entry and
 * exit criteria and an owner, the MQL threshold, the SLA of each hand-off, the attempts before a
 * lead returns to nurture, the fields each stage needs, and the reasons a lead is disqualified
 * or recycled. Every CRM export is rendered from this one model.
 *
 * It is computed from a version's stored content, never from the live boards, so that what a
 * CRM receives is exactly what the leaders signed. Stored versions are hashed and never
 * migrated: the reader goes by their `schema` tag and treats every fact a version does not
 * carry as undefined. Where the room left something open, the model says so in words
 * (`{ defined: false, reason }`); it never fills in a default.
 */
import * as v from 'valibot';
import type { JsonObject, JsonValue } from '../charter/canon';
import { CHARTER_SCHEMA, type CharterContent, type CharterItem } from '../charter/content';

export const LIFECYCLE_FORMAT = 'common-ground/lifecycle@1';

const undefinedSchema = v.strictObject({
	defined: v.literal(false),
	reason: v.pipe(v.string(), v.nonEmpty())
});

/** A fact the room agreed (with the clause it comes from), or the reason it is open. */
const maybe = <T extends v.GenericSchema>(value: T) =>
	v.variant('defined', [
		v.strictObject({ defined: v.literal(true), value, clauseId: v.string() }),
		undefinedSchema
	]);

const text = v.pipe(v.string(), v.nonEmpty());
const fieldsSchema = v.array(v.strictObject({ team: text, fields: v.array(text) }));
export const HOURS_BASES = ['business', 'calendar'] as const;

export const STAGE_KEYS = ['mql', 'sal', 'sql', 'opportunity'] as const;
export type StageKey = (typeof STAGE_KEYS)[number];

export const stageSchema = v.strictObject({
	key: v.picklist(STAGE_KEYS),
	label: text,
	order: v.pipe(v.number(), v.integer(), v.minValue(1)),
	entryCriteria: maybe(text),
	exitCriteria: maybe(text),
	ownerTeam: maybe(text),
	requiredFields: maybe(fieldsSchema)
});

export const handoffSchema = v.strictObject({
	name: text,
	fromTeam: maybe(text),
	toTeam: maybe(text),
	hours: maybe(v.pipe(v.number(), v.minValue(0))),
	hoursBasis: maybe(v.picklist(HOURS_BASES))
});

export const charterRefSchema = v.strictObject({
	title: text,
	organisation: v.string(),
	version: v.pipe(v.number(), v.integer(), v.minValue(1)),
	versionId: text,
	sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
	publishedAt: text,
	verificationUrl: v.pipe(v.string(), v.url())
});

export const lifecycleSchema = v.strictObject({
	format: v.literal(LIFECYCLE_FORMAT),
	charter: charterRefSchema,
	stages: v.array(stageSchema),
	mqlThreshold: maybe(v.pipe(v.number(), v.minValue(0))),
	handoffs: v.array(handoffSchema),
	attemptsBeforeNurture: maybe(v.pipe(v.number(), v.integer(), v.minValue(0))),
	/** Fields a side asked for on a term that is not a stage (the SLA, the threshold). */
	otherRequiredFields: v.array(
		v.strictObject({ term: text, clauseId: text, fields: fieldsSchema })
	),
	/** Closed for good: the definition and its fixed list of reasons. */
	disqualification: v.strictObject({ definition: maybe(text), reasons: maybe(v.array(text)) }),
	/** Back to marketing: the definition and the reasons a lead is recycled. */
	recycle: v.strictObject({ definition: maybe(text), reasons: maybe(v.array(text)) })
});

export type Maybe<T> = { defined: true; value: T; clauseId: string } | Undefined;
export type Undefined = v.InferOutput<typeof undefinedSchema>;
export type LifecycleStage = v.InferOutput<typeof stageSchema>;
export type Handoff = v.InferOutput<typeof handoffSchema>;
export type CharterRef = v.InferOutput<typeof charterRefSchema>;
export type Lifecycle = v.InferOutput<typeof lifecycleSchema>;

/** The version a model is computed from: its stored content and what identifies it. */
export interface SignedVersion {
	id: string;
	number: number;
	hash: string;
	publishedAt: Date;
	content: CharterContent;
}

export class UnreadableCharterError extends Error {}

const NOT_AGREED = 'not agreed in the workshop';
const open = (reason: string): Undefined => ({ defined: false, reason });
const known = <T>(value: T, clauseId: string): Maybe<T> => ({ defined: true, value, clauseId });

const str = (x: JsonValue | undefined) => (typeof x === 'string' ? x.trim() : '');
const num = (x: JsonValue | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The stage a term names, by the words rooms use for it; null for other terms. */
export function stageOfTerm(term: string): StageKey | null {
	const t = term
		.toLowerCase()
		.replace(/[^a-z]+/g, ' ')
		.trim();
	if (/^(mql|marketing qualified lead)( |$)/.test(t)) return 'mql';
	if (/^(sal|sales accepted lead)( |$)/.test(t)) return 'sal';
	if (/^(sql|sales qualified lead)( |$)/.test(t)) return 'sql';
	if (/^opportunity( |$)/.test(t)) return 'opportunity';
	return null;
}

/** Terms whose reasons are the disqualification reasons, and the recycle reasons. */
const DISQUALIFICATION_TERM = /disqualif/;
const RECYCLE_TERM = /recycl|nurture/;

/**
 * What a term of the Shared terms board stands for in the lifecycle, by its name: a stage,
 * the disqualification or the return to nurture; null for the others (whose typed value, an
 * SLA in hours or a score threshold in points, still counts).
 */
export function termRole(term: string): 'stage' | 'disqualification' | 'recycle' | null {
	if (stageOfTerm(term)) return 'stage';
	const t = term.toLowerCase();
	if (DISQUALIFICATION_TERM.test(t)) return 'disqualification';
	if (RECYCLE_TERM.test(t)) return 'recycle';
	return null;
}

export const STAGE_LABELS: Record<StageKey, string> = {
	mql: 'MQL',
	sal: 'SAL',
	sql: 'SQL',
	opportunity: 'Opportunity'
};

/** A list written as text ("No budget; wrong industry") as its entries. */
export function listOf(value: JsonValue | undefined): string[] {
	const items = Array.isArray(value) ? value.map((x) => str(x)) : str(value).split(/[\n;,]+/);
	return items.map((s) => s.trim()).filter(Boolean);
}

function fieldsOf(item: CharterItem) {
	const list = Array.isArray(item.data.requiredFields) ? item.data.requiredFields : [];
	return list.flatMap((f) => {
		if (!f || typeof f !== 'object' || Array.isArray(f)) return [];
		const fields = listOf(f.fields);
		const team = str(f.team);
		return team && fields.length ? [{ team, fields }] : [];
	});
}

const basisOf = (data: JsonObject, clauseId: string): Maybe<'business' | 'calendar'> => {
	const basis = str(data.hoursBasis);
	return basis === 'business' || basis === 'calendar'
		? known(basis, clauseId)
		: open('business or calendar hours not agreed in the workshop');
};

const termName = (item: CharterItem) => str(item.data.term) || item.text;

/** The lifecycle model of a stored charter version. */
export function lifecycleOf(version: SignedVersion, verificationUrl: string): Lifecycle {
	const content = version.content;
	if (!content || content.schema !== CHARTER_SCHEMA) {
		throw new UnreadableCharterError(
			`This version is stored as ${String(content?.schema)}, which this export does not read.`
		);
	}
	const itemsOf = (kind: string) =>
		content.sections.filter((s) => s.kind === kind).flatMap((s) => s.items);
	const definitions = itemsOf('definitions');
	const journey = itemsOf('journey');

	const stages: LifecycleStage[] = STAGE_KEYS.map((key, index) => {
		const item = definitions.find((d) => stageOfTerm(termName(d)) === key);
		const label = item ? termName(item) : STAGE_LABELS[key];
		const base = { key, label, order: index + 1 };
		if (!item) {
			const reason = `${STAGE_LABELS[key]} was ${NOT_AGREED}`;
			return {
				...base,
				entryCriteria: open(reason),
				exitCriteria: open(reason),
				ownerTeam: open(reason),
				requiredFields: open(reason)
			};
		}
		const exit = str(item.data.exitCriteria);
		const owner = str(item.data.ownerTeam);
		const fields = fieldsOf(item);
		return {
			...base,
			entryCriteria: known(item.text, item.id),
			exitCriteria: exit ? known(exit, item.id) : open(`exit criteria ${NOT_AGREED}`),
			ownerTeam: owner ? known(owner, item.id) : open(`owner team ${NOT_AGREED}`),
			requiredFields: fields.length
				? known(fields, item.id)
				: open(`no fields were asked for at ${label}`)
		};
	});

	const threshold = definitions.find(
		(d) => str(d.data.valueType) === 'points' && num(d.data.value) !== null
	);

	const handoffs: Handoff[] = [];
	journey.forEach((step, index) => {
		const from = index > 0 ? str(journey[index - 1]!.data.ownerTeam) : '';
		const to = str(step.data.ownerTeam);
		if (!from || !to || from === to) return;
		const hours = num(step.data.slaHours);
		handoffs.push({
			name: step.text,
			fromTeam: known(from, journey[index - 1]!.id),
			toTeam: known(to, step.id),
			hours: hours === null ? open(`no SLA agreed for this hand-off`) : known(hours, step.id),
			hoursBasis:
				hours === null ? open('no SLA agreed for this hand-off') : basisOf(step.data, step.id)
		});
	});
	for (const d of definitions.filter((d) => str(d.data.valueType) === 'hours')) {
		const hours = num(d.data.value);
		const from = str(d.data.fromTeam);
		const to = str(d.data.ownerTeam);
		handoffs.push({
			name: termName(d),
			fromTeam: from ? known(from, d.id) : open(`the team handing off is ${NOT_AGREED}`),
			toTeam: to ? known(to, d.id) : open(`the team receiving is ${NOT_AGREED}`),
			hours: hours === null ? open(`the hours were ${NOT_AGREED}`) : known(hours, d.id),
			hoursBasis: basisOf(d.data, d.id)
		});
	}

	const attempts = definitions.find((d) => num(d.data.attempts) !== null);
	const closing = (pattern: RegExp, what: string) => {
		const item = definitions.find((d) => pattern.test(termName(d).toLowerCase()));
		if (!item) {
			return { definition: open(`${what} ${NOT_AGREED}`), reasons: open(`${what} ${NOT_AGREED}`) };
		}
		const reasons = listOf(item.data.reasons);
		return {
			definition: known(item.text, item.id),
			reasons: reasons.length
				? known(reasons, item.id)
				: open(`the definition of ${termName(item)} lists no reasons`)
		};
	};

	return {
		format: LIFECYCLE_FORMAT,
		charter: {
			title: content.title,
			organisation: content.organisation,
			version: version.number,
			versionId: version.id,
			sha256: version.hash,
			publishedAt: version.publishedAt.toISOString(),
			verificationUrl
		},
		stages,
		mqlThreshold: threshold
			? known(num(threshold.data.value)!, threshold.id)
			: open(`the MQL score threshold was ${NOT_AGREED}`),
		handoffs,
		attemptsBeforeNurture: attempts
			? known(num(attempts.data.attempts)!, attempts.id)
			: open(`attempts before return to nurture ${NOT_AGREED}`),
		otherRequiredFields: definitions
			.filter((d) => stageOfTerm(termName(d)) === null && fieldsOf(d).length > 0)
			.map((d) => ({ term: termName(d), clauseId: d.id, fields: fieldsOf(d) })),
		disqualification: closing(DISQUALIFICATION_TERM, 'disqualification'),
		recycle: closing(RECYCLE_TERM, 'return to nurture')
	};
}

/** The stages the room defined, in order: the ones a CRM receives. */
export const definedStages = (model: Lifecycle) =>
	model.stages.filter((s) => s.entryCriteria.defined);

/** Every field the charter requires, by stage, once each (the first stage that asks wins). */
export function requiredFieldsByStage(
	model: Lifecycle
): { stage: LifecycleStage; field: string }[] {
	const seen = new Set<string>();
	const out: { stage: LifecycleStage; field: string }[] = [];
	for (const stage of definedStages(model)) {
		if (!stage.requiredFields.defined) continue;
		for (const f of stage.requiredFields.value.flatMap((t) => t.fields)) {
			const key = f.toLowerCase();
			if (seen.has(key)) continue;
			seen.add(key);
			out.push({ stage, field: f });
		}
	}
	return out;
}

export interface LeadStatus {
	/** Stable machine value (HubSpot option value, Salesforce API name). */
	value: string;
	label: string;
	/** Reaching it converts the lead (Salesforce `converted`). */
	isConverted: boolean;
}

/** The lead statuses a CRM gets: the defined stages, then recycled and disqualified. */
export function leadStatuses(model: Lifecycle): LeadStatus[] {
	const out: LeadStatus[] = definedStages(model).map((s) => ({
		value: s.key.toUpperCase(),
		label: s.label,
		isConverted: s.key === 'opportunity'
	}));
	if (model.recycle.definition.defined) {
		out.push({ value: 'RECYCLED', label: 'Recycled / Nurture', isConverted: false });
	}
	if (model.disqualification.definition.defined) {
		out.push({ value: 'DISQUALIFIED', label: 'Disqualified', isConverted: false });
	}
	return out;
}
