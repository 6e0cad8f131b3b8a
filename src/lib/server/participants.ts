import { and, asc, eq, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { db } from './db';
import { participant, team, workshop } from './db/schema';
import { newId } from './ids';
import * as sessions from './auth/sessions';
import * as polls from './polls';
import { presentIn } from './present';
import { RuleError } from './rules';

/**
 * The facilitator removed (or refused) someone on this device or under this name: removal is
 * a decision, so joining again with the code does not undo it. Only "Let back in" does.
 */
export function removedMessage(by: 'device' | 'name'): string {
	return by === 'device'
		? 'The facilitator removed you from this workshop. Ask them to let you back in.'
		: 'The facilitator removed someone of that name from this workshop. Ask them to let you back in.';
}

/** Names compare without case and extra spaces: "Sam  Smith" is "sam smith". */
const sameName = (name: string) =>
	sql`lower(regexp_replace(trim(${participant.displayName}), '\\s+', ' ', 'g')) = ${normaliseName(name)}`;

export function normaliseName(name: string): string {
	return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * A new participant. They are admitted at once unless the workshop requires admission; then
 * they wait (admitted_at null) until the facilitator lets them in.
 */
export async function join(input: {
	workshopId: string;
	teamId: string;
	displayName: string;
	/** The joining browser's device (auth/device.ts); none for people added by scripts. */
	deviceHash?: string | null;
}) {
	const [chosen] = await db()
		.select()
		.from(team)
		.where(and(eq(team.id, input.teamId), eq(team.workshopId, input.workshopId)))
		.limit(1);
	if (!chosen) throw new RuleError('Pick one of the teams listed.', 400, 'teamId');
	const [removed] = await db()
		.select({ deviceHash: participant.deviceHash })
		.from(participant)
		.where(
			and(
				eq(participant.workshopId, input.workshopId),
				isNotNull(participant.removedAt),
				or(
					input.deviceHash ? eq(participant.deviceHash, input.deviceHash) : undefined,
					sameName(input.displayName)
				)
			)
		)
		.limit(1);
	if (removed) {
		const by = input.deviceHash && removed.deviceHash === input.deviceHash ? 'device' : 'name';
		throw new RuleError(removedMessage(by), 403, 'displayName');
	}
	const id = newId();
	const [inserted] = await db()
		.insert(participant)
		.values({
			id,
			workshopId: input.workshopId,
			teamId: chosen.id,
			displayName: input.displayName.trim(),
			deviceHash: input.deviceHash ?? null,
			admittedAt: sql`case when (select ${workshop.requireAdmission} from ${workshop} where ${workshop.id} = ${input.workshopId}) then null else now() end`
		})
		.returning({ admittedAt: participant.admittedAt });
	const isAdmitted = inserted?.admittedAt != null;
	if (isAdmitted) await polls.refreshTurnout(input.workshopId);
	return { id, team: chosen, isAdmitted };
}

/**
 * Whether this device was removed from the workshop (and not let back in since), or belongs
 * to a participant of it who is still in: then it resumes as them (after "Let back in", or
 * when its session cookie was lost).
 */
export async function byDevice(
	workshopId: string,
	deviceHash: string
): Promise<{ kind: 'removed' } | { kind: 'present'; participantId: string } | null> {
	const rows = await db()
		.select({ id: participant.id, removedAt: participant.removedAt })
		.from(participant)
		.where(and(eq(participant.workshopId, workshopId), eq(participant.deviceHash, deviceHash)))
		.orderBy(asc(participant.joinedAt));
	if (rows.some((r) => r.removedAt)) return { kind: 'removed' };
	const present = rows.at(-1);
	return present ? { kind: 'present', participantId: present.id } : null;
}

const listed = {
	id: participant.id,
	displayName: participant.displayName,
	joinedAt: participant.joinedAt,
	teamId: team.id,
	teamName: team.name,
	teamColour: team.colour
};

/** Participants with their team: those `where` picks, in `order`. */
function listWithTeam(where: SQL | undefined, order: SQL[]) {
	return db()
		.select(listed)
		.from(participant)
		.innerJoin(team, eq(team.id, participant.teamId))
		.where(where)
		.orderBy(...order);
}

/** Admitted participants with their team, for the facilitator's list and the room. */
export async function listPresent(workshopId: string) {
	return listWithTeam(presentIn(workshopId), [asc(team.position), asc(participant.joinedAt)]);
}

/** People waiting for the facilitator to let them in, first come first. */
export async function listWaiting(workshopId: string) {
	return listWithTeam(
		and(
			eq(participant.workshopId, workshopId),
			isNull(participant.removedAt),
			isNull(participant.admittedAt)
		),
		[asc(participant.joinedAt)]
	);
}

/** People the facilitator removed or refused, latest first: each can be let back in. */
export async function listRemoved(workshopId: string) {
	return db()
		.select({ ...listed, removedAt: participant.removedAt })
		.from(participant)
		.innerJoin(team, eq(team.id, participant.teamId))
		.where(and(eq(participant.workshopId, workshopId), isNotNull(participant.removedAt)))
		.orderBy(sql`${participant.removedAt} desc`);
}

/**
 * Changes one participant of this workshop, if `conditions` hold for them (not removed, say):
 * whether one matched.
 */
async function updateOne(
	workshopId: string,
	participantId: string,
	changes: PgUpdateSetSource<typeof participant>,
	...conditions: SQL[]
): Promise<boolean> {
	const rows = await db()
		.update(participant)
		.set(changes)
		.where(
			and(eq(participant.id, participantId), eq(participant.workshopId, workshopId), ...conditions)
		)
		.returning({ id: participant.id });
	return rows.length > 0;
}

/** Lets waiting people in: one, or (without `participantId`) everyone waiting. How many. */
export async function admit(workshopId: string, participantId?: string): Promise<number> {
	const rows = await db()
		.update(participant)
		.set({ admittedAt: new Date() })
		.where(
			and(
				eq(participant.workshopId, workshopId),
				participantId ? eq(participant.id, participantId) : undefined,
				isNull(participant.removedAt),
				isNull(participant.admittedAt)
			)
		)
		.returning({ id: participant.id });
	if (rows.length > 0) await polls.refreshTurnout(workshopId);
	return rows.length;
}

/**
 * Refuses someone waiting to be let in: a removal, so their device and name stay out until
 * the facilitator lets them back in. False when nobody of that id is waiting.
 */
export function refuse(workshopId: string, participantId: string): Promise<boolean> {
	return removeWhere(workshopId, participantId, { isWaiting: true });
}

/**
 * Undoes a removal (or a refusal): the same participant, with their team and what they did
 * before (a ballot receipt too, so nobody votes twice by being removed and let back in), and
 * admitted. Their device resumes as them at the join link; their name may join again.
 */
export async function letBackIn(workshopId: string, participantId: string): Promise<boolean> {
	const isBack = await updateOne(
		workshopId,
		participantId,
		{ removedAt: null, admittedAt: sql`coalesce(${participant.admittedAt}, now())` },
		isNotNull(participant.removedAt)
	);
	if (!isBack) return false;
	await polls.refreshTurnout(workshopId);
	return true;
}

/** Removes a participant: their sessions end at once and the old cookie cannot rejoin. */
export function remove(workshopId: string, participantId: string): Promise<boolean> {
	return removeWhere(workshopId, participantId, { isWaiting: false });
}

/**
 * Sets removed_at on a participant not yet removed (and, for a refusal, not yet let in), ends
 * their sessions and, when they counted, the turnout moves. False when nobody matched.
 */
async function removeWhere(
	workshopId: string,
	participantId: string,
	{ isWaiting }: { isWaiting: boolean }
): Promise<boolean> {
	const isRemoved = await updateOne(
		workshopId,
		participantId,
		{ removedAt: new Date() },
		isNull(participant.removedAt),
		...(isWaiting ? [isNull(participant.admittedAt)] : [])
	);
	if (!isRemoved) return false;
	await sessions.revokeAllForParticipant(participantId);
	// Someone still waiting was never counted as eligible.
	if (!isWaiting) await polls.refreshTurnout(workshopId);
	return true;
}

/** Renames a present participant of this workshop; false if there is none such. */
export async function rename(
	workshopId: string,
	participantId: string,
	displayName: string
): Promise<boolean> {
	return updateOne(
		workshopId,
		participantId,
		{ displayName: displayName.trim() },
		isNull(participant.removedAt)
	);
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
	const isMoved = await updateOne(
		workshopId,
		participantId,
		{ teamId: chosen.id },
		isNull(participant.removedAt)
	);
	if (!isMoved) return 'unknown-participant';
	await polls.refreshTurnout(workshopId);
	return 'moved';
}
