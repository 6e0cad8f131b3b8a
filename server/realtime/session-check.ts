/**
 * Which of the sessions behind live connections are still valid. Sessions end in many ways
 * (sign-out, a password change, a participant removed by the facilitator, expiry); checking
 * them all on a timer closes the sockets of every one of them without each of those code
 * paths having to know about the realtime server. The same query reads each participant's
 * team as it is now: a participant moved on another instance is reconnected here too (the
 * instance that moved them did so at once; see `Hub.checkSessions`).
 */
import { and, eq, gt, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import * as leaderSessions from '../../src/lib/server/auth/leader-sessions';
import { db } from '../../src/lib/server/db';
import { firmMember, participant, session } from '../../src/lib/server/db/schema';

/** Live session id → the participant's team now (null for accounts and leaders). */
export async function liveSessions(ids: string[]): Promise<Map<string, string | null>> {
	const live = new Map<string, string | null>();
	for (let i = 0; i < ids.length; i += 500) {
		const rows = await db()
			.select({ id: session.id, teamId: participant.teamId })
			.from(session)
			.leftJoin(participant, eq(participant.id, session.participantId))
			.leftJoin(firmMember, eq(firmMember.accountId, session.accountId))
			.where(
				and(
					inArray(session.id, ids.slice(i, i + 500)),
					gt(session.expiresAt, new Date()),
					or(isNull(session.participantId), isNull(participant.removedAt)),
					// An account removed from its firm reaches none of its workshops any more.
					or(isNull(session.accountId), isNotNull(firmMember.accountId))
				)
			);
		for (const row of rows) live.set(row.id, row.teamId ?? null);
	}
	// Leaders' sessions live in their own table and end with their invitation.
	const rest = ids.filter((id) => !live.has(id));
	if (rest.length) for (const id of await leaderSessions.liveAmong(rest)) live.set(id, null);
	return live;
}
