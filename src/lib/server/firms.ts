/**
 * Firms: who belongs to which, their clients, and invitations to join. Which workshops an
 * account may reach is decided here once (`isFirmWorkshop`) and asked by every guard
 * (guards.ts, api.ts, charter/guards.ts, the realtime upgrade): a workshop is its client's,
 * a client its firm's, and an account reaches the workshops of its own firm only.
 */
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import type { FirmRole } from '../domain/permissions';
import type { AccountActor } from './auth/sessions';
import { generateToken, hashToken } from './auth/tokens';
import { db, type Db } from './db';
import { account, client, firm, firmInvitation, firmMember, workshop } from './db/schema';
import { newId } from './ids';
import { RuleError } from './rules';

type Tx = Parameters<Parameters<ReturnType<typeof db>['transaction']>[0]>[0];

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Whether this account's firm holds the workshop (by its client). The one answer every guard uses. */
export function isFirmWorkshop(
	actor: Pick<AccountActor, 'firm'>,
	found: { firmId: string | null } | undefined
): boolean {
	return !!found && found.firmId !== null && actor.firm !== null && found.firmId === actor.firm.id;
}

/** A firm of one: a new facilitator owns it (and the data migration gives one to each). */
export async function createOfOne(tx: Tx, accountId: string, name: string): Promise<string> {
	const id = newId();
	await tx.insert(firm).values({ id, name });
	await tx.insert(firmMember).values({ firmId: id, accountId, role: 'owner' });
	return id;
}

export async function get(firmId: string) {
	const [row] = await db()
		.select({
			id: firm.id,
			name: firm.name,
			accentColour: firm.accentColour,
			logoType: firm.logoType
		})
		.from(firm)
		.where(eq(firm.id, firmId))
		.limit(1);
	return row;
}

/** The firm an account belongs to, and its role there. */
export async function membershipOf(accountId: string) {
	const [row] = await db()
		.select({ firmId: firmMember.firmId, role: firmMember.role })
		.from(firmMember)
		.where(eq(firmMember.accountId, accountId))
		.limit(1);
	return row;
}

export async function members(firmId: string) {
	return db()
		.select({
			accountId: account.id,
			name: account.name,
			email: account.email,
			role: firmMember.role
		})
		.from(firmMember)
		.innerJoin(account, eq(account.id, firmMember.accountId))
		.where(eq(firmMember.firmId, firmId))
		.orderBy(asc(account.name));
}

export async function clients(firmId: string) {
	return db()
		.select({
			id: client.id,
			name: client.name,
			accentColour: client.accentColour,
			logoType: client.logoType
		})
		.from(client)
		.where(eq(client.firmId, firmId))
		.orderBy(asc(client.name));
}

/** The firm's client of this name, created when it is new (names are compared trimmed). */
export async function clientNamed(tx: Tx, firmId: string, name: string): Promise<string> {
	const trimmed = name.trim();
	await tx
		.insert(client)
		.values({ id: newId(), firmId, name: trimmed })
		.onConflictDoNothing({ target: [client.firmId, client.name] });
	const [row] = await tx
		.select({ id: client.id })
		.from(client)
		.where(and(eq(client.firmId, firmId), eq(client.name, trimmed)))
		.limit(1);
	return row!.id;
}

const isMember = (firmId: string, accountId: string) =>
	and(eq(firmMember.firmId, firmId), eq(firmMember.accountId, accountId));

/** A member's role, their row locked until the transaction ends; refused for a non-member. */
async function lockMember(tx: Tx, firmId: string, accountId: string): Promise<FirmRole> {
	const [found] = await tx
		.select({ role: firmMember.role })
		.from(firmMember)
		.where(isMember(firmId, accountId))
		.for('update');
	if (!found) throw new RuleError('This person is not a member of the firm.', 404);
	return found.role;
}

/** Changes a member's role; the firm always keeps an owner. */
export async function changeRole(firmId: string, accountId: string, role: FirmRole) {
	await db().transaction(async (tx) => {
		const current = await lockMember(tx, firmId, accountId);
		if (current === 'owner' && role !== 'owner') await keepAnOwner(tx, firmId);
		await tx.update(firmMember).set({ role }).where(isMember(firmId, accountId));
	});
}

/** Removes a member: they keep their account but reach none of the firm's workshops. */
export async function removeMember(firmId: string, accountId: string) {
	await db().transaction(async (tx) => {
		if ((await lockMember(tx, firmId, accountId)) === 'owner') await keepAnOwner(tx, firmId);
		await tx.delete(firmMember).where(isMember(firmId, accountId));
	});
}

async function keepAnOwner(tx: Tx, firmId: string) {
	const [row] = await tx
		.select({ n: count() })
		.from(firmMember)
		.where(and(eq(firmMember.firmId, firmId), eq(firmMember.role, 'owner')));
	if ((row?.n ?? 0) <= 1) {
		throw new RuleError('The firm needs an owner: make someone else owner first.', 409);
	}
}

/** Records an invitation and returns the secret for its link (only its hash is kept). */
export async function invite(input: {
	firmId: string;
	email: string;
	role: FirmRole;
	invitedBy: string;
}): Promise<string> {
	const token = generateToken();
	await db()
		.insert(firmInvitation)
		.values({
			id: newId(),
			firmId: input.firmId,
			email: input.email.trim().toLowerCase(),
			role: input.role,
			tokenHash: hashToken(token),
			invitedBy: input.invitedBy,
			expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS)
		});
	return token;
}

export async function pendingInvitations(firmId: string) {
	return db()
		.select({
			id: firmInvitation.id,
			email: firmInvitation.email,
			role: firmInvitation.role,
			expiresAt: firmInvitation.expiresAt
		})
		.from(firmInvitation)
		.where(
			and(
				eq(firmInvitation.firmId, firmId),
				isNull(firmInvitation.acceptedAt),
				gt(firmInvitation.expiresAt, new Date())
			)
		)
		.orderBy(asc(firmInvitation.createdAt));
}

/**
 * The invitation behind a link, with its firm, while it still opens (not accepted, not
 * expired). `from` is a transaction when the caller goes on to accept it.
 */
function liveInvitation(from: Db, token: string) {
	return from
		.select({
			id: firmInvitation.id,
			firmId: firmInvitation.firmId,
			firmName: firm.name,
			email: firmInvitation.email,
			role: firmInvitation.role
		})
		.from(firmInvitation)
		.innerJoin(firm, eq(firm.id, firmInvitation.firmId))
		.where(
			and(
				eq(firmInvitation.tokenHash, hashToken(token)),
				isNull(firmInvitation.acceptedAt),
				gt(firmInvitation.expiresAt, new Date())
			)
		);
}

/** The live invitation behind a link: its firm and role; null when unknown, used or expired. */
export async function invitationFor(token: string) {
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	const [row] = await liveInvitation(db(), token).limit(1);
	return row ?? null;
}

/**
 * The account joins the invitation's firm, once. An account belongs to one firm: leaving a
 * firm of one that holds no workshop is fine (it is deleted); otherwise the invitation is
 * refused with the reason, and nothing changes.
 */
export async function accept(token: string, accountId: string): Promise<{ firmName: string }> {
	return db().transaction(async (tx) => {
		const [invitation] = await liveInvitation(tx, token).for('update', { of: firmInvitation });
		if (!invitation) {
			throw new RuleError(
				'This invitation link was already used or has expired. Ask for a new one.',
				404
			);
		}
		const [current] = await tx
			.select({ firmId: firmMember.firmId })
			.from(firmMember)
			.where(eq(firmMember.accountId, accountId));
		if (current && current.firmId !== invitation.firmId) {
			const [others] = await tx
				.select({ n: count() })
				.from(firmMember)
				.where(eq(firmMember.firmId, current.firmId));
			const [held] = await tx
				.select({ n: count() })
				.from(workshop)
				.innerJoin(client, eq(client.id, workshop.clientId))
				.where(eq(client.firmId, current.firmId));
			if ((others?.n ?? 0) > 1 || (held?.n ?? 0) > 0) {
				throw new RuleError(
					'Your account already belongs to a firm with workshops or colleagues. An account belongs to one firm: sign up with another address to join this one.',
					409
				);
			}
			await tx.delete(firm).where(eq(firm.id, current.firmId));
		}
		if (current?.firmId === invitation.firmId) {
			await tx
				.update(firmMember)
				.set({ role: invitation.role })
				.where(eq(firmMember.accountId, accountId));
		} else {
			await tx
				.insert(firmMember)
				.values({ firmId: invitation.firmId, accountId, role: invitation.role });
		}
		await tx
			.update(firmInvitation)
			.set({ acceptedAt: new Date() })
			.where(eq(firmInvitation.id, invitation.id));
		return { firmName: invitation.firmName };
	});
}
