import { and, asc, eq, isNull } from 'drizzle-orm';
import { db } from './db';
import { participant, team } from './db/schema';
import { newId } from './ids';
import * as sessions from './auth/sessions';
import * as polls from './polls';

export class UnknownTeamError extends Error {
	override name = 'UnknownTeamError';
}

export async function join(input: { workshopId: string; teamId: string; displayName: string }) {
	const [chosen] = await db()
		.select()
		.from(team)
		.where(and(eq(team.id, input.teamId), eq(team.workshopId, input.workshopId)))
		.limit(1);
	if (!chosen) throw new UnknownTeamError('That team is not part of this workshop.');
	const id = newId();
	await db().insert(participant).values({
		id,
		workshopId: input.workshopId,
		teamId: chosen.id,
		displayName: input.displayName.trim()
	});
	await polls.refreshTurnout(input.workshopId);
	return { id, team: chosen };
}

/** Present participants with their team, for the facilitator's list and the waiting room. */
export async function listPresent(workshopId: string) {
	return db()
		.select({
			id: participant.id,
			displayName: participant.displayName,
			joinedAt: participant.joinedAt,
			teamId: team.id,
			teamName: team.name,
			teamColour: team.colour
		})
		.from(participant)
		.innerJoin(team, eq(team.id, participant.teamId))
		.where(and(eq(participant.workshopId, workshopId), isNull(participant.removedAt)))
		.orderBy(asc(team.position), asc(participant.joinedAt));
}

/** Removes a participant: their sessions end at once and the old cookie cannot rejoin. */
export async function remove(workshopId: string, participantId: string): Promise<boolean> {
	const rows = await db()
		.update(participant)
		.set({ removedAt: new Date() })
		.where(
			and(
				eq(participant.id, participantId),
				eq(participant.workshopId, workshopId),
				isNull(participant.removedAt)
			)
		)
		.returning({ id: participant.id });
	if (rows.length === 0) return false;
	await sessions.revokeAllForParticipant(participantId);
	await polls.refreshTurnout(workshopId);
	return true;
}

/** Renames a present participant of this workshop; false if there is none such. */
export async function rename(
	workshopId: string,
	participantId: string,
	displayName: string
): Promise<boolean> {
	const rows = await db()
		.update(participant)
		.set({ displayName: displayName.trim() })
		.where(
			and(
				eq(participant.id, participantId),
				eq(participant.workshopId, workshopId),
				isNull(participant.removedAt)
			)
		)
		.returning({ id: participant.id });
	return rows.length > 0;
}

/** Moves a present participant to another team of the same workshop. */
export async function move(
	workshopId: string,
	participantId: string,
	teamId: string
): Promise<'moved' | 'unknown-participant' | 'unknown-team'> {
	const [chosen] = await db()
		.select({ id: team.id })
		.from(team)
		.where(and(eq(team.id, teamId), eq(team.workshopId, workshopId)))
		.limit(1);
	if (!chosen) return 'unknown-team';
	const rows = await db()
		.update(participant)
		.set({ teamId: chosen.id })
		.where(
			and(
				eq(participant.id, participantId),
				eq(participant.workshopId, workshopId),
				isNull(participant.removedAt)
			)
		)
		.returning({ id: participant.id });
	if (rows.length === 0) return 'unknown-participant';
	await polls.refreshTurnout(workshopId);
	return 'moved';
}
