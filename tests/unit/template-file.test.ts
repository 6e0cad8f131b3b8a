import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { templateJsonSchema, TEMPLATE_SCHEMA_PATH } from '../../scripts/template-schema';
import { can, ROLES } from '../../src/lib/domain/permissions';
import {
	BUILT_IN_TEMPLATES,
	TEMPLATE_LIMITS,
	toTemplateFile
} from '../../src/lib/domain/template-library';
import { checkTemplateContent, readTemplateFile } from '../../src/lib/schemas/template-file';

const fixture = readFileSync('tests/fixtures/template-v1.json', 'utf8');
type Loose = Record<string, unknown>;
interface FileShape extends Loose {
	stages: Array<Loose & { terms: Loose[]; journey: Loose[] }>;
	teams: Loose[];
}
const good = () => JSON.parse(fixture) as FileShape;
const refusal = (file: unknown) => {
	const read = readTemplateFile(typeof file === 'string' ? file : JSON.stringify(file));
	if (read.ok) throw new Error('the file was accepted');
	return read.errors.join(' ');
};

describe('the template file, version 1', () => {
	test('the published JSON Schema is the one generated from the schema the import uses', () => {
		const published = JSON.parse(readFileSync(TEMPLATE_SCHEMA_PATH, 'utf8'));
		expect(published).toEqual(templateJsonSchema());
		expect(published.properties.stages.items.properties.kind.enum).toContain('shared-terms');
	});

	test('a version 1 file as first written still reads, with every field kept', () => {
		const read = readTemplateFile(fixture);
		expect(read.ok).toBe(true);
		if (!read.ok) return;
		expect(read.file.stages.map((s) => s.kind)).toEqual([
			'shared-terms',
			'connections',
			'agreements'
		]);
		expect(read.file.stages[0]!.terms![1]).toEqual({
			name: 'Hand-off SLA',
			hint: '',
			valueType: 'hours',
			value: 24,
			draft: ''
		});
		expect(read.file.stages[1]!.journey![0]!.owner).toBe('Partners');
	});

	test('every built-in template is a valid template and reads back from its file', () => {
		expect(BUILT_IN_TEMPLATES.map((t) => t.content.name)).toEqual([
			'Sales & Marketing Alignment',
			'Lead-definition summit',
			'Quarterly alignment review'
		]);
		for (const { content } of BUILT_IN_TEMPLATES) {
			expect(checkTemplateContent(content)).toEqual([]);
			const read = readTemplateFile(JSON.stringify(toTemplateFile(content)));
			expect(read.ok && read.file.stages).toEqual(content.stages);
		}
	});

	test('a file that is not JSON is refused as such', () => {
		expect(refusal('name: not json')).toMatch(/not JSON/);
		expect(readTemplateFile(new Uint8Array([0xff, 0xfe, 0x00]))).toMatchObject({ ok: false });
		expect(refusal('[1, 2]')).toMatch(/not a template/);
		expect(refusal({ ...good(), name: 'Q\u0000 review' })).toMatch(/cannot be stored/);
	});

	test('another format or another version is named, not listed as wrong fields', () => {
		expect(refusal({ ...good(), format: 'miro-board' })).toMatch(/not a Common Ground template/);
		expect(refusal({ ...good(), version: 2 })).toMatch(
			/version 2; this Common Ground reads version 1/
		);
		const { version: _dropped, ...noVersion } = good();
		expect(refusal(noVersion)).toMatch(/version null/);
	});

	test('an unknown stage kind is refused, naming the stage', () => {
		const file = good();
		file.stages[2]!.kind = 'charter-pulse';
		expect(refusal(file)).toMatch(/^Stage 3: A stage’s kind is one of: .*agreements/);
	});

	test('a file past the size limit is refused before it is parsed', () => {
		const big = JSON.stringify({ ...good(), description: 'x'.repeat(TEMPLATE_LIMITS.fileBytes) });
		expect(refusal(big)).toMatch(/at most 256 KB/);
	});

	test('too many stages, teams, terms or steps are refused', () => {
		const stages = good();
		stages.stages = Array.from({ length: 21 }, (_, i) => ({
			...stages.stages[2]!,
			key: `stage-${i}`
		}));
		expect(refusal(stages)).toMatch(/Stages: at most 20/);
		const terms = good();
		terms.stages[0]!.terms = Array.from({ length: 41 }, () => terms.stages[0]!.terms[0]!);
		expect(refusal(terms)).toMatch(/Stage 1: The terms of a stage: at most 40/);
		const teams = good();
		teams.teams = Array.from({ length: 9 }, (_, i) => ({ name: `T${i}`, colour: '#1d4ed8' }));
		expect(refusal(teams)).toMatch(/Teams: at most 8/);
	});

	test('text past its limit is refused, naming where it is', () => {
		const file = good();
		file.stages[0]!.terms[1]!.draft = 'y'.repeat(TEMPLATE_LIMITS.draft + 1);
		expect(refusal(file)).toMatch(/^Stage 1, term 2: The term’s draft wording is longer than 2000/);
		const title = good();
		title.stages[1]!.title = 't'.repeat(81);
		expect(refusal(title)).toMatch(/Stage 2: The stage’s title is longer than 80/);
	});

	test('unknown fields, a wrong timebox and contradictions across fields are refused', () => {
		expect(refusal({ ...good(), owner: 'me' })).toMatch(/"owner" is not a field/);
		const timebox = good();
		timebox.stages[0]!.timeboxMinutes = 12.5;
		expect(refusal(timebox)).toMatch(/whole number of minutes/);
		const keys = good();
		keys.stages[1]!.key = 'terms';
		expect(refusal(keys)).toMatch(/Stage 2: the key “terms” is taken twice/);
		const misplaced = good();
		misplaced.stages[2]!.terms = [];
		expect(refusal(misplaced)).toMatch(/Stage 3: only a shared-terms stage starts with terms/);
		const owner = good();
		owner.stages[1]!.journey[0]!.owner = 'Marketing';
		expect(refusal(owner)).toMatch(/owner “Marketing” is not one of the teams/);
		const colour = good();
		colour.teams[0]!.colour = 'red; background: url(x)';
		expect(refusal(colour)).toMatch(/Team 1: A team’s colour is one of/);
	});

	test('script-like content stays text: it is read as written, never interpreted', () => {
		const file = good();
		file.name = '<script>alert(1)</script>';
		file.stages[0]!.prompt = '<img src=x onerror=alert(1)> {{constructor}}';
		const read = readTemplateFile(JSON.stringify(file));
		expect(read.ok && read.file.name).toBe('<script>alert(1)</script>');
		expect(read.ok && read.file.stages[0]!.prompt).toBe(
			'<img src=x onerror=alert(1)> {{constructor}}'
		);
	});

	test('only a facilitator or a firm’s owner keeps a template library', () => {
		for (const role of ROLES) {
			expect(can(role, 'template.manage')).toBe(role === 'facilitator' || role === 'owner');
		}
		expect(can(null, 'template.manage')).toBe(false);
	});
});
