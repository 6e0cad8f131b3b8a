/**
 * Compiling a charter from a workshop: the stages' boards (read from the shared documents as
 * the server holds them), the agreement register with buyer evidence and vote outcomes,
 * participants counted per team, and the facilitator. The result is a draft the facilitator
 * edits before publishing.
 */
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { stageDocName } from '../../collab/doc-names';
import { listCards, termText, textOf, TERM_TEXT, type Card } from '../../collab/cards';
import { isTemplateStep, isUntouchedTemplateJourney } from '../../collab/journey';
import type { JsonObject } from '../../domain/charter/canon';
import {
	CHARTER_SCHEMA,
	SECTION_KINDS,
	SECTION_TITLES,
	type CharterContent,
	type CharterItem,
	type SectionKind
} from '../../domain/charter/content';
import type { StageKind } from '../../domain/template';
import * as agreements from '../agreements';
import { calibrationItems } from './calibration';
import { db } from '../db';
import { account, agreement, participant, team, workshop } from '../db/schema';
import * as rooms from '../rooms';
import * as stages from '../stages';

const VALUE_CATEGORIES: Record<string, string> = {
	focus: 'Focus',
	'value-driver': 'Value driver',
	outcome: 'Outcome',
	need: 'Needs from the other team'
};

const UNITS: Record<string, string> = { hours: 'hours', points: 'points' };
const VALUE_LABELS: Record<string, string> = { hours: 'SLA', points: 'Score threshold' };

interface TermRead {
	card: Card;
	merged: string;
	fields: Record<string, string>;
}

/** The k of an outcome stored before it recorded one, from its rule's words; else null. */
function kOfRule(rule: string): number | null {
	const found = /every team of (\d+) or more voters/.exec(rule);
	return found ? Number(found[1]) : null;
}

/** A list written as text ("budget, authority; need\ntimeline") as its entries. */
function listOf(text: string): string[] {
	return text
		.split(/[\n,;]+/)
		.map((s) => s.trim())
		.filter(Boolean);
}

function lifecycleFacts(card: Card, teamName: (id: string | null) => string): JsonObject {
	const facts: JsonObject = {};
	const owner = teamName(card.ownerTeamId ?? null);
	if (owner) facts.ownerTeam = owner;
	const from = teamName(card.fromTeamId ?? null);
	if (from) facts.fromTeam = from;
	if (card.exitCriteria?.trim()) facts.exitCriteria = card.exitCriteria.trim();
	if (card.hoursBasis) facts.hoursBasis = card.hoursBasis;
	if (typeof card.attempts === 'number') facts.attempts = card.attempts;
	const reasons = listOf(card.reasons ?? '');
	if (reasons.length) facts.reasons = reasons;
	return facts;
}

export async function compile(workshopId: string): Promise<CharterContent> {
	const [found] = await db()
		.select({
			title: workshop.title,
			organisation: workshop.clientOrganisation,
			owner: account.name
		})
		.from(workshop)
		.innerJoin(account, eq(account.id, workshop.ownerId))
		.where(eq(workshop.id, workshopId));
	if (!found) throw new Error(`no workshop ${workshopId}`);
	const teams = await db()
		.select({ id: team.id, name: team.name, people: count(participant.id) })
		.from(team)
		.leftJoin(participant, and(eq(participant.teamId, team.id), isNull(participant.removedAt)))
		.where(eq(team.workshopId, workshopId))
		.groupBy(team.id, team.name, team.position)
		.orderBy(asc(team.position));
	const teamName = (id: string | null | undefined) =>
		(id && teams.find((t) => t.id === id)?.name) || '';

	const items: Record<SectionKind, CharterItem[]> = Object.fromEntries(
		SECTION_KINDS.map((k) => [k, []])
	) as unknown as Record<SectionKind, CharterItem[]>;
	const push = (kind: SectionKind, card: Card, text: string, data: JsonObject) => {
		if (text.trim()) items[kind].push({ id: card.id, text, data });
	};

	// The team a template step's owner name stood for when the step was written.
	const ownerIdOf = (name: string) => teams.find((t) => t.name === name)?.id ?? null;

	for (const stage of await stages.list(workshopId)) {
		const kind: StageKind = stage.kind;
		const { cards, terms } = await rooms.read(stageDocName(workshopId, stage.key), (doc) => {
			const cards = listCards(doc);
			const terms: TermRead[] = cards
				.filter((c) => c.type === 'term')
				.map((card) => ({
					card,
					merged: textOf(termText(doc, card.id, TERM_TEXT.merged)),
					fields: Object.fromEntries(
						teams.map((t) => [t.name, textOf(termText(doc, card.id, TERM_TEXT.fields(t.id)))])
					)
				}));
			return { cards, terms };
		});
		// A journey still exactly as the template suggested it was decided by nobody: it stays
		// out unless the facilitator keeps it on purpose (see `leftOut`). Within a journey the
		// room worked on, the steps it left as suggested say so.
		const steps = cards.filter((c) => c.type === 'step');
		const isSuggestionOnly = isUntouchedTemplateJourney(steps, ownerIdOf);
		for (const card of cards) {
			switch (card.type) {
				case 'focus':
					// The facilitator's own focus cards state the shared goal; teams' are their focus.
					if (card.teamId === null) push('purpose', card, card.text, {});
					else push('value', card, card.text, { team: teamName(card.teamId), category: 'Focus' });
					break;
				case 'value-driver':
				case 'outcome':
				case 'need':
					push('value', card, card.text, {
						team: teamName(card.teamId),
						category: VALUE_CATEGORIES[card.type]!
					});
					break;
				case 'step':
					if (isSuggestionOnly) break;
					push('journey', card, card.text, {
						ownerTeam: teamName(card.ownerTeamId),
						system: card.system ?? '',
						slaHours: card.slaHours ?? null,
						broken: card.broken ?? null,
						isReturnPath: card.isReturnPath === true,
						note: card.note ?? '',
						...(card.hoursBasis ? { hoursBasis: card.hoursBasis } : {}),
						...(isTemplateStep(card, ownerIdOf) ? { fromTemplate: true } : {})
					});
					break;
				case 'barrier':
					push('barriers', card, card.text, {
						category: card.category ?? '',
						remedy: card.remedy ?? '',
						remedyOwner: card.remedyOwner ?? ''
					});
					break;
				case 'incentive':
					push('incentives', card, card.text, {
						team: teamName(card.teamId),
						today: card.today ?? '',
						needed: card.needed ?? ''
					});
					break;
				case 'measure':
					push('measures', card, card.text, {
						definition: card.definition ?? '',
						baseline: card.baseline ?? '',
						target: card.target ?? '',
						owner: teamName(card.ownerTeamId),
						source: card.system ?? '',
						frequency: card.frequency ?? ''
					});
					break;
				case 'cadence':
					push('cadence', card, card.text, { nextReviewDate: card.nextReviewDate ?? null });
					break;
				case 'note':
					if (kind === 'focus-value' && card.teamId === null) push('purpose', card, card.text, {});
					break;
			}
		}
		for (const { card, merged, fields } of terms) {
			// Only what both teams wrote together is a definition; a term still in drafts is not.
			if (!merged.trim()) continue;
			const valueType = card.valueType ?? 'none';
			push('definitions', card, merged, {
				term: card.text,
				valueType,
				valueLabel: VALUE_LABELS[valueType] ?? null,
				value: card.value ?? null,
				unit: UNITS[valueType] ?? null,
				requiredFields: Object.entries(fields).map(([team, text]) => ({
					team,
					fields: listOf(text)
				})),
				// The lifecycle facts a CRM receives, only where the room recorded them, so a charter
				// without them reads (and hashes) as before.
				...lifecycleFacts(card, teamName)
			});
		}
	}

	items.calibration = await calibrationItems(workshopId, teamName);

	// Barriers with a remedy are the ones the room prioritised and acted on.
	if (items.barriers.some((i) => i.data.remedy)) {
		items.barriers = items.barriers.filter((i) => i.data.remedy);
	}

	const register = await agreements.register(workshopId);
	const outcomes = new Map(
		(
			await db()
				.select({ id: agreement.id, outcome: agreement.outcome })
				.from(agreement)
				.where(eq(agreement.workshopId, workshopId))
		).map((r) => [r.id, r.outcome])
	);
	for (const entry of register) {
		if (entry.status === 'rejected') continue;
		const outcome = outcomes.get(entry.id) ?? null;
		items.agreements.push({
			id: entry.id,
			text: entry.statement,
			data: {
				status: entry.status,
				ownerTeam: teamName(entry.ownerTeamId),
				ownerName: entry.ownerName ?? '',
				dueDate: entry.dueDate ?? null,
				metric: entry.metric ?? '',
				evidence: entry.evidence.map((e) => ({
					kind: e.kind,
					text: e.text,
					source: e.source,
					...(e.roundId ? { roundId: e.roundId } : {})
				})),
				outcome: outcome
					? {
							passed: outcome.passed,
							rule: outcome.rule,
							voters: outcome.voters,
							// What decided it: k, the room's own verdict, and each team's voters (public
							// turnout) with its verdict where its breakdown was shown.
							k: outcome.k ?? kOfRule(outcome.rule),
							overallPasses: outcome.overallPasses ?? null,
							teams: outcome.teams.map((t) => ({
								team: teamName(t.teamId),
								voters: t.voters,
								passes: t.passes
							})),
							counts: outcome.counts ? { ...outcome.counts } : null,
							dissent: {
								overall: outcome.dissent.overall,
								// Per team only where the vote's k rule showed the team (already applied).
								teams: outcome.dissent.teams.map((t) => ({
									team: teamName(t.teamId),
									objections: t.objections
								}))
							}
						}
					: null
			}
		});
	}

	return {
		schema: CHARTER_SCHEMA,
		title: `${found.organisation}: Sales and Marketing Alignment Charter`,
		organisation: found.organisation,
		workshopTitle: found.title,
		facilitator: found.owner,
		participants: teams.map((t) => ({ team: t.name, count: Number(t.people) })),
		sections: SECTION_KINDS.filter((k) => k === 'purpose' || items[k].length > 0).map((kind) => ({
			key: kind,
			kind,
			title: SECTION_TITLES[kind],
			intro: '',
			items: items[kind]
		}))
	};
}

/** A template's suggestion the compiled charter leaves out, for the facilitator to keep. */
export interface LeftOut {
	stageKey: string;
	stageTitle: string;
	/** The journey's steps, by card id (a draft compiled earlier may hold them still). */
	stepIds: string[];
}

/**
 * The lead journeys still exactly as the template suggested them (nobody in the room changed
 * them, and the facilitator has not kept them): the charter leaves them out, and the draft
 * page offers to keep each one.
 */
export async function leftOut(workshopId: string): Promise<LeftOut[]> {
	const teams = await db()
		.select({ id: team.id, name: team.name })
		.from(team)
		.where(eq(team.workshopId, workshopId));
	const ownerIdOf = (name: string) => teams.find((t) => t.name === name)?.id ?? null;
	const found: LeftOut[] = [];
	for (const stage of await stages.list(workshopId)) {
		const steps = await rooms.read(stageDocName(workshopId, stage.key), (doc) =>
			listCards(doc, 'step')
		);
		if (steps.length > 0 && isUntouchedTemplateJourney(steps, ownerIdOf)) {
			found.push({ stageKey: stage.key, stageTitle: stage.title, stepIds: steps.map((c) => c.id) });
		}
	}
	return found;
}
