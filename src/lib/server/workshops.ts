import { and, asc, count, desc, eq, isNotNull, isNull, max, ne, sql } from 'drizzle-orm';
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
			and(
				eq(participant.workshopId, workshop.id),
				isNull(participant.removedAt),
				isNotNull(participant.admittedAt)
			)
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

// ── teams ───────────────────────────────────────────────────────────────────────────────

/** Why a team change was refused; the form action turns each into a message. */
export type TeamRefusal = 'unknown-team' | 'duplicate-name' | 'too-many' | 'has-participants';
export type TeamResult = { ok: true; team: Team } | { ok: false; reason: TeamRefusal };

/** Names are compared without regard to case: "sales" next to "Sales" would only confuse. */
async function nameTaken(workshopId: string, name: string, exceptTeamId?: string) {
	const [found] = await db()
		.select({ id: team.id })
		.from(team)
		.where(
			and(
				eq(team.workshopId, workshopId),
				sql`lower(${team.name}) = lower(${name})`,
				exceptTeamId ? ne(team.id, exceptTeamId) : undefined
			)
		)
		.limit(1);
	return Boolean(found);
}

/** Adds a team at the end, unless the workshop has `maxTeams` already or the name is taken. */
export async function addTeam(
	workshopId: string,
	input: { name: string; colour: string },
	maxTeams: number
): Promise<TeamResult> {
	const name = input.name.trim();
	if (await nameTaken(workshopId, name)) return { ok: false, reason: 'duplicate-name' };
	const [{ n, last } = { n: 0, last: null }] = await db()
		.select({ n: count(), last: max(team.position) })
		.from(team)
		.where(eq(team.workshopId, workshopId));
	if (n >= maxTeams) return { ok: false, reason: 'too-many' };
	try {
		const [added] = await db()
			.insert(team)
			.values({
				id: newId(),
				workshopId,
				name,
				colour: input.colour,
				position: (last ?? -1) + 1
			})
			.returning();
		return { ok: true, team: added! };
	} catch (error) {
		// Two facilitators' tabs adding the same name at once: the unique index decides.
		if (isUniqueViolation(error, 'team_workshop_name_key')) {
			return { ok: false, reason: 'duplicate-name' };
		}
		throw error;
	}
}

/** Renames and recolours a team of this workshop. */
export async function updateTeam(
	workshopId: string,
	teamId: string,
	input: { name: string; colour: string }
): Promise<TeamResult> {
	const name = input.name.trim();
	if (await nameTaken(workshopId, name, teamId)) return { ok: false, reason: 'duplicate-name' };
	try {
		const [updated] = await db()
			.update(team)
			.set({ name, colour: input.colour })
			.where(and(eq(team.id, teamId), eq(team.workshopId, workshopId)))
			.returning();
		return updated ? { ok: true, team: updated } : { ok: false, reason: 'unknown-team' };
	} catch (error) {
		if (isUniqueViolation(error, 'team_workshop_name_key')) {
			return { ok: false, reason: 'duplicate-name' };
		}
		throw error;
	}
}

/**
 * Removes a team nobody is in. Participants the facilitator removed earlier still point at
 * it (their rows keep a removed participant from coming back); they go with the team.
 */
export async function removeTeam(workshopId: string, teamId: string): Promise<TeamResult> {
	return db().transaction(async (tx) => {
		const [found] = await tx
			.select()
			.from(team)
			.where(and(eq(team.id, teamId), eq(team.workshopId, workshopId)))
			.limit(1);
		if (!found) return { ok: false, reason: 'unknown-team' } as const;
		const [{ n } = { n: 0 }] = await tx
			.select({ n: count() })
			.from(participant)
			.where(and(eq(participant.teamId, teamId), isNull(participant.removedAt)));
		if (n > 0) return { ok: false, reason: 'has-participants' } as const;
		await tx.delete(participant).where(eq(participant.teamId, teamId));
		await tx.delete(team).where(eq(team.id, teamId));
		return { ok: true, team: found } as const;
	});
}

// ── the workshop's life ─────────────────────────────────────────────────────────────────

/**
 * Archived workshops stop taking participants (the join page answers 410); taking one out
 * of the archive makes it a workshop being prepared again.
 */
export async function setArchived(workshopId: string, archived: boolean): Promise<void> {
	await db()
		.update(workshop)
		.set({ status: archived ? 'archived' : 'draft', updatedAt: new Date() })
		.where(eq(workshop.id, workshopId));
}

/** Whether joiners wait for the facilitator to let them in (participants.admit). */
export async function setRequireAdmission(workshopId: string, required: boolean): Promise<void> {
	await db()
		.update(workshop)
		.set({ requireAdmission: required, updatedAt: new Date() })
		.where(eq(workshop.id, workshopId));
}

/**
 * Deletes a workshop's rows; everything else in the database cascades from it. Participants
 * go first because their team reference is restrictive and the order of cascades is not
 * guaranteed. The shared documents are not rows of this module: see rooms.deleteWorkshopDocuments.
 */
export async function remove(workshopId: string): Promise<boolean> {
	return db().transaction(async (tx) => {
		await tx.delete(participant).where(eq(participant.workshopId, workshopId));
		const deleted = await tx
			.delete(workshop)
			.where(eq(workshop.id, workshopId))
			.returning({ id: workshop.id });
		return deleted.length > 0;
	});
}
