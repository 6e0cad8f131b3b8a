import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { unzipSync, strFromU8 } from 'fflate';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { contentHash } from '../../src/lib/domain/charter/canon';
import type { CharterContent } from '../../src/lib/domain/charter/content';
import { CrmUploadError, dryRun, MAX_UPLOAD_BYTES } from '../../src/lib/domain/lifecycle/dry-run';
import {
	EXPORT_KINDS,
	exportFile,
	hubspotFiles,
	salesforceFiles
} from '../../src/lib/domain/lifecycle/exports';
import {
	lifecycleOf,
	lifecycleSchema,
	UnreadableCharterError,
	type SignedVersion
} from '../../src/lib/domain/lifecycle/model';
import { openFacts } from '../../src/lib/domain/lifecycle/open-facts';
import { lifecycleSchemaErrors } from '../../src/lib/domain/lifecycle/validate';

const FIXTURES = join(import.meta.dirname, '../fixtures/crm');
const GOLDEN = join(FIXTURES, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const fixture = JSON.parse(readFileSync(join(FIXTURES, 'charter-v1.json'), 'utf8')) as {
	id: string;
	number: number;
	publishedAt: string;
	verificationUrl: string;
	content: CharterContent;
};
const version: SignedVersion = {
	id: fixture.id,
	number: fixture.number,
	publishedAt: new Date(fixture.publishedAt),
	hash: contentHash(fixture.content),
	content: fixture.content
};
const model = lifecycleOf(version, fixture.verificationUrl);

/** Compares with the golden file byte for byte; `UPDATE_GOLDEN=1` writes it instead. */
function golden(name: string, bytes: Uint8Array) {
	const path = join(GOLDEN, name);
	if (UPDATE) {
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, bytes);
	}
	expect(existsSync(path), `${name} has a golden file`).toBe(true);
	expect(
		Buffer.compare(Buffer.from(bytes), readFileSync(path)),
		`${name} matches its golden file`
	).toBe(0);
}

const upload = (name: string, text: string) => ({
	name,
	size: Buffer.byteLength(text),
	text: async () => text
});
const current = (name: string) =>
	upload(name, readFileSync(join(FIXTURES, 'current', name), 'utf8'));

describe('the lifecycle model of a signed version', () => {
	test('carries the stages in order with what the room agreed and says what it left open', () => {
		expect(model.stages.map((s) => [s.label, s.entryCriteria.defined])).toEqual([
			['MQL', true],
			['SAL', true],
			['SQL', true],
			['Opportunity', false]
		]);
		const [mql, sal, sql, opportunity] = model.stages;
		expect(mql!.exitCriteria).toEqual({
			defined: true,
			value: 'Sales accepts or returns it within the hand-off SLA.',
			clauseId: 'termmql'
		});
		expect(mql!.ownerTeam).toMatchObject({ defined: true, value: 'Marketing' });
		expect(sal!.exitCriteria).toEqual({
			defined: false,
			reason: 'exit criteria not agreed in the workshop'
		});
		expect(sql!.requiredFields).toMatchObject({
			defined: true,
			value: [
				{ team: 'Sales', fields: ['Budget', 'Authority', 'Need', 'Timeline'] },
				{ team: 'Marketing', fields: ['Source'] }
			]
		});
		expect(opportunity!.entryCriteria).toEqual({
			defined: false,
			reason: 'Opportunity was not agreed in the workshop'
		});
		expect(model.mqlThreshold).toEqual({ defined: true, value: 65, clauseId: 'termscore' });
		expect(model.attemptsBeforeNurture).toMatchObject({ defined: true, value: 3 });
		expect(model.recycle.reasons).toMatchObject({
			defined: true,
			value: ['No answer after 3 attempts', 'Timing: buying next year', 'Student or researcher']
		});
		expect(model.disqualification.reasons).toMatchObject({
			value: ['Competitor', 'Outside our market', 'Duplicate']
		});
	});

	test('has one SLA per hand-off, with business or calendar hours only where the room said which', () => {
		expect(
			model.handoffs.map((h) => ({
				name: h.name,
				from: h.fromTeam.defined ? h.fromTeam.value : null,
				to: h.toTeam.defined ? h.toTeam.value : null,
				hours: h.hours.defined ? h.hours.value : null,
				basis: h.hoursBasis.defined ? h.hoursBasis.value : h.hoursBasis.reason
			}))
		).toEqual([
			{
				name: 'Follow-up within the SLA: accepted (SAL) or returned',
				from: 'Marketing',
				to: 'Sales',
				hours: 24,
				basis: 'business or calendar hours not agreed in the workshop'
			},
			{
				name: 'Returned to nurture with a reason',
				from: 'Sales',
				to: 'Marketing',
				hours: null,
				basis: 'no SLA agreed for this hand-off'
			},
			{ name: 'Hand-off SLA', from: null, to: 'Sales', hours: 4, basis: 'business' }
		]);
	});

	test('names each fact it leaves undefined and where in the workshop the room sets it', () => {
		expect(openFacts(model)).toEqual([
			'Exit criteria for SAL is not defined: set it on the Shared terms board (SAL, Lifecycle details: “Exit criteria”).',
			'Required fields for SAL are not defined: list them on the Shared terms board (SAL, “Fields each team needs on a lead”).',
			'Opportunity is not defined, so no CRM receives it: agree a merged wording for Opportunity on the Shared terms board.',
			'Business or calendar hours for the hand-off “Follow-up within the SLA: accepted (SAL) or returned” are not defined: set them on the Connections board (Edit step: “Business hours” or “Calendar hours”).',
			'The SLA of the hand-off “Returned to nurture with a reason” is not defined: set it on the Connections board (Edit step: “SLA (hours)”).',
			'The team handing off under “Hand-off SLA” is not defined: set it on the Shared terms board (Hand-off SLA, Lifecycle details: “Handed over by”).'
		]);
	});

	test('matches its valibot schema and the published JSON Schema', () => {
		expect(v.safeParse(lifecycleSchema, model).success).toBe(true);
		expect(lifecycleSchemaErrors(JSON.parse(JSON.stringify(model)))).toEqual([]);
	});

	test('the JSON Schema refuses a guessed value and an undefined fact without its reason', () => {
		const guessed = structuredClone(model) as unknown as {
			mqlThreshold: unknown;
			stages: { exitCriteria: unknown }[];
		};
		guessed.mqlThreshold = 65;
		expect(lifecycleSchemaErrors(guessed).join()).toContain('/mqlThreshold');
		const silent = structuredClone(model) as unknown as { stages: { exitCriteria: unknown }[] };
		silent.stages[1]!.exitCriteria = { defined: false };
		expect(lifecycleSchemaErrors(silent).join()).toContain('/stages/1/exitCriteria');
	});

	test('a version stored before the lifecycle facts existed reads them as not agreed', () => {
		const old = structuredClone(fixture.content);
		for (const item of old.sections.flatMap((s) => s.items)) {
			for (const key of ['ownerTeam', 'exitCriteria', 'hoursBasis', 'attempts', 'reasons']) {
				if (!('slaHours' in item.data) || key !== 'ownerTeam') delete item.data[key];
			}
		}
		const read = lifecycleOf(
			{ ...version, content: old, hash: contentHash(old) },
			fixture.verificationUrl
		);
		expect(read.stages[0]!.entryCriteria.defined).toBe(true);
		expect(read.stages[0]!.exitCriteria.defined).toBe(false);
		expect(read.attemptsBeforeNurture).toEqual({
			defined: false,
			reason: 'attempts before return to nurture not agreed in the workshop'
		});
		expect(read.recycle.reasons).toEqual({
			defined: false,
			reason: 'the definition of Recycled / Nurture lists no reasons'
		});
		expect(lifecycleSchemaErrors(read)).toEqual([]);
	});

	test('a version in a schema this reader does not know is refused, not guessed at', () => {
		const future = {
			...fixture.content,
			schema: 'common-ground/charter@9'
		} as unknown as CharterContent;
		expect(() => lifecycleOf({ ...version, content: future }, fixture.verificationUrl)).toThrow(
			UnreadableCharterError
		);
	});
});

describe('the exports of the fixture charter', () => {
	test.each(EXPORT_KINDS)('%s is byte for byte its golden file', (kind) => {
		const file = exportFile(kind, model);
		golden(file.name, file.bytes);
		if (file.type === 'application/zip') {
			for (const [name, bytes] of Object.entries(unzipSync(file.bytes))) {
				golden(`${kind}/${name}`, bytes);
			}
		}
	});

	test('the same version gives the same bytes every time', () => {
		for (const kind of EXPORT_KINDS) {
			expect(exportFile(kind, model).bytes).toEqual(exportFile(kind, model).bytes);
		}
	});

	test('every file names the charter, its version, its SHA-256 and the verification URL', () => {
		const files = {
			...Object.fromEntries(
				Object.entries(hubspotFiles(model)).map(([k, f]) => [`hubspot/${k}`, f])
			),
			...Object.fromEntries(
				Object.entries(salesforceFiles(model)).map(([k, f]) => [`salesforce/${k}`, f])
			),
			'lifecycle.json': strFromU8(exportFile('lifecycle.json', model).bytes),
			'lifecycle.yaml': strFromU8(exportFile('lifecycle.yaml', model).bytes)
		};
		expect(Object.keys(files).length).toBeGreaterThan(10);
		for (const [name, text] of Object.entries(files)) {
			expect(text, name).toContain('Northwind Traders: Sales and Marketing Alignment Charter');
			expect(text, name).toContain(version.hash);
			expect(text, name).toContain(fixture.verificationUrl);
			expect(text, name).toMatch(/[Vv]ersion["']?:? ?2\b|"version": 2|version: 2/);
		}
	});

	test('the YAML reads back as the same lifecycle', () => {
		expect(parseYaml(strFromU8(exportFile('lifecycle.yaml', model).bytes))).toEqual(
			JSON.parse(JSON.stringify(model))
		);
	});

	test('the HubSpot bodies have the shapes of the API calls they name', () => {
		const files = hubspotFiles(model);
		const pipeline = JSON.parse(files['lifecycle-pipeline.json']!);
		expect(pipeline.request).toEqual({
			method: 'POST',
			path: '/crm/v3/pipelines/contacts',
			body: {
				label: 'Lead lifecycle (charter v2)',
				displayOrder: 0,
				stages: [
					{ label: 'MQL', displayOrder: 0, metadata: {} },
					{ label: 'SAL', displayOrder: 1, metadata: {} },
					{ label: 'SQL', displayOrder: 2, metadata: {} }
				]
			}
		});
		const status = JSON.parse(files['lead-status-options.json']!);
		expect(status.request.path).toBe('/crm/v3/properties/contacts/hs_lead_status');
		expect(status.request.body.options.map((o: { value: string }) => o.value)).toEqual([
			'MQL',
			'SAL',
			'SQL',
			'RECYCLED',
			'DISQUALIFIED'
		]);
		const props = JSON.parse(files['required-properties.json']!);
		expect(props.request.path).toBe('/crm/v3/properties/contacts/batch/create');
		expect(props.requiredByStage).toEqual([
			{ stage: 'MQL', properties: ['cg_source', 'cg_campaign'] },
			{ stage: 'SAL', properties: [] },
			{ stage: 'SQL', properties: ['cg_budget', 'cg_authority', 'cg_need', 'cg_timeline'] }
		]);
		for (const input of props.request.body.inputs) {
			expect(Object.keys(input).sort()).toEqual(
				['description', 'fieldType', 'groupName', 'label', 'name', 'type'].sort()
			);
		}
		expect(files['README.md']).toContain('HubSpot CRM API v3');
		expect(files['README.md']).toContain('read on 2026-12-03');
	});
});

interface Shape {
	required?: boolean;
	repeated?: boolean;
	text?: string;
	oneOf?: string[];
	maxLength?: number;
	children?: Record<string, Shape>;
}
const shapes = JSON.parse(readFileSync(join(FIXTURES, 'salesforce-shapes.json'), 'utf8')) as {
	namespace: string;
	files: Record<string, { root: string; children: Record<string, Shape> }>;
};

/** Checks an element (as fast-xml-parser reads it, `preserveOrder` off) against its documented shape. */
function checkShape(
	where: string,
	node: Record<string, unknown>,
	children: Record<string, Shape>
): string[] {
	const problems: string[] = [];
	for (const key of Object.keys(node)) {
		if (key.startsWith('@_') || key === '#comment') continue;
		if (!children[key]) problems.push(`${where}: <${key}> is not in the documented shape`);
	}
	for (const [name, shape] of Object.entries(children)) {
		const raw = node[name];
		const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
		if (shape.required && list.length === 0) problems.push(`${where}: <${name}> is required`);
		if (!shape.repeated && list.length > 1)
			problems.push(`${where}: <${name}> appears ${list.length} times`);
		list.forEach((value, i) => {
			const at = `${where}/${name}[${i}]`;
			if (shape.children) {
				if (typeof value !== 'object' || value === null) problems.push(`${at}: must hold elements`);
				else problems.push(...checkShape(at, value as Record<string, unknown>, shape.children));
				return;
			}
			const text =
				typeof value === 'object' && value !== null
					? String((value as { '#text'?: unknown })['#text'] ?? '')
					: String(value);
			const ok: Record<string, RegExp> = {
				boolean: /^(true|false)$/,
				number: /^\d+(\.\d+)?$/,
				version: /^\d+\.0$/,
				apiName: /^[A-Za-z][A-Za-z0-9_]{0,39}__c$|^[A-Za-z][A-Za-z0-9_]*$/,
				ruleName: /^[A-Za-z](?!.*__)[A-Za-z0-9_]{0,39}$/,
				string: /^[\s\S]*$/
			};
			if (shape.text && !ok[shape.text]!.test(text))
				problems.push(`${at}: “${text}” is not a ${shape.text}`);
			if (shape.oneOf && !shape.oneOf.includes(text))
				problems.push(`${at}: “${text}” is not one of ${shape.oneOf.join(', ')}`);
			if (shape.maxLength && text.length > shape.maxLength)
				problems.push(`${at}: longer than ${shape.maxLength}`);
		});
	}
	return problems;
}

describe('the Salesforce package', () => {
	const files = salesforceFiles(model);
	const parser = new XMLParser({
		ignoreAttributes: false,
		parseTagValue: false,
		isArray: () => false
	});
	const xmlFiles = Object.entries(files).filter(([name]) => name.startsWith('unpackaged/'));

	test('every file is well-formed XML in the documented shape', () => {
		expect(xmlFiles.length).toBeGreaterThanOrEqual(6);
		for (const [name, text] of xmlFiles) {
			expect(XMLValidator.validate(text), name).toBe(true);
			const key = name
				.replace('unpackaged/', '')
				.replace(/^customMetadata\/.*\.md$/, 'customMetadata/*.md');
			const shape = shapes.files[key];
			expect(shape, `${name} has a documented shape`).toBeDefined();
			const doc = parser.parse(text) as Record<string, Record<string, unknown>>;
			const root = doc[shape!.root];
			expect(root, `${name} has root <${shape!.root}>`).toBeDefined();
			expect(root!['@_xmlns']).toBe(shapes.namespace);
			expect(checkShape(name, root!, shape!.children)).toEqual([]);
		}
	});

	test('the manifest lists exactly the components the package holds', () => {
		const pkg = parser.parse(files['unpackaged/package.xml']!).Package as {
			types: { name: string; members: string | string[] }[];
		};
		const listed = Object.fromEntries(
			pkg.types.map((t) => [t.name, Array.isArray(t.members) ? t.members : [t.members]])
		);
		const lead = parser.parse(files['unpackaged/objects/Lead.object']!).CustomObject as {
			fields: { fullName: string }[];
			validationRules: {
				fullName: string;
				errorConditionFormula: string;
				errorDisplayField: string;
			}[];
		};
		expect(listed.ValidationRule).toEqual(lead.validationRules.map((r) => `Lead.${r.fullName}`));
		expect(listed.CustomField!.filter((m) => m.startsWith('Lead.'))).toEqual(
			lead.fields.map((f) => `Lead.${f.fullName}`)
		);
		const records = Object.keys(files)
			.filter((n) => n.startsWith('unpackaged/customMetadata/'))
			.map((n) => n.replace('unpackaged/customMetadata/', '').replace(/\.md$/, ''));
		expect(listed.CustomMetadata).toEqual(records);
		expect(records).toEqual([
			'Charter_Setting.MQL_Threshold',
			'Charter_Setting.SLA_1',
			'Charter_Setting.SLA_3',
			'Charter_Setting.Attempts_Before_Nurture'
		]);
		// One validation rule per required field, each naming its field and the statuses from its stage on.
		expect(lead.validationRules).toHaveLength(6);
		const budget = lead.validationRules.find((r) => r.fullName === 'CG_Require_Budget_SQL')!;
		expect(budget.errorConditionFormula).toBe(
			'AND(OR(ISPICKVAL(Status, "SQL")), ISBLANK(CG_Budget__c))'
		);
		expect(budget.errorDisplayField).toBe('CG_Budget__c');
	});

	test('the lead statuses are the defined stages, then recycled and disqualified', () => {
		const set = parser.parse(files['unpackaged/standardValueSets/LeadStatus.standardValueSet']!)
			.StandardValueSet as { standardValue: { fullName: string; default: string }[] };
		expect(set.standardValue.map((s) => s.fullName)).toEqual([
			'MQL',
			'SAL',
			'SQL',
			'Recycled / Nurture',
			'Disqualified'
		]);
		expect(set.standardValue.filter((s) => s.default === 'true')).toHaveLength(1);
	});
});

describe('the dry run', () => {
	test('reads HubSpot’s pipeline and shows stages renamed, moved and removed', async () => {
		const [check] = await dryRun([current('hubspot-pipeline.json')], model);
		expect(check!.readAs).toBe('HubSpot pipeline “Lifecycle stage”');
		expect(check!.changes).toEqual([
			{ kind: 'stage-renamed', text: 'Stage “Marketing qualified lead” would be renamed “MQL”.' },
			{ kind: 'stage-moved', text: 'Stage “SQL” would move from position 4 to 3.' },
			{
				kind: 'stage-removed',
				text: 'Stage “Opportunity” would be removed (the charter does not name it).'
			}
		]);
	});

	test('reads HubSpot’s property list and shows lead-status options added and removed', async () => {
		const [check] = await dryRun([current('hubspot-properties.json')], model);
		expect(check!.readAs).toBe('HubSpot property “hs_lead_status”');
		expect(check!.changes.map((c) => c.text)).toEqual([
			'Lead status “SAL” would be added.',
			'Lead status “Recycled / Nurture” would be added.',
			'Lead status “Unqualified” would be relabelled “Disqualified”.',
			'Lead status “New” would be removed (the charter does not name it).',
			'Lead status “Bad Timing” would be removed (the charter does not name it).'
		]);
	});

	test('reads Salesforce’s LeadStatus value set and a setting record whose threshold changed', async () => {
		const checks = await dryRun(
			[
				current('LeadStatus.standardValueSet-meta.xml'),
				current('Charter_Setting.MQL_Threshold.md-meta.xml')
			],
			model
		);
		expect(checks.map((c) => c.readAs)).toEqual([
			'Salesforce LeadStatus value set',
			'Salesforce charter setting “MQL score threshold”'
		]);
		expect(checks[0]!.changes.map((c) => c.text)).toEqual([
			'Lead status “SAL” would be added.',
			'Lead status “Sales Qualified Lead” would be relabelled “SQL”.',
			'Lead status “Recycled / Nurture” would be added.',
			'Lead status “Open - Not Contacted” would be removed (the charter does not name it).'
		]);
		expect(checks[1]!.changes).toEqual([
			{ kind: 'threshold-changed', text: '“MQL score threshold” would change from 50 to 65.' }
		]);
	});

	test('the package it exports, read back, would change nothing', async () => {
		const files = salesforceFiles(model);
		const checks = await dryRun(
			[
				upload(
					'LeadStatus.standardValueSet',
					files['unpackaged/standardValueSets/LeadStatus.standardValueSet']!
				),
				upload('threshold.md', files['unpackaged/customMetadata/Charter_Setting.MQL_Threshold.md']!)
			],
			model
		);
		expect(checks.flatMap((c) => c.changes)).toEqual([]);
	});

	test.each([
		[
			'a file that is not a CRM configuration',
			upload('notes.json', '{"hello": "world"}'),
			'is not a HubSpot or Salesforce configuration'
		],
		[
			'a CSV',
			upload('leads.csv', 'email,status\na@b.c,MQL\n'),
			'is not a HubSpot or Salesforce configuration'
		],
		['malformed JSON', upload('pipeline.json', '{"label": "x", "stages": ['), 'is not valid JSON'],
		[
			'malformed XML',
			upload('LeadStatus.xml', '<StandardValueSet><standardValue></StandardValueSet>'),
			'is not well-formed XML'
		],
		[
			'XML of another kind',
			upload('other.xml', '<Profile><x>1</x></Profile>'),
			'is not a HubSpot or Salesforce configuration'
		],
		['an empty file', upload('empty.json', ''), 'is empty'],
		[
			'an oversize file',
			upload('big.json', `{"label":"x","stages":[],"pad":"${'x'.repeat(MAX_UPLOAD_BYTES)}"}`),
			'a configuration file is at most 512 KB'
		]
	])('refuses %s with the reason', async (_, file, reason) => {
		await expect(dryRun([file], model)).rejects.toThrow(CrmUploadError);
		await expect(dryRun([file], model)).rejects.toThrow(reason);
	});

	test('refuses an upload with no file', async () => {
		await expect(dryRun([], model)).rejects.toThrow(
			'Choose the configuration file your CRM exported.'
		);
	});
});
