/**
 * Sessions after Lucia's design (lucia-auth.com/sessions): the cookie carries a random
 * token, the database stores its SHA-256, and the expiry slides forward while it is used.
 */
import { and, eq, lt, ne } from 'drizzle-orm';
import type { Role } from '../../domain/permissions';
import { db } from '../db';
import { account, firm, firmMember, participant, session, team, workshop } from '../db/schema';
import { generateToken, hashToken } from './tokens';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;
/** A session used in its second half is extended to a full lifetime again. */
const RENEW_WITHIN_MS = 15 * DAY;

export interface AccountActor {
	kind: 'account';
	/** The account's role in its firm; `account` when it belongs to no firm. */
	role: Extract<Role, 'owner' | 'facilitator' | 'producer' | 'leader' | 'account'>;
	sessionId: string;
	expiresAt: Date;
	account: { id: string; email: string; name: string };
	/** The firm whose workshops this account may reach (guards: firms.isFirmWorkshop). */
	firm: { id: string; name: string } | null;
}

export interface ParticipantActor {
	kind: 'participant';
	role: 'participant';
	sessionId: string;
	expiresAt: Date;
	participant: {
		id: string;
		workshopId: string;
		teamId: string;
		teamName: string;
		displayName: string;
		/** False while they wait for the facilitator to let them in: they may not take part. */
		isAdmitted: boolean;
	};
}

export type Actor = AccountActor | ParticipantActor;

export interface Validated {
	actor: Actor;
	/** The expiry moved: the cookie must be sent again with the new date. */
	isRenewed: boolean;
}

export async function create(
	subject: { accountId: string } | { participantId: string }
): Promise<{ token: string; expiresAt: Date }> {
	const token = generateToken();
	const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
	await db()
		.insert(session)
		.values({
			id: hashToken(token),
			accountId: 'accountId' in subject ? subject.accountId : null,
			participantId: 'participantId' in subject ? subject.participantId : null,
			expiresAt
		});
	return { token, expiresAt };
}

/** The actor behind a cookie token, or null for unknown, expired or revoked sessions. */
export async function validate(token: string): Promise<Validated | null> {
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	const id = hashToken(token);
	const [row] = await db()
		.select({
			session,
			account: { id: account.id, email: account.email, name: account.name, role: account.role },
			participant: {
				id: participant.id,
				workshopId: participant.workshopId,
				teamId: participant.teamId,
				displayName: participant.displayName,
				admittedAt: participant.admittedAt,
				removedAt: participant.removedAt
			},
			teamName: team.name,
			workshopStatus: workshop.status,
			firmRole: firmMember.role,
			firm: { id: firm.id, name: firm.name }
		})
		.from(session)
		.leftJoin(account, eq(account.id, session.accountId))
		.leftJoin(participant, eq(participant.id, session.participantId))
		.leftJoin(team, eq(team.id, participant.teamId))
		.leftJoin(workshop, eq(workshop.id, participant.workshopId))
		.leftJoin(firmMember, eq(firmMember.accountId, session.accountId))
		.leftJoin(firm, eq(firm.id, firmMember.firmId))
		.where(eq(session.id, id))
		.limit(1);
	if (!row) return null;

	const now = Date.now();
	if (row.session.expiresAt.getTime() <= now) {
		await revoke(id);
		return null;
	}
	let expiresAt = row.session.expiresAt;
	let isRenewed = false;
	if (expiresAt.getTime() - now < RENEW_WITHIN_MS) {
		expiresAt = new Date(now + SESSION_LIFETIME_MS);
		isRenewed = true;
		await db().update(session).set({ expiresAt }).where(eq(session.id, id));
	}

	if (row.account) {
		return {
			isRenewed,
			actor: {
				kind: 'account',
				role: row.account.role === 'leader' ? 'leader' : (row.firmRole ?? 'account'),
				sessionId: id,
				expiresAt,
				account: { id: row.account.id, email: row.account.email, name: row.account.name },
				firm: row.firmRole && row.firm ? row.firm : null
			}
		};
	}
	if (row.participant && !row.participant.removedAt && row.teamName) {
		const { removedAt: _removed, admittedAt, ...rest } = row.participant;
		return {
			isRenewed,
			actor: {
				kind: 'participant',
				role: 'participant',
				sessionId: id,
				expiresAt,
				participant: { ...rest, teamName: row.teamName, isAdmitted: admittedAt !== null }
			}
		};
	}
	return null;
}

export async function revoke(sessionId: string): Promise<void> {
	await db().delete(session).where(eq(session.id, sessionId));
}

export async function revokeAllForAccount(
	accountId: string,
	exceptSessionId?: string
): Promise<void> {
	await db()
		.delete(session)
		.where(
			exceptSessionId
				? and(eq(session.accountId, accountId), ne(session.id, exceptSessionId))
				: eq(session.accountId, accountId)
		);
}

export async function revokeAllForParticipant(participantId: string): Promise<void> {
	await db().delete(session).where(eq(session.participantId, participantId));
}

/** Housekeeping: expired rows are useless and are deleted on a timer. */
export async function deleteExpired(): Promise<void> {
	await db().delete(session).where(lt(session.expiresAt, new Date()));
}
