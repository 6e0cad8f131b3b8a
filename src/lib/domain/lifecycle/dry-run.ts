/**
 * The dry run: what deploying the charter's configuration would change in a CRM as it is
 * today. The admin uploads HubSpot's pipeline or property JSON as its API returns it, or the
 * LeadStatus standard value set (or a charter setting record) Salesforce's CLI retrieves. The
 * files are read in memory and compared; nothing from them is kept.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as v from 'valibot';
import { definedStages, leadStatuses, type Lifecycle } from './model';

/** One upload may hold a few files; each is small (a pipeline, a property, a value set). */
export const MAX_UPLOAD_BYTES = 512 * 1024;
export const MAX_UPLOAD_FILES = 5;

export class CrmUploadError extends Error {}

export interface Change {
	kind:
		| 'stage-added'
		| 'stage-renamed'
		| 'stage-removed'
		| 'stage-moved'
		| 'option-added'
		| 'option-removed'
		| 'option-relabelled'
		| 'threshold-changed'
		| 'threshold-added';
	text: string;
}

export interface FileCheck {
	file: string;
	/** What the file was read as, in words. */
	readAs: string;
	changes: Change[];
}

const hubspotStage = v.object({ label: v.string(), displayOrder: v.optional(v.number()) });
const hubspotPipeline = v.object({
	label: v.string(),
	stages: v.array(hubspotStage)
});
const hubspotOption = v.object({ label: v.string(), value: v.string() });
const hubspotProperty = v.object({ name: v.string(), options: v.array(hubspotOption) });
const listOf = <T extends v.GenericSchema>(item: T) => v.object({ results: v.array(item) });

const sfValue = v.object({
	fullName: v.union([v.string(), v.number()]),
	label: v.optional(v.union([v.string(), v.number()]))
});
const sfValueSet = v.object({
	StandardValueSet: v.object({
		standardValue: v.optional(v.union([sfValue, v.array(sfValue)]))
	})
});
const sfValueEntry = v.object({
	field: v.string(),
	value: v.optional(
		v.union([v.string(), v.number(), v.object({ '#text': v.union([v.string(), v.number()]) })])
	)
});
const sfRecord = v.object({
	CustomMetadata: v.object({
		label: v.union([v.string(), v.number()]),
		values: v.union([sfValueEntry, v.array(sfValueEntry)])
	})
});

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Pipeline stages by label: kept, moved, added, removed, or renamed where a stage the charter
 * does not name stands in the place of one it does (replacing a pipeline keeps a stage's id by
 * its place, so that is what the CRM would do).
 */
function compareStages(wanted: string[], current: string[]): Change[] {
	const words = STAGE_WORDS;
	const changes: Change[] = [];
	const matched = new Set<number>();
	wanted.forEach((label, i) => {
		const at = current.findIndex((c, j) => !matched.has(j) && same(c, label));
		if (at >= 0) {
			matched.add(at);
			if (at !== i) {
				changes.push({
					kind: 'stage-moved',
					text: `Stage “${label}” would move from position ${at + 1} to ${i + 1}.`
				});
			}
			return;
		}
		const inPlace = current[i];
		const isFree =
			inPlace !== undefined && !matched.has(i) && !wanted.some((w) => same(w, inPlace));
		if (isFree) {
			matched.add(i);
			changes.push({
				kind: words.renamed,
				text: `${cap(words.noun)} “${inPlace}” would be renamed “${label}”.`
			});
		} else {
			changes.push({ kind: words.added, text: `${cap(words.noun)} “${label}” would be added.` });
		}
	});
	current.forEach((label, j) => {
		if (!matched.has(j)) {
			changes.push({
				kind: words.removed,
				text: `${cap(words.noun)} “${label}” would be removed (the charter does not name it).`
			});
		}
	});
	return changes;
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

interface Option {
	value: string;
	label: string;
}

/**
 * Lead-status options: matched by label, then by internal value (HubSpot's `value`,
 * Salesforce's `fullName`), so a relabelled option is told apart from a new one. Never by
 * position: two options' places say nothing about their meaning.
 */
function compareOptions(wanted: Option[], current: Option[]): Change[] {
	const changes: Change[] = [];
	const matched = new Set<number>();
	const free = (j: number) => !matched.has(j);
	for (const w of wanted) {
		let at = current.findIndex((c, j) => free(j) && same(c.label, w.label));
		if (at < 0) at = current.findIndex((c, j) => free(j) && same(c.value, w.value));
		if (at < 0) {
			changes.push({ kind: 'option-added', text: `Lead status “${w.label}” would be added.` });
			continue;
		}
		matched.add(at);
		const c = current[at]!;
		if (!same(c.label, w.label)) {
			changes.push({
				kind: 'option-relabelled',
				text: `Lead status “${c.label}” would be relabelled “${w.label}”.`
			});
		}
	}
	current.forEach((c, j) => {
		if (free(j)) {
			changes.push({
				kind: 'option-removed',
				text: `Lead status “${c.label}” would be removed (the charter does not name it).`
			});
		}
	});
	return changes;
}

const STAGE_WORDS = {
	added: 'stage-added',
	renamed: 'stage-renamed',
	removed: 'stage-removed',
	noun: 'stage'
} as const;

function checkJson(name: string, text: string, m: Lifecycle): FileCheck {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		throw new CrmUploadError(
			`“${name}” is not valid JSON (${e instanceof Error ? e.message : 'unreadable'}). Upload the file exactly as HubSpot’s API returned it.`
		);
	}
	const stages = definedStages(m).map((s) => s.label);
	const statuses = leadStatuses(m);
	const pipeline =
		(v.is(hubspotPipeline, data) && data) ||
		(v.is(listOf(hubspotPipeline), data) && data.results[0]) ||
		null;
	if (pipeline) {
		const current = [...pipeline.stages]
			.sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
			.map((s) => s.label);
		return {
			file: name,
			readAs: `HubSpot pipeline “${pipeline.label}”`,
			changes: compareStages(stages, current)
		};
	}
	const property =
		(v.is(hubspotProperty, data) && data) ||
		(v.is(listOf(hubspotProperty), data) &&
			(data.results.find((p) => p.name === 'hs_lead_status') ?? null)) ||
		null;
	if (property) {
		return {
			file: name,
			readAs: `HubSpot property “${property.name}”`,
			changes: compareOptions(statuses, property.options)
		};
	}
	throw notAConfiguration(name);
}

const notAConfiguration = (name: string) =>
	new CrmUploadError(
		`“${name}” is not a HubSpot or Salesforce configuration. Upload HubSpot’s pipeline or lead-status property JSON, or Salesforce’s LeadStatus value set XML.`
	);

const asList = <T>(x: T | T[] | undefined): T[] =>
	x === undefined ? [] : Array.isArray(x) ? x : [x];

function checkXml(name: string, text: string, m: Lifecycle): FileCheck {
	const valid = XMLValidator.validate(text);
	if (valid !== true) {
		throw new CrmUploadError(
			`“${name}” is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}). Upload the file exactly as the Salesforce CLI retrieved it.`
		);
	}
	const data: unknown = new XMLParser({
		ignoreAttributes: true,
		ignoreDeclaration: true,
		removeNSPrefix: true,
		parseTagValue: false
	}).parse(text);
	if (v.is(sfValueSet, data)) {
		const current = asList(data.StandardValueSet.standardValue).map((x) => ({
			value: String(x.fullName),
			label: String(x.label ?? x.fullName)
		}));
		// The package names each value by its label (its `fullName`).
		const wanted = leadStatuses(m).map((s) => ({ value: s.label, label: s.label }));
		return {
			file: name,
			readAs: 'Salesforce LeadStatus value set',
			changes: compareOptions(wanted, current)
		};
	}
	if (v.is(sfRecord, data)) {
		const label = String(data.CustomMetadata.label);
		const entry = asList(data.CustomMetadata.values).find((x) => x.field === 'Value__c');
		const raw = entry?.value;
		const current = Number(typeof raw === 'object' ? raw['#text'] : raw);
		const wanted = settingValue(label, m);
		const changes: Change[] = [];
		if (wanted === undefined) {
			throw new CrmUploadError(
				`“${name}” is a custom metadata record (“${label}”) that the charter does not set.`
			);
		}
		if (!Number.isFinite(current)) {
			changes.push({ kind: 'threshold-added', text: `“${label}” would be set to ${wanted}.` });
		} else if (current !== wanted) {
			changes.push({
				kind: 'threshold-changed',
				text: `“${label}” would change from ${current} to ${wanted}.`
			});
		}
		return { file: name, readAs: `Salesforce charter setting “${label}”`, changes };
	}
	throw notAConfiguration(name);
}

/** The value the charter gives a setting record, by the label the package writes. */
function settingValue(label: string, m: Lifecycle): number | undefined {
	if (same(label, 'MQL score threshold') && m.mqlThreshold.defined) return m.mqlThreshold.value;
	if (same(label, 'Attempts before nurture') && m.attemptsBeforeNurture.defined) {
		return m.attemptsBeforeNurture.value;
	}
	const handoff = m.handoffs.find((h) => same(`SLA ${h.name}`.slice(0, 40), label));
	return handoff?.hours.defined ? handoff.hours.value : undefined;
}

export interface Upload {
	name: string;
	size: number;
	text(): Promise<string>;
}

/** Reads each uploaded file and compares it with the charter; throws CrmUploadError on bad input. */
export async function dryRun(files: Upload[], m: Lifecycle): Promise<FileCheck[]> {
	const real = files.filter((f) => f.size > 0 || f.name !== '');
	if (real.length === 0)
		throw new CrmUploadError('Choose the configuration file your CRM exported.');
	if (real.length > MAX_UPLOAD_FILES) {
		throw new CrmUploadError(`Upload at most ${MAX_UPLOAD_FILES} files at a time.`);
	}
	for (const f of real) {
		if (f.size > MAX_UPLOAD_BYTES) {
			throw new CrmUploadError(
				`“${f.name}” is ${Math.ceil(f.size / 1024)} KB; a configuration file is at most ${MAX_UPLOAD_BYTES / 1024} KB.`
			);
		}
		if (f.size === 0) throw new CrmUploadError(`“${f.name}” is empty.`);
	}
	const checks: FileCheck[] = [];
	for (const f of real) {
		const text = (await f.text()).replace(/^\uFEFF/, '');
		const start = text.trimStart()[0];
		if (start === '{' || start === '[') checks.push(checkJson(f.name, text, m));
		else if (start === '<') checks.push(checkXml(f.name, text, m));
		else throw notAConfiguration(f.name);
	}
	return checks;
}
