/**
 * What a charter says: the document compiled from a workshop, edited by the facilitator and
 * frozen into versions. One shape for the draft, the frozen version, every export and the
 * diff, so what a leader signs is exactly what every rendering shows.
 *
 * Every clause ("item") keeps the id of what it was compiled from (a board card, an
 * agreement), so two versions can be compared clause by clause even after rewording and
 * reordering. Its `text` is the wording the facilitator may edit; `data` holds the typed facts
 * (hours, points, owners, dates) that the machine-readable export carries.
 */
import { describeConsent } from '../consent';
import { CONSENT_LABELS, CONSENT_OPTIONS } from '../polls';
import { BROKEN_LABELS, type BrokenConnectionKind } from '../template';
import type { JsonObject, JsonValue } from './canon';

export const CHARTER_SCHEMA = 'common-ground/charter@1';

export const SECTION_KINDS = [
	'purpose',
	'value',
	'definitions',
	'calibration',
	'journey',
	'barriers',
	'incentives',
	'measures',
	'cadence',
	'agreements'
] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];

export const SECTION_TITLES: Record<SectionKind, string> = {
	purpose: 'Purpose and shared goal',
	value: 'How each team creates value',
	definitions: 'Shared definitions',
	calibration: 'Calibration on real leads',
	journey: 'The lead journey',
	barriers: 'Top barriers and remedies',
	incentives: 'Incentive changes',
	measures: 'Measures',
	cadence: 'Meeting cadence',
	agreements: 'Agreements'
};

export interface CharterItem {
	/** The card or agreement it was compiled from; stable across versions. */
	id: string;
	text: string;
	data: JsonObject;
}

export interface CharterSection {
	/** Unique within a charter; the kind for compiled sections. */
	key: string;
	kind: SectionKind;
	title: string;
	/** A short paragraph the facilitator may write above the clauses. */
	intro: string;
	items: CharterItem[];
}

export interface CharterContent {
	schema: typeof CHARTER_SCHEMA;
	title: string;
	organisation: string;
	workshopTitle: string;
	facilitator: string;
	/** People who took part, counted per team; never names. */
	participants: { team: string; count: number }[];
	sections: CharterSection[];
}

export interface Evidence {
	kind: string;
	text: string;
	source: string;
	/** Evidence of kind `calibration`: the round it cites. */
	roundId?: string;
}

/** A published charter must say something: at least one clause in some section. */
export function isEmptyCharter(content: CharterContent): boolean {
	return content.sections.every((s) => s.items.length === 0);
}

export function clauseCount(content: CharterContent): number {
	return content.sections.reduce((n, s) => n + s.items.length, 0);
}

const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');
const num = (v: JsonValue | undefined): number | null => (typeof v === 'number' ? v : null);

export function evidenceOf(item: CharterItem): Evidence[] {
	const list = item.data.evidence;
	if (!Array.isArray(list)) return [];
	return list.flatMap((e) =>
		e && typeof e === 'object' && !Array.isArray(e)
			? [
					{
						kind: str(e.kind),
						text: str(e.text),
						source: str(e.source),
						...(typeof e.roundId === 'string' ? { roundId: e.roundId } : {})
					}
				]
			: []
	);
}

/** "Only the buyer gets to be right": the agreements that carry no buyer evidence. */
export function agreementsWithoutEvidence(content: CharterContent): CharterItem[] {
	return content.sections
		.filter((s) => s.kind === 'agreements')
		.flatMap((s) => s.items)
		.filter((item) => evidenceOf(item).length === 0);
}

export interface Fact {
	label: string;
	value: string;
}

const EVIDENCE_LABELS: Record<string, string> = {
	quote: 'Buyer quote',
	'lost-deal': 'Lost-deal reason',
	figure: 'Figure',
	other: 'Evidence',
	calibration: 'Calibration result'
};

export function evidenceLabel(kind: string): string {
	return EVIDENCE_LABELS[kind] ?? 'Evidence';
}

const isObject = (v: JsonValue | undefined): v is { [key: string]: JsonValue } =>
	!!v && typeof v === 'object' && !Array.isArray(v);

/** "4 agree, 2 can live with it, 1 object": the options' own words, in the ballot's order. */
function countsText(counts: JsonValue | undefined): string {
	if (!isObject(counts)) return '';
	const known = CONSENT_OPTIONS.filter((o) => typeof counts[o] === 'number').map(
		(o) => `${counts[o]} ${CONSENT_LABELS[o].toLowerCase()}`
	);
	// An option this version does not know (a hand-made charter) keeps its number.
	const other = Object.entries(counts)
		.filter(
			([k, n]) => typeof n === 'number' && !(CONSENT_OPTIONS as readonly string[]).includes(k)
		)
		.map(([k, n]) => `${n} ${k}`);
	return [...known, ...other].join(', ');
}

function outcomeText(outcome: JsonValue | undefined): string | null {
	if (!isObject(outcome)) return null;
	const verdict = outcome.passed === true ? 'Adopted by vote' : 'Not adopted';
	const voters = num(outcome.voters);
	const counts = countsText(outcome.counts);
	const who = voters === null ? '' : `${voters} voting`;
	if (counts) return `${verdict}: ${counts}${who ? ` (${who})` : ''}`;
	return who ? `${verdict} (${who})` : verdict;
}

/** What decided the vote, where the outcome records each team's voters and the poll's k. */
function decidedText(outcome: JsonValue | undefined): string | null {
	if (!isObject(outcome) || !Array.isArray(outcome.teams)) return null;
	const k = num(outcome.k);
	const voters = num(outcome.voters);
	if (k === null || voters === null) return null;
	const teams = outcome.teams.flatMap((t) =>
		isObject(t) && typeof t.voters === 'number'
			? [
					{
						name: str(t.team) || 'a team',
						voters: t.voters,
						passes: typeof t.passes === 'boolean' ? t.passes : null
					}
				]
			: []
	);
	const { reason } = describeConsent({
		passed: outcome.passed === true,
		voters,
		k,
		overallPasses: typeof outcome.overallPasses === 'boolean' ? outcome.overallPasses : null,
		teams
	});
	return reason ? `${reason[0]!.toUpperCase()}${reason.slice(1)}.` : null;
}

function dissentText(outcome: JsonValue | undefined): string | null {
	if (!outcome || typeof outcome !== 'object' || Array.isArray(outcome)) return null;
	const dissent = outcome.dissent;
	if (!dissent || typeof dissent !== 'object' || Array.isArray(dissent)) return null;
	const overall = num(dissent.overall);
	const teams = Array.isArray(dissent.teams) ? dissent.teams : [];
	const perTeam = teams.flatMap((t) =>
		t && typeof t === 'object' && !Array.isArray(t) && typeof t.objections === 'number'
			? [`${str(t.team) || 'a team'}: ${t.objections}`]
			: []
	);
	if (overall === null && perTeam.length === 0) return null;
	const head = overall === null ? 'Objections' : `${overall} objection${overall === 1 ? '' : 's'}`;
	return perTeam.length ? `${head} (${perTeam.join(', ')})` : head;
}

/** How a clause that came from the template, unchanged, is marked. */
export const TEMPLATE_MARK = 'The template’s suggestion, not changed in the room';

/** The vote of an agreement clause in words, for exports that carry the typed vote too. */
export function voteSummary(item: CharterItem): string | null {
	const vote = outcomeText(item.data.outcome);
	if (!vote) return null;
	const decided = decidedText(item.data.outcome);
	return decided ? `${vote}. ${decided}` : vote;
}

/** The facts of a clause that are its data's words as they stand: label, then the data's key. */
const TEXT_FACTS: Partial<Record<SectionKind, ReadonlyArray<readonly [string, string]>>> = {
	value: [
		['Team', 'team'],
		['Kind', 'category']
	],
	barriers: [
		['Remedy', 'remedy'],
		['Owner', 'remedyOwner']
	],
	incentives: [
		['Team', 'team'],
		['Rewarded today for', 'today'],
		['Shared goal needs', 'needed']
	],
	measures: [
		['Definition', 'definition'],
		['Baseline', 'baseline'],
		['Target', 'target'],
		['Owner', 'owner'],
		['Source', 'source'],
		['Reviewed', 'frequency']
	],
	cadence: [['Next review', 'nextReviewDate']]
};

/**
 * The typed facts of a clause, as label and value, in reading order: the one rendering of
 * `data` that the charter page, the PDF and the Markdown share.
 */
export function factsOf(kind: SectionKind, item: CharterItem): Fact[] {
	const d = item.data;
	const facts: Fact[] = [];
	const add = (label: string, value: string | number | null | undefined) => {
		if (value !== null && value !== undefined && String(value).trim() !== '')
			facts.push({ label, value: String(value) });
	};
	switch (kind) {
		case 'definitions': {
			const value = num(d.value);
			const unit = str(d.unit);
			if (value !== null) add(str(d.valueLabel) || 'Value', `${value}${unit ? ` ${unit}` : ''}`);
			const fields = Array.isArray(d.requiredFields) ? d.requiredFields : [];
			for (const f of fields) {
				if (f && typeof f === 'object' && !Array.isArray(f) && Array.isArray(f.fields)) {
					const list = f.fields.filter((x): x is string => typeof x === 'string');
					if (list.length) add(`Fields ${str(f.team)} needs`, list.join(', '));
				}
			}
			add('Handed over by', str(d.fromTeam));
			add('Owner', str(d.ownerTeam));
			add('Exit criteria', str(d.exitCriteria));
			if (str(d.hoursBasis)) add('Hours counted', `${str(d.hoursBasis)} hours`);
			add('Attempts before nurture', num(d.attempts));
			if (Array.isArray(d.reasons)) add('Reasons', d.reasons.map((r) => str(r)).join('; '));
			break;
		}
		case 'calibration':
			for (const fact of calibrationFacts(d)) add(fact.label, fact.value);
			break;
		case 'journey':
			add('Owner', str(d.ownerTeam));
			add('System', str(d.system));
			if (num(d.slaHours) !== null) {
				add(
					'Within',
					`${num(d.slaHours)}${str(d.hoursBasis) ? ` ${str(d.hoursBasis)}` : ''} hours`
				);
			}
			if (str(d.broken)) {
				add('Broken connection', BROKEN_LABELS[str(d.broken) as BrokenConnectionKind] ?? 'Yes');
			}
			if (d.isReturnPath === true) add('Path', 'Return to nurture');
			if (d.fromTemplate === true) add('Source', TEMPLATE_MARK);
			break;
		case 'agreements': {
			const owner = [str(d.ownerName), str(d.ownerTeam)].filter(Boolean).join(', ');
			add('Owner', owner);
			add('Due', str(d.dueDate));
			add('Measure', str(d.metric));
			add('Vote', outcomeText(d.outcome) ?? 'Recorded, not put to a vote');
			add('Decided', decidedText(d.outcome));
			if (isObject(d.outcome)) add('Rule', str(d.outcome.rule));
			add('Dissent', dissentText(d.outcome));
			for (const e of evidenceOf(item)) {
				add(evidenceLabel(e.kind), e.source ? `${e.text} (${e.source})` : e.text);
			}
			if (evidenceOf(item).length === 0) add('Buyer evidence', 'None recorded');
			break;
		}
		default:
			for (const [label, key] of TEXT_FACTS[kind] ?? []) add(label, str(d[key]));
	}
	return facts;
}

const kappaText = (f: JsonValue | undefined): string | null => {
	if (!f || typeof f !== 'object' || Array.isArray(f)) return null;
	const kappa = num(f.kappa);
	const percent = num(f.percentAgreement);
	if (percent === null) return null;
	return `${kappa === null ? 'no kappa' : `κ ${kappa.toFixed(2)}`}, ${Math.round(percent)}% of pairs agree`;
};

/** A calibration clause's facts: rounds, agreement overall and between teams, leads still split. */
function calibrationFacts(d: JsonObject): Fact[] {
	const facts: Fact[] = [];
	const rounds = Array.isArray(d.rounds) ? d.rounds : [];
	const sample = num(d.sampleSize);
	if (sample !== null) facts.push({ label: 'Sample', value: `${sample} leads` });
	for (const r of rounds) {
		if (!r || typeof r !== 'object' || Array.isArray(r)) continue;
		const overall = kappaText(r);
		const between = kappaText(r.betweenTeams);
		const who = `${num(r.classifiers) ?? 0} classifying`;
		facts.push({
			label: `Round ${num(r.round) ?? ''}`.trim(),
			value: [
				who,
				overall ?? 'figures not shown (too few classified)',
				between && `between teams ${between}`
			]
				.filter(Boolean)
				.join(' · ')
		});
	}
	const split = Array.isArray(d.leadsStillSplit) ? d.leadsStillSplit : [];
	const names = split.flatMap((l) =>
		l && typeof l === 'object' && !Array.isArray(l) && typeof l.lead === 'string' ? [l.lead] : []
	);
	facts.push({ label: 'Still split', value: names.length ? names.join(', ') : 'None' });
	return facts;
}

/** The next review date the charter names, if any (the earliest cadence date). */
export function nextReviewDate(content: CharterContent): string | null {
	const dates = content.sections
		.filter((s) => s.kind === 'cadence')
		.flatMap((s) => s.items)
		.map((i) => str(i.data.nextReviewDate))
		.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
		.sort();
	return dates[0] ?? null;
}

export function measuresOf(content: CharterContent): CharterItem[] {
	return content.sections.filter((s) => s.kind === 'measures').flatMap((s) => s.items);
}
