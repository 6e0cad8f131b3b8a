/** A Salesforce Metadata API package for a signed charter: lead statuses, fields, rules, settings. */
import { leadStatuses, requiredFieldsByStage, type Lifecycle } from './model';
import { assertLifecycleJson } from './validate';
import { apiName, stampLines, valueOr } from './export-stamp';

/** The Metadata API version the Salesforce package declares. */
export const SALESFORCE_API_VERSION = '62.0';

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
