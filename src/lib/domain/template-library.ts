/**
 * A template as the library keeps it and as a file carries it: the stages with their prompts
 * and timeboxes, the teams, and what the Shared terms and Connections boards start with.
 * The built-in templates are written in the same shape as the ones facilitators save, so one
 * path creates a workshop from either.
 *
 * The file format is versioned from the first day (TEMPLATE_VERSION); its published JSON
 * Schema is static/schema/template-v1.json, generated from the valibot schema in
 * src/lib/schemas/template-file.ts.
 */
import { DEFAULT_TEAMS } from './teams';
import {
	ALIGNMENT_TEMPLATE,
	DEFAULT_JOURNEY,
	DEFAULT_TERMS,
	type StageKind,
	type StageTemplate
} from './template';

export const TEMPLATE_FORMAT = 'common-ground-template';
export const TEMPLATE_VERSION = 1;

/** Limits of a template file; the import refuses anything past them, with the reason. */
export const TEMPLATE_LIMITS = {
	/** Bytes of the whole file. */
	fileBytes: 256 * 1024,
	name: 80,
	description: 500,
	stages: 20,
	teams: 8,
	teamName: 40,
	stageTitle: 80,
	prompt: 2000,
	timeboxMinutes: 240,
	terms: 40,
	termName: 120,
	hint: 300,
	draft: 2000,
	steps: 40,
	stepText: 500,
	system: 100,
	slaHours: 24 * 365
} as const;

export type TermValueType = 'none' | 'hours' | 'points';

/** A term the Shared terms board starts with; `draft` pre-fills the merged wording. */
export interface TemplateTerm {
	name: string;
	hint: string;
	valueType: TermValueType;
	value: number | null;
	draft: string;
}

/** A step of the lead journey the Connections board starts with. */
export interface TemplateStep {
	step: string;
	/** The name of the template's team that owns the step, or '' for none. */
	owner: string;
	system: string;
	slaHours: number | null;
	returnPath: boolean;
}

export interface TemplateStage {
	key: string;
	kind: StageKind;
	title: string;
	prompt: string;
	timeboxMinutes: number;
	/** Shared terms stages only. */
	terms?: TemplateTerm[];
	/** Connections stages only. */
	journey?: TemplateStep[];
}

export interface TemplateTeam {
	name: string;
	colour: string;
}

export interface TemplateContent {
	name: string;
	description: string;
	teams: TemplateTeam[];
	stages: TemplateStage[];
}

/** The file: the content with its format and version. */
export interface TemplateFile extends TemplateContent {
	$schema?: string;
	format: typeof TEMPLATE_FORMAT;
	version: typeof TEMPLATE_VERSION;
}

const defaultTerms = (): TemplateTerm[] =>
	DEFAULT_TERMS.map((t) => ({
		name: t.name,
		hint: t.hint,
		valueType: t.valueType,
		value: null,
		draft: ''
	}));

const defaultJourney = (): TemplateStep[] =>
	DEFAULT_JOURNEY.map((s, index) => ({
		step: s.step,
		owner: s.owner,
		system: s.system,
		slaHours: null,
		returnPath: index === DEFAULT_JOURNEY.length - 1
	}));

/** A stage of the alignment template, with the board content its kind starts with. */
function withContent(stage: StageTemplate): TemplateStage {
	const copy: TemplateStage = { ...stage };
	if (stage.kind === 'shared-terms') copy.terms = defaultTerms();
	if (stage.kind === 'connections') copy.journey = defaultJourney();
	return copy;
}

const alignmentStage = (key: string): TemplateStage => {
	const found = ALIGNMENT_TEMPLATE.find((s) => s.key === key);
	if (!found) throw new Error(`The alignment template has no stage ${key}.`);
	return withContent(found);
};

const defaultTeams = (): TemplateTeam[] => DEFAULT_TEAMS.map((t) => ({ ...t }));

export interface BuiltInTemplate {
	id: string;
	content: TemplateContent;
}

/**
 * The templates every facilitator has. `alignment` is the whole day; the other two come from
 * practice: a day spent on the lead definition alone, and the review a quarter later.
 */
export const BUILT_IN_TEMPLATES: readonly BuiltInTemplate[] = [
	{
		id: 'alignment',
		content: {
			name: 'Sales & Marketing Alignment',
			description: 'The whole day: focus and value to measures and agreements.',
			teams: defaultTeams(),
			stages: ALIGNMENT_TEMPLATE.map(withContent)
		}
	},
	{
		id: 'lead-definition-summit',
		content: {
			name: 'Lead-definition summit',
			description:
				'One definition of a qualified lead: shared terms, calibration on real leads, the journey, agreements.',
			teams: defaultTeams(),
			stages: [
				alignmentStage('shared-terms'),
				alignmentStage('calibration'),
				alignmentStage('connections'),
				alignmentStage('agreements')
			]
		}
	},
	{
		id: 'quarterly-review',
		content: {
			name: 'Quarterly alignment review',
			description:
				'A quarter after the charter: the measures against their targets, the barriers still in the way, and the agreements to keep or amend.',
			teams: defaultTeams(),
			// A charter pulse is a review session started from the signed charter (its own screen),
			// not a stage: this template covers the live part that follows it.
			stages: [
				{
					key: 'measures',
					kind: 'measures',
					title: 'Measures since the charter',
					prompt:
						'For each measure in the charter: where it stands against its baseline and target, who owns it, and whether the review rhythm held. Mark the ones that moved the wrong way.',
					timeboxMinutes: 40
				},
				{
					key: 'barriers',
					kind: 'barriers',
					title: 'Barriers still in the way',
					prompt:
						'What kept an agreement from being kept this quarter? One barrier per card. Then we group them, vote on the ones that matter most, and give each a remedy and an owner.',
					timeboxMinutes: 40
				},
				{
					key: 'agreements',
					kind: 'agreements',
					title: 'Agreements to keep or amend',
					prompt:
						'Each agreement of the charter: keep it, amend it or drop it, with the buyer evidence of the quarter behind the choice. An amendment becomes the next version to sign.',
					timeboxMinutes: 30
				}
			]
		}
	}
];

export function builtInTemplate(id: string): BuiltInTemplate | undefined {
	return BUILT_IN_TEMPLATES.find((t) => t.id === id);
}

/** The file form of a template's content. */
export function toTemplateFile(content: TemplateContent, schemaUrl?: string): TemplateFile {
	return {
		...(schemaUrl ? { $schema: schemaUrl } : {}),
		format: TEMPLATE_FORMAT,
		version: TEMPLATE_VERSION,
		name: content.name,
		description: content.description,
		teams: content.teams,
		stages: content.stages
	};
}
