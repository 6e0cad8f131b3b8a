/** The JSON export, for another system (a CRM, a BI tool) to consume. */
import type { JsonValue } from '../../../domain/charter/canon';
import {
	evidenceOf,
	nextReviewDate,
	voteSummary,
	type CharterContent,
	type CharterItem,
	type SectionKind
} from '../../../domain/charter/content';
import { signatureLines, type ExportInput } from './shared';

const str = (v: JsonValue | undefined) => (typeof v === 'string' ? v : null);
const num = (v: JsonValue | undefined) => (typeof v === 'number' ? v : null);

function itemsOf(c: CharterContent, kind: SectionKind): CharterItem[] {
	return c.sections.filter((s) => s.kind === kind).flatMap((s) => s.items);
}

const obj = (v: JsonValue | undefined): Record<string, JsonValue> =>
	v && typeof v === 'object' && !Array.isArray(v) ? v : {};
const list = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

/** Kappa and percent agreement of one group of classifiers, as typed fields. */
function agreementJson(v: JsonValue | undefined) {
	const f = obj(v);
	return {
		kappa: num(f.kappa),
		percentAgreement: num(f.percentAgreement),
		kappaNotDefined: str(f.kappaNote)
	};
}

/** A calibration clause: rounds with their agreement, the sample and the leads still split. */
function calibrationJson(i: CharterItem) {
	const d = i.data;
	return {
		id: i.id,
		stage: str(d.stage),
		summary: i.text,
		sampleSize: num(d.sampleSize),
		categories: list(d.categories).filter((c): c is string => typeof c === 'string'),
		rounds: list(d.rounds).map((r) => {
			const round = obj(r);
			return {
				round: num(round.round),
				roundId: str(round.roundId),
				classifiers: num(round.classifiers),
				isShown: round.isShown === true,
				overall: agreementJson(round),
				betweenTeams: agreementJson(round.betweenTeams),
				teams: list(round.teams).map((t) => ({
					team: str(obj(t).team),
					classifiers: num(obj(t).classifiers),
					...agreementJson(t)
				}))
			};
		}),
		kappaBefore: num(d.kappaBefore),
		kappaAfter: num(d.kappaAfter),
		kappaBetweenTeamsBefore: num(d.kappaBetweenTeamsBefore),
		kappaBetweenTeamsAfter: num(d.kappaBetweenTeamsAfter),
		leadsStillSplit: list(d.leadsStillSplit).map((l) => ({
			lead: str(obj(l).lead),
			percentAgreement: num(obj(l).percentAgreement),
			classifications: Object.fromEntries(
				Object.entries(obj(obj(l).classifications)).flatMap(([k, n]) =>
					typeof n === 'number' ? [[k, n]] : []
				)
			) as Record<string, number>
		}))
	};
}

/** The charter as data: lifecycle, definitions with typed values, SLAs, thresholds, fields, measures. */
export function toMachineJson({ verification: v, verifyUrl, learning }: ExportInput) {
	const c = v.version.content;
	const definitions = itemsOf(c, 'definitions').map((i) => {
		const fields = Array.isArray(i.data.requiredFields) ? i.data.requiredFields : [];
		return {
			id: i.id,
			term: str(i.data.term) ?? i.text,
			definition: i.text,
			valueType: str(i.data.valueType) ?? 'none',
			value: num(i.data.value),
			unit: str(i.data.unit),
			requiredFields: Object.fromEntries(
				fields.flatMap((f) =>
					f && typeof f === 'object' && !Array.isArray(f) && typeof f.team === 'string'
						? [[f.team, Array.isArray(f.fields) ? f.fields : []]]
						: []
				)
			) as Record<string, string[]>
		};
	});
	const requiredFields: Record<string, string[]> = {};
	for (const d of definitions) {
		for (const [team, list] of Object.entries(d.requiredFields)) {
			requiredFields[team] = [...new Set([...(requiredFields[team] ?? []), ...list])];
		}
	}
	return {
		format: 'common-ground/charter-export@1',
		charter: {
			title: c.title,
			organisation: c.organisation,
			workshop: c.workshopTitle,
			facilitator: c.facilitator,
			version: v.version.number,
			versionId: v.version.id,
			publishedAt: v.version.publishedAt.toISOString(),
			supersededAt: v.version.supersededAt?.toISOString() ?? null,
			sha256: v.version.hash,
			isContentIntact: v.isContentIntact,
			verificationUrl: verifyUrl
		},
		participants: c.participants,
		lifecycleStages: itemsOf(c, 'journey').map((i, index) => ({
			order: index + 1,
			id: i.id,
			step: i.text,
			ownerTeam: str(i.data.ownerTeam),
			system: str(i.data.system),
			slaHours: num(i.data.slaHours),
			brokenConnection: str(i.data.broken),
			returnsToNurture: i.data.isReturnPath === true,
			/** The template's suggestion, left as it was by the room. */
			suggestedByTemplate: i.data.fromTemplate === true
		})),
		definitions,
		slaHours: Object.fromEntries(
			definitions
				.filter((d) => d.valueType === 'hours' && d.value !== null)
				.map((d) => [d.term, d.value])
		) as Record<string, number>,
		thresholds: Object.fromEntries(
			definitions
				.filter((d) => d.valueType === 'points' && d.value !== null)
				.map((d) => [d.term, d.value])
		) as Record<string, number>,
		requiredFields,
		measures: itemsOf(c, 'measures').map((i) => ({
			id: i.id,
			name: i.text,
			definition: str(i.data.definition),
			baseline: str(i.data.baseline),
			target: str(i.data.target),
			owner: str(i.data.owner),
			source: str(i.data.source),
			frequency: str(i.data.frequency)
		})),
		cadence: {
			nextReviewDate: nextReviewDate(c),
			meetings: itemsOf(c, 'cadence').map((i) => ({
				text: i.text,
				nextReviewDate: str(i.data.nextReviewDate)
			}))
		},
		calibration: itemsOf(c, 'calibration').map((i) => calibrationJson(i)),
		barriers: itemsOf(c, 'barriers').map((i) => ({
			barrier: i.text,
			remedy: str(i.data.remedy),
			owner: str(i.data.remedyOwner)
		})),
		incentives: itemsOf(c, 'incentives').map((i) => ({
			change: i.text,
			team: str(i.data.team),
			rewardedToday: str(i.data.today),
			sharedGoalNeeds: str(i.data.needed)
		})),
		agreements: itemsOf(c, 'agreements').map((i) => ({
			id: i.id,
			statement: i.text,
			ownerTeam: str(i.data.ownerTeam),
			ownerName: str(i.data.ownerName),
			dueDate: str(i.data.dueDate),
			measure: str(i.data.metric),
			evidence: evidenceOf(i),
			hasBuyerEvidence: evidenceOf(i).length > 0,
			vote: i.data.outcome ?? null,
			/** The vote in words, as the charter says it. */
			voteSummary: voteSummary(i)
		})),
		signatures: signatureLines(v).map((s) => ({
			...s,
			signedAt: s.signedAt?.toISOString() ?? null
		})),
		audit: {
			events: v.events.length,
			isChainIntact: v.chain.isIntact,
			problems: v.chain.problems
		},
		/** The content exactly as hashed: canonical JSON of this object is what `sha256` covers. */
		content: c,
		/** An appendix kept with the charter, outside `content`: not covered by `sha256`. */
		learningAgenda: learning ?? []
	};
}
