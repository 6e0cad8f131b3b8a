/**
 * Reading a template file (an import, or a template stored in the library): the valibot
 * schema of version 1, and the rules across fields that a schema cannot say. The published
 * JSON Schema (static/schema/template-v1.json) is generated from `templateFileSchema` by
 * scripts/template-schema.ts; a test keeps the two in step.
 *
 * Text is taken as text: nothing in a template is ever rendered as markup, so `<script>` in a
 * prompt is a prompt that reads "<script>".
 */
import * as v from 'valibot';
import { isStageKey } from '../collab/doc-names';
import { STAGE_KINDS } from '../domain/template';
import {
	TEMPLATE_FORMAT,
	TEMPLATE_LIMITS as L,
	TEMPLATE_VERSION,
	type TemplateContent,
	type TemplateFile
} from '../domain/template-library';
import { TEAM_COLOURS } from './teams';
import { holdsUnstorableText, UNSTORABLE_TEXT } from './storable';

const text = (label: string, max: number, required = false) =>
	required
		? v.pipe(
				v.string(`${label} must be text.`),
				v.minLength(1, `${label} is empty.`),
				v.maxLength(max, `${label} is longer than ${max} characters.`)
			)
		: v.pipe(
				v.string(`${label} must be text.`),
				v.maxLength(max, `${label} is longer than ${max} characters.`)
			);

const list = <T extends v.GenericSchema>(item: T, label: string, max: number, min = 0) =>
	min > 0
		? v.pipe(
				v.array(item, `${label} must be a list.`),
				v.minLength(min, `${label} needs at least ${min}.`),
				v.maxLength(max, `${label}: at most ${max} are allowed.`)
			)
		: v.pipe(
				v.array(item, `${label} must be a list.`),
				v.maxLength(max, `${label}: at most ${max} are allowed.`)
			);

const termSchema = v.strictObject({
	name: text('The term’s name', L.termName, true),
	hint: text('The term’s hint', L.hint),
	valueType: v.picklist(
		['none', 'hours', 'points'],
		'A term’s value type is none, hours or points.'
	),
	value: v.nullable(
		v.pipe(
			v.number('A term’s value must be a number.'),
			v.minValue(0, 'A term’s value cannot be negative.')
		)
	),
	draft: text('The term’s draft wording', L.draft)
});

const stepSchema = v.strictObject({
	step: text('The step', L.stepText, true),
	owner: text('The step’s owner', L.teamName),
	system: text('The step’s system', L.system),
	slaHours: v.nullable(
		v.pipe(
			v.number('A step’s SLA must be a number of hours.'),
			v.minValue(0, 'A step’s SLA cannot be negative.'),
			v.maxValue(L.slaHours, `A step’s SLA is at most ${L.slaHours} hours.`)
		)
	),
	returnPath: v.boolean('Whether a step is the return path must be true or false.')
});

const stageSchema = v.strictObject({
	key: v.pipe(
		v.string('A stage’s key must be text.'),
		v.regex(
			/^[a-z][a-z0-9-]{0,47}$/,
			'A stage’s key is lower-case letters, digits and dashes, starting with a letter, at most 48 characters.'
		)
	),
	kind: v.picklist(
		STAGE_KINDS,
		`A stage’s kind is one of: ${STAGE_KINDS.join(', ')}. This Common Ground knows no other.`
	),
	title: text('The stage’s title', L.stageTitle, true),
	prompt: text('The stage’s prompt', L.prompt),
	timeboxMinutes: v.pipe(
		v.number('A stage’s timebox must be a number of minutes.'),
		v.integer('A stage’s timebox is a whole number of minutes.'),
		v.minValue(1, 'A stage’s timebox is at least 1 minute.'),
		v.maxValue(L.timeboxMinutes, `A stage’s timebox is at most ${L.timeboxMinutes} minutes.`)
	),
	terms: v.optional(list(termSchema, 'The terms of a stage', L.terms)),
	journey: v.optional(list(stepSchema, 'The journey of a stage', L.steps))
});

const teamSchema = v.strictObject({
	name: text('The team’s name', L.teamName, true),
	colour: v.picklist(
		TEAM_COLOURS.map((c) => c.value),
		`A team’s colour is one of ${TEAM_COLOURS.map((c) => c.value).join(', ')}.`
	)
});

/** Version 1 of the template file. */
export const templateFileSchema = v.strictObject({
	$schema: v.optional(v.string('"$schema" must be text.')),
	format: v.literal(TEMPLATE_FORMAT, `"format" must be "${TEMPLATE_FORMAT}".`),
	version: v.literal(TEMPLATE_VERSION, `"version" must be ${TEMPLATE_VERSION}.`),
	name: text('The template’s name', L.name, true),
	description: text('The template’s description', L.description),
	teams: list(teamSchema, 'Teams', L.teams, 1),
	stages: list(stageSchema, 'Stages', L.stages)
});

export type TemplateReading = { ok: true; file: TemplateFile } | { ok: false; errors: string[] };

const refuse = (...errors: string[]): TemplateReading => ({ ok: false, errors });

/** "Stage 3, term 2" from an issue's path, so a facilitator can find the place in the file. */
function placeOf(issue: v.BaseIssue<unknown>): string {
	const nouns: Record<string, string> = {
		stages: 'Stage',
		teams: 'Team',
		terms: 'term',
		journey: 'step'
	};
	const path = issue.path ?? [];
	const words: string[] = [];
	path.forEach((item, index) => {
		const noun = index > 0 ? nouns[String(path[index - 1]!.key)] : undefined;
		if (typeof item.key === 'number' && noun) words.push(`${noun} ${item.key + 1}`);
	});
	return words.join(', ');
}

function messageOf(issue: v.BaseIssue<unknown>): string {
	// A strict object names the field it did not expect in its path.
	const last = issue.path?.at(-1);
	const message =
		issue.type === 'strict_object' && last && typeof last.key === 'string'
			? `"${last.key}" is not a field of a template file.`
			: issue.message;
	const place = placeOf(issue);
	return place ? `${place}: ${message}` : message;
}

/** Rules across fields: unique keys and names, board content only on the stage it belongs to. */
export function templateRuleErrors(content: TemplateContent): string[] {
	const errors: string[] = [];
	const teamNames = new Set<string>();
	for (const [i, team] of content.teams.entries()) {
		const name = team.name.trim().toLowerCase();
		if (teamNames.has(name)) errors.push(`Team ${i + 1}: the name “${team.name}” is taken twice.`);
		teamNames.add(name);
	}
	const keys = new Set<string>();
	for (const [i, stage] of content.stages.entries()) {
		const at = `Stage ${i + 1}`;
		if (!isStageKey(stage.key)) errors.push(`${at}: “${stage.key}” cannot name a stage.`);
		if (keys.has(stage.key)) errors.push(`${at}: the key “${stage.key}” is taken twice.`);
		keys.add(stage.key);
		if (stage.terms && stage.kind !== 'shared-terms')
			errors.push(`${at}: only a shared-terms stage starts with terms.`);
		if (stage.journey && stage.kind !== 'connections')
			errors.push(`${at}: only a connections stage starts with a journey.`);
		for (const [j, step] of (stage.journey ?? []).entries()) {
			if (step.owner && !teamNames.has(step.owner.trim().toLowerCase()))
				errors.push(`${at}, step ${j + 1}: its owner “${step.owner}” is not one of the teams.`);
		}
	}
	return errors;
}

/** Checks content already in hand (a template saved from a workshop) against the same rules. */
export function checkTemplateContent(content: TemplateContent): string[] {
	const result = v.safeParse(templateFileSchema, {
		format: TEMPLATE_FORMAT,
		version: TEMPLATE_VERSION,
		...content
	});
	if (!result.success) return result.issues.slice(0, 5).map(messageOf);
	return templateRuleErrors(content);
}

/**
 * Reads an uploaded template file. The size is checked before the text is parsed, and the
 * format and version before the rest, so a file of another kind or a later version is named
 * as such rather than as a list of wrong fields.
 */
export function readTemplateFile(bytes: Uint8Array | string): TemplateReading {
	const size = typeof bytes === 'string' ? new TextEncoder().encode(bytes).length : bytes.length;
	if (size > L.fileBytes)
		return refuse(
			`The file is ${Math.ceil(size / 1024)} KB; a template file is at most ${L.fileBytes / 1024} KB.`
		);
	if (size === 0)
		return refuse('The file is empty. Choose a template file exported from Common Ground.');
	let raw: unknown;
	try {
		const textOf =
			typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		raw = JSON.parse(textOf);
	} catch {
		return refuse(
			'This file is not JSON. Choose a template file exported from Common Ground (a .json file).'
		);
	}
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
		return refuse('This file is JSON but not a template: a template file is one JSON object.');
	if (holdsUnstorableText(raw)) return refuse(UNSTORABLE_TEXT);
	const { format, version } = raw as Record<string, unknown>;
	if (format !== TEMPLATE_FORMAT)
		return refuse(
			`This file is not a Common Ground template: its "format" is not "${TEMPLATE_FORMAT}".`
		);
	if (version !== TEMPLATE_VERSION)
		return refuse(
			`This template file is of version ${JSON.stringify(version ?? null)}; this Common Ground reads version ${TEMPLATE_VERSION}.`
		);
	return upcastTemplateFile(raw);
}

/**
 * A parsed file of any version this app reads, as the current version. Only version 1 exists;
 * a version 2 adds its step from version 1 here, so stored templates and old files keep working.
 */
export function upcastTemplateFile(raw: unknown): TemplateReading {
	const result = v.safeParse(templateFileSchema, raw);
	if (!result.success) return refuse(...result.issues.slice(0, 5).map(messageOf));
	const file = result.output as TemplateFile;
	const errors = templateRuleErrors(file);
	return errors.length ? refuse(...errors) : { ok: true, file };
}
