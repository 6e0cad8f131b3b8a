/**
 * The CRM configuration a signed charter becomes: HubSpot request bodies, a Salesforce
 * Metadata API package, and the lifecycle as JSON and YAML. Pure functions of the lifecycle
 * model, so the same version always gives the same bytes (zip entries carry the version's
 * publishing time, never the time of the download).
 *
 * Every file names the charter, its version, its SHA-256 and the verification URL, so an admin
 * can prove the configuration is the signed one. HubSpot bodies are wrapped in an envelope
 * (`charter`, `request`) because HubSpot refuses unknown keys in a body: a script sends
 * `request.body` to `request.method request.path`.
 */
import { zipSync, strToU8 } from 'fflate';
import { stringify } from 'yaml';
import {
	definedStages,
	leadStatuses,
	requiredFieldsByStage,
	type Lifecycle,
	type Maybe
} from './model';
import { assertLifecycleJson } from './validate';

/** The HubSpot reference the request bodies follow, as the README states it. */
export const HUBSPOT_REFERENCE = {
	api: 'HubSpot CRM API v3 (Pipelines, Properties)',
	read: '2026-12-03',
	pipelinesGuideModified: '2025-11-18',
	urls: [
		'https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/guide',
		'https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/patch-crm-v3-properties-objectType-propertyName'
	]
} as const;

/** The Metadata API version the Salesforce package declares. */
export const SALESFORCE_API_VERSION = '62.0';

export interface ExportFile {
	name: string;
	type: string;
	bytes: Uint8Array;
}

const stampLines = (m: Lifecycle) => [
	`Charter: ${m.charter.title}`,
	`Version: ${m.charter.version} (published ${m.charter.publishedAt})`,
	`SHA-256: ${m.charter.sha256}`,
	`Verify: ${m.charter.verificationUrl}`
];

const stampObject = (m: Lifecycle) => ({
	charter: m.charter.title,
	version: m.charter.version,
	sha256: m.charter.sha256,
	verificationUrl: m.charter.verificationUrl
});

const json = (value: unknown) => `${JSON.stringify(value, null, '\t')}\n`;

const valueOr = <T>(m: Maybe<T>, show: (v: T) => string) =>
	m.defined ? show(m.value) : `not defined (${m.reason})`;

/** A name safe in HubSpot and Salesforce API names: letters, digits, single underscores. */
export function apiName(text: string, max = 30): string {
	const base = text
		.normalize('NFKD')
		.replace(/[^A-Za-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '')
		.slice(0, max)
		.replace(/_+$/, '');
	return /^[A-Za-z]/.test(base) ? base : `F_${base}`.slice(0, max);
}

const slaText = (h: Lifecycle['handoffs'][number]) =>
	h.hours.defined
		? `${h.hours.value} hours, ${valueOr(h.hoursBasis, (v) => `${v} hours`)}`
		: valueOr(h.hours, String);

const fileName = (m: Lifecycle) => `charter-v${m.charter.version}-${m.charter.sha256.slice(0, 8)}`;

// ------------------------------------------------------------------------------------ generic

export function lifecycleJson(m: Lifecycle): string {
	assertLifecycleJson(m);
	return json(m);
}

export function lifecycleYaml(m: Lifecycle): string {
	assertLifecycleJson(m);
	const head = [
		'# Lead lifecycle of a signed Common Ground charter (schema: /schema/lifecycle-v1.json).',
		...stampLines(m).map((l) => `# ${l}`)
	].join('\n');
	return `${head}\n${stringify(m, { lineWidth: 0 })}`;
}

// ------------------------------------------------------------------------------------ HubSpot

const propertyName = (field: string) => `cg_${apiName(field, 40).toLowerCase()}`;

export function hubspotFiles(m: Lifecycle): Record<string, string> {
	assertLifecycleJson(m);
	const stages = definedStages(m);
	const statuses = leadStatuses(m);
	const required = requiredFieldsByStage(m);
	const pipeline = {
		...stampObject(m),
		request: {
			method: 'POST',
			path: '/crm/v3/pipelines/contacts',
			body: {
				label: `Lead lifecycle (charter v${m.charter.version})`,
				displayOrder: 0,
				stages: stages.map((s, i) => ({ label: s.label, displayOrder: i, metadata: {} }))
			}
		}
	};
	const leadStatus = {
		...stampObject(m),
		request: {
			method: 'PATCH',
			path: '/crm/v3/properties/contacts/hs_lead_status',
			body: {
				options: statuses.map((s, i) => ({
					label: s.label,
					value: s.value,
					displayOrder: i,
					hidden: false,
					description: `From charter v${m.charter.version} (${m.charter.sha256.slice(0, 12)})`
				}))
			}
		}
	};
	const properties = {
		...stampObject(m),
		request: {
			method: 'POST',
			path: '/crm/v3/properties/contacts/batch/create',
			body: {
				inputs: required.map((r) => ({
					name: propertyName(r.field),
					label: r.field,
					type: 'string',
					fieldType: 'text',
					groupName: 'contactinformation',
					description: `Required from ${r.stage.label} on (charter v${m.charter.version})`
				}))
			}
		},
		requiredByStage: stages.map((s) => ({
			stage: s.label,
			properties: required.filter((r) => r.stage.key === s.key).map((r) => propertyName(r.field))
		}))
	};
	const lines = [
		'# HubSpot configuration from a signed charter',
		'',
		...stampLines(m).map((l) => `- ${l}`),
		'',
		`Based on the ${HUBSPOT_REFERENCE.api} public reference, read on ${HUBSPOT_REFERENCE.read}`,
		`(the pipelines guide was last modified on ${HUBSPOT_REFERENCE.pipelinesGuideModified}):`,
		...HUBSPOT_REFERENCE.urls.map((u) => `- ${u}`),
		'',
		'Each JSON file holds the charter it comes from and one request. Send `request.body` as the',
		'JSON body of `request.method` `https://api.hubapi.com` + `request.path`, with a private-app',
		'token that has the `crm.schemas.contacts.write` scope.',
		'',
		'## The calls',
		'',
		`1. \`lifecycle-pipeline.json\`: \`POST /crm/v3/pipelines/contacts\` (CRM Pipelines API v3)`,
		`   creates the lifecycle pipeline with ${stages.length} stage(s): ${stages.map((s) => s.label).join(', ') || 'none defined'}.`,
		`2. \`lead-status-options.json\`: \`PATCH /crm/v3/properties/contacts/hs_lead_status\``,
		`   (CRM Properties API v3) sets the lead-status options: ${statuses.map((s) => s.label).join(', ') || 'none defined'}.`,
		'   It replaces the option list: options not in it are removed.',
		`3. \`required-properties.json\`: \`POST /crm/v3/properties/contacts/batch/create\``,
		`   (CRM Properties API v3) creates the ${required.length} field(s) the charter requires.`,
		'   `requiredByStage` lists which stage requires each one. The public reference we read has',
		'   no endpoint that marks a property required for a lifecycle stage: set that in',
		'   Settings > Objects > Contacts > Lifecycle stage, using this list.',
		'',
		'## Settings without an API call',
		'',
		`- MQL score threshold: ${valueOr(m.mqlThreshold, (v) => `${v} points`)} (set it in your lead-scoring tool).`,
		...m.handoffs.map((h) => `- SLA "${h.name}": ${slaText(h)}.`),
		...m.otherRequiredFields.map(
			(o) =>
				`- Fields asked for on "${o.term}" (not a stage, so not made required): ${o.fields.map((f) => `${f.team}: ${f.fields.join(', ')}`).join('; ')}.`
		),
		`- Attempts before return to nurture: ${valueOr(m.attemptsBeforeNurture, String)}.`,
		`- Disqualification reasons: ${valueOr(m.disqualification.reasons, (v) => v.join('; '))}.`,
		`- Recycle reasons: ${valueOr(m.recycle.reasons, (v) => v.join('; '))}.`,
		...m.stages
			.filter((s) => !s.entryCriteria.defined)
			.map((s) => `- Stage ${s.label}: not exported, ${valueOr(s.entryCriteria, String)}.`),
		''
	];
	return {
		'README.md': lines.join('\n'),
		'lifecycle-pipeline.json': json(pipeline),
		'lead-status-options.json': json(leadStatus),
		'required-properties.json': json(properties)
	};
}

// ------------------------------------------------------------------------------------ Salesforce

const escapeXml = (s: string) =>
	s
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');

type Node = [name: string, children: Node[] | string | number | boolean, attrs?: string];

function renderXml(root: string, children: Node[], m: Lifecycle, rootAttrs = ''): string {
	const render = ([name, body, attrs]: Node, depth: number): string => {
		const pad = '    '.repeat(depth);
		const open = attrs ? `${name} ${attrs}` : name;
		if (Array.isArray(body)) {
			return `${pad}<${open}>\n${body.map((c) => render(c, depth + 1)).join('')}${pad}</${name}>\n`;
		}
		return `${pad}<${open}>${escapeXml(String(body))}</${name}>\n`;
	};
	// A comment must not hold "--"; the stamp's lines never do, but a title might.
	const comment = stampLines(m)
		.map((l) => `    ${l.replace(/-{2,}/g, '-')}`)
		.join('\n');
	return (
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		`<!--\n${comment}\n-->\n` +
		`<${root} xmlns="http://soap.sforce.com/2006/04/metadata"${rootAttrs}>\n` +
		children.map((c) => render(c, 1)).join('') +
		`</${root}>\n`
	);
}

const fieldApiName = (field: string) => `CG_${apiName(field, 34)}__c`;
const SETTING_TYPE = 'Charter_Setting';

export function salesforceFiles(m: Lifecycle): Record<string, string> {
	assertLifecycleJson(m);
	const statuses = leadStatuses(m);
	const required = requiredFieldsByStage(m);
	const fields = required.map((r) => ({ ...r, api: fieldApiName(r.field) }));
	const rules = fields.map((f) => ({
		...f,
		rule: `CG_Require_${apiName(f.field, 20)}_${f.stage.key.toUpperCase()}`,
		// From its stage on, a lead without the field cannot be saved.
		statuses: statuses
			.slice(statuses.findIndex((s) => s.value === f.stage.key.toUpperCase()))
			.filter((s) => s.value !== 'RECYCLED' && s.value !== 'DISQUALIFIED')
	}));
	const settings: { name: string; label: string; value: number; unit: string; basis: string }[] =
		[];
	if (m.mqlThreshold.defined) {
		settings.push({
			name: 'MQL_Threshold',
			label: 'MQL score threshold',
			value: m.mqlThreshold.value,
			unit: 'points',
			basis: ''
		});
	}
	m.handoffs.forEach((h, i) => {
		if (!h.hours.defined) return;
		settings.push({
			name: `SLA_${i + 1}`,
			label: `SLA ${h.name}`.slice(0, 40),
			value: h.hours.value,
			unit: 'hours',
			basis: h.hoursBasis.defined ? h.hoursBasis.value : 'undefined'
		});
	});
	if (m.attemptsBeforeNurture.defined) {
		settings.push({
			name: 'Attempts_Before_Nurture',
			label: 'Attempts before nurture',
			value: m.attemptsBeforeNurture.value,
			unit: 'attempts',
			basis: ''
		});
	}

	const types: [string, string[]][] = [
		[
			'CustomField',
			[
				...fields.map((f) => `Lead.${f.api}`),
				...SETTING_FIELDS.map((f) => `${SETTING_TYPE}__mdt.${f.name}`)
			]
		],
		['CustomMetadata', settings.map((s) => `${SETTING_TYPE}.${s.name}`)],
		['CustomObject', [`${SETTING_TYPE}__mdt`]],
		['StandardValueSet', ['LeadStatus']],
		['ValidationRule', rules.map((r) => `Lead.${r.rule}`)]
	];
	const pkg = renderXml(
		'Package',
		[
			...types
				.filter(([, members]) => members.length > 0)
				.map(([name, members]): Node => [
					'types',
					[...members.map((x): Node => ['members', x]), ['name', name]]
				]),
			['version', SALESFORCE_API_VERSION]
		],
		m
	);
	const leadStatus = renderXml(
		'StandardValueSet',
		[
			['sorted', false],
			...statuses.map((s, i): Node => [
				'standardValue',
				[
					['fullName', s.label],
					['default', i === 0],
					['label', s.label],
					['converted', s.isConverted]
				]
			])
		],
		m
	);
	const stamp = `Charter v${m.charter.version}, SHA-256 ${m.charter.sha256}`;
	const lead = renderXml(
		'CustomObject',
		[
			...fields.map((f): Node => [
				'fields',
				[
					['fullName', f.api],
					['description', `Required from ${f.stage.label} on. ${stamp}`],
					['externalId', false],
					['label', f.field.slice(0, 40)],
					['length', 255],
					['required', false],
					['type', 'Text'],
					['unique', false]
				]
			]),
			...rules.map((r): Node => [
				'validationRules',
				[
					['fullName', r.rule],
					['active', true],
					['description', `${stamp}. ${m.charter.verificationUrl}`],
					[
						'errorConditionFormula',
						`AND(OR(${r.statuses.map((s) => `ISPICKVAL(Status, "${s.label}")`).join(', ')}), ISBLANK(${r.api}))`
					],
					['errorDisplayField', r.api],
					[
						'errorMessage',
						`${r.field} is required from ${r.stage.label} on (signed charter v${m.charter.version}).`
					]
				]
			])
		],
		m
	);
	const settingType = renderXml(
		'CustomObject',
		[
			...SETTING_FIELDS.map((f): Node => [
				'fields',
				[
					['fullName', f.name],
					['externalId', false],
					['fieldManageability', 'DeveloperControlled'],
					['label', f.label],
					...f.shape,
					['required', false],
					['type', f.type],
					['unique', false]
				]
			]),
			['label', 'Charter setting'],
			['pluralLabel', 'Charter settings'],
			['visibility', 'Public']
		],
		m
	);
	const records = Object.fromEntries(
		settings.map((s) => [
			`unpackaged/customMetadata/${SETTING_TYPE}.${s.name}.md`,
			renderXml(
				'CustomMetadata',
				[
					['label', s.label],
					['protected', false],
					[
						'values',
						[
							['field', 'Value__c'],
							['value', s.value, 'xsi:type="xsd:double"']
						]
					],
					[
						'values',
						[
							['field', 'Unit__c'],
							['value', s.unit, 'xsi:type="xsd:string"']
						]
					],
					...(s.basis
						? [
								[
									'values',
									[
										['field', 'Hours_Basis__c'],
										['value', s.basis, 'xsi:type="xsd:string"']
									]
								] as Node
							]
						: []),
					[
						'values',
						[
							['field', 'Charter_SHA256__c'],
							['value', m.charter.sha256, 'xsi:type="xsd:string"']
						]
					],
					[
						'values',
						[
							['field', 'Charter_Version__c'],
							['value', m.charter.version, 'xsi:type="xsd:double"']
						]
					]
				],
				m,
				' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
			)
		])
	);
	const readme = [
		'# Salesforce package from a signed charter',
		'',
		...stampLines(m).map((l) => `- ${l}`),
		'',
		`A Metadata API package (API version ${SALESFORCE_API_VERSION}) in \`unpackaged/\`. Deploy it with the`,
		'Salesforce CLI: `sf project deploy start --metadata-dir unpackaged --target-org <alias>`',
		'(add `--dry-run` first to check it without changing the org).',
		'',
		'- `package.xml`: the manifest.',
		`- \`standardValueSets/LeadStatus.standardValueSet\`: the lead statuses, ${statuses.map((s) => s.label).join(', ') || 'none defined'}.`,
		`  Deploying replaces the org's LeadStatus list.`,
		`- \`objects/Lead.object\`: ${fields.length} text field(s) the charter requires and one validation rule per field.`,
		`- \`objects/${SETTING_TYPE}__mdt.object\` and \`customMetadata/\`: the threshold, the SLA hours and the attempts as custom metadata records.`,
		'',
		...m.stages
			.filter((s) => !s.entryCriteria.defined)
			.map((s) => `Stage ${s.label} is not in the package: ${valueOr(s.entryCriteria, String)}.`),
		...m.handoffs
			.filter((h) => !h.hours.defined)
			.map((h) => `SLA "${h.name}" is not in the package: ${valueOr(h.hours, String)}.`),
		''
	];
	return {
		'README.md': readme.join('\n'),
		'unpackaged/package.xml': pkg,
		'unpackaged/standardValueSets/LeadStatus.standardValueSet': leadStatus,
		'unpackaged/objects/Lead.object': lead,
		[`unpackaged/objects/${SETTING_TYPE}__mdt.object`]: settingType,
		...records
	};
}

const SETTING_FIELDS: { name: string; label: string; type: string; shape: Node[] }[] = [
	{
		name: 'Value__c',
		label: 'Value',
		type: 'Number',
		shape: [
			['precision', 18],
			['scale', 2]
		]
	},
	{ name: 'Unit__c', label: 'Unit', type: 'Text', shape: [['length', 40]] },
	{ name: 'Hours_Basis__c', label: 'Hours basis', type: 'Text', shape: [['length', 40]] },
	{ name: 'Charter_SHA256__c', label: 'Charter SHA-256', type: 'Text', shape: [['length', 64]] },
	{
		name: 'Charter_Version__c',
		label: 'Charter version',
		type: 'Number',
		shape: [
			['precision', 6],
			['scale', 0]
		]
	}
];

// ------------------------------------------------------------------------------------ files

function zip(files: Record<string, string>, m: Lifecycle): Uint8Array {
	const mtime = new Date(m.charter.publishedAt);
	return zipSync(
		Object.fromEntries(
			Object.entries(files)
				.sort(([a], [b]) => (a < b ? -1 : 1))
				.map(([name, body]) => [name, [strToU8(body), { mtime }]])
		),
		{ level: 6 }
	);
}

export const EXPORT_KINDS = ['hubspot', 'salesforce', 'lifecycle.json', 'lifecycle.yaml'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** One download: its file name, media type and bytes. */
export function exportFile(kind: ExportKind, m: Lifecycle): ExportFile {
	const name = fileName(m);
	switch (kind) {
		case 'hubspot':
			return {
				name: `${name}-hubspot.zip`,
				type: 'application/zip',
				bytes: zip(hubspotFiles(m), m)
			};
		case 'salesforce':
			return {
				name: `${name}-salesforce.zip`,
				type: 'application/zip',
				bytes: zip(salesforceFiles(m), m)
			};
		case 'lifecycle.json':
			return {
				name: `${name}-lifecycle.json`,
				type: 'application/json',
				bytes: strToU8(lifecycleJson(m))
			};
		case 'lifecycle.yaml':
			return {
				name: `${name}-lifecycle.yaml`,
				type: 'application/yaml',
				bytes: strToU8(lifecycleYaml(m))
			};
	}
}
