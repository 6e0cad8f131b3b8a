/**
 * The agreement register. Agreements live in the database (the charter is built from them);
 * every change is mirrored into the room document so every screen shows the register live.
 * "Only the buyer gets to be right": each agreement lists its buyer evidence, and the register
 * shows which agreements have none yet.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { writeAgreements, type Evidence, type RegisterEntry } from '../collab/agreements';
import { roomDocName } from '../collab/doc-names';
import { db } from './db';
import { describeRound } from '../domain/calibration/words';
import { agreement, agreementEvidence, poll, team } from './db/schema';
import { newId } from './ids';
import * as rooms from './rooms';
import * as stages from './stages';
import { RuleError } from './rules';

export type { Evidence, RegisterEntry };

export async function register(workshopId: string): Promise<RegisterEntry[]> {
	const rows = await db()
		.select()
		.from(agreement)
		.where(eq(agreement.workshopId, workshopId))
		.orderBy(asc(agreement.position), asc(agreement.createdAt));
	const evidence = rows.length
		? await db()
				.select()
				.from(agreementEvidence)
				.where(
					inArray(
						agreementEvidence.agreementId,
						rows.map((r) => r.id)
					)
				)
				.orderBy(asc(agreementEvidence.createdAt))
		: [];
	return rows.map((r) => {
		const own = evidence
			.filter((e) => e.agreementId === r.id)
			.map((e) => ({
				kind: e.kind,
				text: e.text,
				source: e.source,
				...(e.calibrationPollId ? { roundId: e.calibrationPollId } : {})
			}));
		return {
			id: r.id,
			statement: r.statement,
			ownerTeamId: r.ownerTeamId,
			ownerName: r.ownerName,
			dueDate: r.dueDate,
			metric: r.metric,
			stageKey: r.stageKey,
			sourceItemId: r.sourceItemId,
			status: r.status,
			evidence: own,
			hasEvidence: own.length > 0,
			outcome: r.outcome ?? null
		};
	});
}

/** Mirrors the register into the room document (agreement id → entry). */
export async function publish(workshopId: string): Promise<void> {
	const entries = await register(workshopId);
	await rooms.change(roomDocName(workshopId), (doc) => writeAgreements(doc, entries));
}

export async function create(
	workshopId: string,
	input: {
		statement: string;
		ownerTeamId?: string | null;
		ownerName?: string | null;
		dueDate?: string | null;
		metric?: string | null;
		stageKey?: string | null;
		sourceItemId?: string | null;
		evidence?: Evidence[];
	}
): Promise<string> {
	if (input.ownerTeamId) {
		const [owner] = await db()
			.select({ id: team.id })
			.from(team)
			.where(and(eq(team.id, input.ownerTeamId), eq(team.workshopId, workshopId)));
		if (!owner) throw new RuleError('That team is not part of this workshop.', 404);
	}
	if (input.stageKey && !(await stages.get(workshopId, input.stageKey))) {
		throw new RuleError('This workshop has no such stage.', 404);
	}
	const id = newId();
	await db().transaction(async (tx) => {
		const existing = await tx
			.select({ id: agreement.id })
			.from(agreement)
			.where(eq(agreement.workshopId, workshopId));
		await tx.insert(agreement).values({
			id,
			workshopId,
			statement: input.statement,
			ownerTeamId: input.ownerTeamId ?? null,
			ownerName: input.ownerName || null,
			dueDate: input.dueDate ?? null,
			metric: input.metric || null,
			stageKey: input.stageKey ?? null,
			sourceItemId: input.sourceItemId ?? null,
			position: existing.length
		});
		if (input.evidence?.length) {
			await tx
				.insert(agreementEvidence)
				.values(input.evidence.map((e) => ({ id: newId(), agreementId: id, ...e })));
		}
	});
	await publish(workshopId);
	return id;
}

/** Refuses (404) an agreement id that is not this workshop's. */
async function requireAgreement(workshopId: string, agreementId: string): Promise<void> {
	const [found] = await db()
		.select({ id: agreement.id })
		.from(agreement)
		.where(and(eq(agreement.id, agreementId), eq(agreement.workshopId, workshopId)));
	if (!found) throw new RuleError('This workshop has no such agreement.', 404);
}

export async function addEvidence(
	workshopId: string,
	agreementId: string,
	evidence: Evidence
): Promise<void> {
	await requireAgreement(workshopId, agreementId);
	await db()
		.insert(agreementEvidence)
		.values({ id: newId(), agreementId, ...evidence });
	await publish(workshopId);
}

/**
 * Cites a revealed calibration round as an agreement's buyer evidence: how the room classified
 * real leads under the definitions is evidence the buyer's own data gave. The text is written
 * here from the published result (never typed), so it says what the round showed.
 */
export async function citeCalibration(
	workshopId: string,
	agreementId: string,
	roundId: string
): Promise<void> {
	await requireAgreement(workshopId, agreementId);
	const [round] = await db()
		.select()
		.from(poll)
		.where(
			and(eq(poll.id, roundId), eq(poll.workshopId, workshopId), eq(poll.kind, 'classification'))
		);
	if (!round) throw new RuleError('This workshop has no such calibration round.', 404);
	const result = round.result?.calibration;
	if (round.status !== 'revealed' || !result) {
		throw new RuleError('Only a revealed calibration round can be cited.', 409);
	}
	const [already] = await db()
		.select({ id: agreementEvidence.id })
		.from(agreementEvidence)
		.where(
			and(
				eq(agreementEvidence.agreementId, agreementId),
				eq(agreementEvidence.calibrationPollId, roundId)
			)
		);
	if (already) throw new RuleError('This agreement already cites that round.', 409);
	const stage = round.stageKey ? await stages.get(workshopId, round.stageKey) : undefined;
	await db()
		.insert(agreementEvidence)
		.values({
			id: newId(),
			agreementId,
			kind: 'calibration',
			text: `${round.question}: ${describeRound(result, round.leads?.length ?? 0)}`,
			source: stage?.title ?? 'Calibration',
			calibrationPollId: roundId
		});
	await publish(workshopId);
}
