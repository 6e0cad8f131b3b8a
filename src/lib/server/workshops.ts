import { and, asc, count, desc, eq, isNull } from 'drizzle-orm';
import { DEFAULT_TEAMS } from '../domain/teams';
import { ALIGNMENT_TEMPLATE, type StageTemplate } from '../domain/template';
import { db } from './db';
import { participant, team, workshop } from './db/schema';
import { newId, newJoinCode, normaliseJoinCode } from './ids';
import * as stages from './stages';

export type Workshop = typeof workshop.$inferSelect;
export type Team = typeof team.$inferSelect;

export async function create(input: {
	ownerId: string;
	title: string;
	clientOrganisation: string;
	/** The stages to start with: the alignment template unless said otherwise (blank: none). */
	stages?: readonly StageTemplate[];
	teams?: ReadonlyArray<{ name: string; colour: string }>;
}): Promise<Workshop> {
	const id = newId();
	// A join code collision is astronomically rare (25^6 codes) but must not fail a create.
	for (let attempt = 0; ; attempt++) {
		try {
			return await db().transaction(async (tx) => {
				const [created] = await tx
					.insert(workshop)
					.values({
						id,
						ownerId: input.ownerId,
						title: input.title.trim(),
						clientOrganisation: input.clientOrganisation.trim(),
						joinCode: newJoinCode()
					})
					.returning();
				await tx.insert(team).values(
					(input.teams ?? DEFAULT_TEAMS).map((t, position) => ({
						id: newId(),
						workshopId: id,
						name: t.name,
						colour: t.colour,
						position
					}))
				);
				await stages.insertAll(tx, id, input.stages ?? ALIGNMENT_TEMPLATE);
				return created!;
			});
		} catch (error) {
			if (attempt < 5 && isUniqueViolation(error, 'workshop_join_code_key')) continue;
			throw error;
		}
	}
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
	const e = error as {
		code?: string;
		constraint_name?: string;
		constraint?: string;
		cause?: unknown;
	};
	if (e?.code === '23505') return (e.constraint_name ?? e.constraint) === constraint;
	return e?.cause ? isUniqueViolation(e.cause, constraint) : false;
}

export async function listForOwner(ownerId: string) {
	const rows = await db()
		.select({
			id: workshop.id,
			title: workshop.title,
			clientOrganisation: workshop.clientOrganisation,
			joinCode: workshop.joinCode,
			status: workshop.status,
			createdAt: workshop.createdAt,
			participants: count(participant.id)
		})
		.from(workshop)
		.leftJoin(
			participant,
			and(eq(participant.workshopId, workshop.id), isNull(participant.removedAt))
		)
		.where(eq(workshop.ownerId, ownerId))
		.groupBy(workshop.id)
		.orderBy(desc(workshop.createdAt));
	return rows;
}

export async function get(id: string): Promise<Workshop | undefined> {
	const [row] = await db().select().from(workshop).where(eq(workshop.id, id)).limit(1);
	return row;
}

export async function findByJoinCode(code: string): Promise<Workshop | undefined> {
	const normalised = normaliseJoinCode(code);
	if (!/^[A-Z0-9]{6}$/.test(normalised)) return undefined;
	const [row] = await db()
		.select()
		.from(workshop)
		.where(eq(workshop.joinCode, normalised))
		.limit(1);
	return row;
}

export async function teams(workshopId: string): Promise<Team[]> {
	return db()
		.select()
		.from(team)
		.where(eq(team.workshopId, workshopId))
		.orderBy(asc(team.position));
}

/** What a new workshop copied from `sourceId` starts with: its stages and teams. */
export async function copySource(sourceId: string) {
	const [sourceStages, sourceTeams] = await Promise.all([stages.list(sourceId), teams(sourceId)]);
	return {
		stages: sourceStages.map((s) => ({
			key: s.key,
			kind: s.kind,
			title: s.title,
			prompt: s.prompt,
			timeboxMinutes: s.timeboxMinutes
		})),
		teams: sourceTeams.map((t) => ({ name: t.name, colour: t.colour }))
	};
}
