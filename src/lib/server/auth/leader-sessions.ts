/**
 * Leaders' sessions. A leader has no password and no account: the facilitator's invitation
 * is their identity, and its personal link opens a session bound to that one invitation.
 * Same design as the other sessions (a random token in an httpOnly cookie, only its SHA-256
 * stored), with two differences: the session never outlives its invitation, and revoking or
 * expiring the invitation ends it at once (checked on every request and by the realtime
 * server's session sweep).
 *
 * A session also remembers every invitation its browser proved by opening the link (see
 * `leaderSessionInvite`): opening a second link rotates the session and carries the earlier
 * proofs over, so the leadership overview can show each charter this browser was let into,
 * and never one that merely shares the leader's email address.
 */
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import { db } from '../db';
import { leaderInvite, leaderSession, leaderSessionInvite, workshop } from '../db/schema';
import { generateToken, hashToken } from './tokens';

const DAY = 24 * 60 * 60 * 1000;
export const LEADER_SESSION_LIFETIME_MS = 14 * DAY;

export interface LeaderActor {
	kind: 'leader';
	role: 'leader';
	sessionId: string;
	expiresAt: Date;
	invite: {
		id: string;
		workshopId: string;
		name: string;
		title: string;
		email: string;
		signingOrder: number | null;
	};
}

/**
 * Opens a session for an invitation whose link was just checked. With `previous` (the session
 * this browser held), the new session also carries the invitations that one had proven, and
 * the previous session ends: a new set of proofs gets a new token.
 */
export async function create(
	invite: { id: string; expiresAt: Date },
	previous?: { sessionId: string }
): Promise<{ token: string; expiresAt: Date }> {
	const token = generateToken();
	const id = hashToken(token);
	const expiresAt = new Date(
		Math.min(Date.now() + LEADER_SESSION_LIFETIME_MS, invite.expiresAt.getTime())
	);
	await db().transaction(async (tx) => {
		await tx.insert(leaderSession).values({ id, inviteId: invite.id, expiresAt });
		const carried = previous
			? await tx
					.select({ inviteId: leaderSessionInvite.inviteId })
					.from(leaderSessionInvite)
					.where(eq(leaderSessionInvite.sessionId, previous.sessionId))
			: [];
		const proven = new Set([invite.id, ...carried.map((r) => r.inviteId)]);
		await tx
			.insert(leaderSessionInvite)
			.values([...proven].map((inviteId) => ({ sessionId: id, inviteId })));
		if (previous) await tx.delete(leaderSession).where(eq(leaderSession.id, previous.sessionId));
	});
	return { token, expiresAt };
}

export type ProvenInvite = typeof leaderInvite.$inferSelect;

/**
 * The invitations this session has proven that are still open (not withdrawn, not expired),
 * newest first. Always includes the session's own invitation while the session is live.
 */
export async function provenInvites(leader: {
	sessionId: string;
	invite: { id: string };
}): Promise<ProvenInvite[]> {
	const now = Date.now();
	const rows = await db()
		.select({ invite: leaderInvite })
		.from(leaderSessionInvite)
		.innerJoin(leaderInvite, eq(leaderInvite.id, leaderSessionInvite.inviteId))
		.where(eq(leaderSessionInvite.sessionId, leader.sessionId));
	const open = rows
		.map((r) => r.invite)
		.filter((i) => i.revokedAt === null && i.expiresAt.getTime() > now);
	// Sessions opened before proofs were recorded proved their own invitation all the same.
	if (!open.some((i) => i.id === leader.invite.id)) {
		const [own] = await db()
			.select()
			.from(leaderInvite)
			.where(eq(leaderInvite.id, leader.invite.id));
		if (own) open.push(own);
	}
	return open.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** The leader behind a cookie token, or null: unknown, expired, or its invitation ended. */
export async function validate(token: string): Promise<LeaderActor | null> {
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	const id = hashToken(token);
	const now = new Date();
	const [row] = await db()
		.select({ session: leaderSession, invite: leaderInvite })
		.from(leaderSession)
		.innerJoin(leaderInvite, eq(leaderInvite.id, leaderSession.inviteId))
		.innerJoin(workshop, eq(workshop.id, leaderInvite.workshopId))
		.where(eq(leaderSession.id, id))
		.limit(1);
	if (!row) return null;
	if (
		row.session.expiresAt <= now ||
		row.invite.revokedAt !== null ||
		row.invite.expiresAt <= now
	) {
		await db().delete(leaderSession).where(eq(leaderSession.id, id));
		return null;
	}
	const { invite } = row;
	return {
		kind: 'leader',
		role: 'leader',
		sessionId: id,
		expiresAt: row.session.expiresAt,
		invite: {
			id: invite.id,
			workshopId: invite.workshopId,
			name: invite.name,
			title: invite.title,
			email: invite.email,
			signingOrder: invite.signingOrder
		}
	};
}

export async function revoke(sessionId: string): Promise<void> {
	await db().delete(leaderSession).where(eq(leaderSession.id, sessionId));
}

/** Ids of the sessions of an invitation (to close their live connections), then deletes them. */
export async function revokeAllForInvite(inviteId: string): Promise<string[]> {
	const rows = await db()
		.delete(leaderSession)
		.where(eq(leaderSession.inviteId, inviteId))
		.returning({ id: leaderSession.id });
	return rows.map((r) => r.id);
}

/** Which of these session ids are live leader sessions (for the realtime sweep). */
export async function liveAmong(ids: string[]): Promise<Set<string>> {
	const live = new Set<string>();
	const now = new Date();
	for (let i = 0; i < ids.length; i += 500) {
		const rows = await db()
			.select({ id: leaderSession.id })
			.from(leaderSession)
			.innerJoin(leaderInvite, eq(leaderInvite.id, leaderSession.inviteId))
			.where(
				and(
					inArray(leaderSession.id, ids.slice(i, i + 500)),
					gt(leaderSession.expiresAt, now),
					gt(leaderInvite.expiresAt, now),
					isNull(leaderInvite.revokedAt)
				)
			);
		for (const row of rows) live.add(row.id);
	}
	return live;
}
