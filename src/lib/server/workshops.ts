import {
	and,
	asc,
	count,
	desc,
	eq,
	getTableColumns,
	isNotNull,
	isNull,
	max,
	ne,
	sql
} from 'drizzle-orm';
import { DEFAULT_TEAMS } from '../domain/teams';
import { ALIGNMENT_TEMPLATE, type StageTemplate } from '../domain/template';
import { db } from './db';
import {
	charter,
	charterVersion,
	client,
	firmMember,
	participant,
	team,
	workshop
} from './db/schema';
import { clientNamed } from './firms';
import { newId, newJoinCode, normaliseJoinCode } from './ids';
import * as stages from './stages';
import { ofWorkshop } from './db/rows';

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
				// The workshop is for a client of its creator's firm (made on first use of the name).
				const [membership] = await tx
					.select({ firmId: firmMember.firmId })
					.from(firmMember)
					.where(eq(firmMember.accountId, input.ownerId));
				if (!membership) throw new Error('Only a member of a firm creates workshops.');
				const clientId = await clientNamed(tx, membership.firmId, input.clientOrganisation);
				const [created] = await tx
					.insert(workshop)
					.values({
						id,
						clientId,
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

/**
 * The firm's workshops, with their client and how far each charter went (the latest published
 * version, 0 for a draft, null when none was started); the dashboard groups them by client.
 */
export async function listForFirm(firmId: string) {
	const rows = await db()
		.select({
			id: workshop.id,
			title: workshop.title,
			clientId: client.id,
			clientOrganisation: client.name,
			joinCode: workshop.joinCode,
			status: workshop.status,
			createdAt: workshop.createdAt,
			participants: count(participant.id),
			charterVersion: sql<number | null>`(
				select coalesce(max(${charterVersion.number}), 0) from ${charterVersion}
				where ${charterVersion.workshopId} = ${workshop.id}
			)`.mapWith((v: unknown) => (v === null ? null : Number(v))),
			hasCharter: sql<boolean>`exists (select 1 from ${charter} where ${charter.workshopId} = ${workshop.id})`
		})
		.from(workshop)
		.innerJoin(client, eq(client.id, workshop.clientId))
		.leftJoin(
			participant,
			and(
				eq(participant.workshopId, workshop.id),
				isNull(participant.removedAt),
				isNotNull(participant.admittedAt)
			)
		)
		.where(eq(client.firmId, firmId))
		.groupBy(workshop.id, client.id)
		.orderBy(asc(client.name), desc(workshop.createdAt));
	return rows.map(({ hasCharter, charterVersion: version, ...row }) => ({
		...row,
		charterVersion: hasCharter || (version ?? 0) > 0 ? (version ?? 0) : null
	}));
}

/** The workshop with the firm that holds it (through its client), for the guards to decide. */
export async function get(id: string): Promise<(Workshop & { firmId: string | null }) | undefined> {
	const [row] = await db()
		.select({ ...getTableColumns(workshop), firmId: client.firmId })
		.from(workshop)
		.leftJoin(client, eq(client.id, workshop.clientId))
		.where(eq(workshop.id, id))
		.limit(1);
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
	return ofWorkshop(team, workshopId, team.position);
}

/** What a new workshop copied from `sourceId` starts with: its stages and teams. */
export async function copySource(sourceId: string) {
	const [sourceStages, sourceTeams] = await Promise.all([stages.list(sourceId), teams(sourceId)]);
	return {
		stages: sourceStages.map(stages.describe),
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
