/**
 * A facilitator who forgot their password asks for a link by email (OWASP Forgot Password
 * Cheat Sheet):
 * - the answer is the same, and as fast, whether or not the address has an account: the mail
 *   is sent after the answer (mail.ts `sendLater`);
 * - requests are limited per address asked for and per client address, counted either way;
 * - the link's secret has 160 random bits and only its SHA-256 is stored; it expires after
 *   30 minutes, works once, and a newer link replaces older ones;
 * - using it sets the new password, ends every session of the account (whoever knew the old
 *   password is signed out) and signs this browser in.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { db } from '../db';
import { passwordReset } from '../db/schema';
import * as accounts from '../accounts';
import { newId } from '../ids';
import { sendLater } from '../mail';
import * as rateLimit from '../rate-limit';
import { revokeAllForAccount } from './sessions';
import { generateToken, hashToken } from './tokens';

export const RESET_LINK_LIFETIME_MS = 30 * 60 * 1000;

export type RequestOutcome = { ok: true } | { ok: false; retryAfterMs: number };

/** Records a link for `email`'s account, if there is one, and mails it after the answer. */
export async function requestReset(
	email: string,
	clientAddress: string,
	origin: string
): Promise<RequestOutcome> {
	const normalised = accounts.normaliseEmail(email);
	for (const [key, limit] of [
		[`reset:email:${normalised}`, rateLimit.RESET_REQUESTS_PER_EMAIL],
		[`reset:address:${clientAddress}`, rateLimit.RESET_REQUESTS_PER_ADDRESS]
	] as const) {
		const claim = await rateLimit.claimSlot(key, limit);
		if (!claim.allowed) return { ok: false, retryAfterMs: claim.retryAfterMs };
	}
	const found = await accounts.findByEmail(normalised);
	if (!found || found.role !== 'facilitator') return { ok: true };

	const token = generateToken();
	await db().transaction(async (tx) => {
		await tx.delete(passwordReset).where(eq(passwordReset.accountId, found.id));
		await tx.insert(passwordReset).values({
			id: newId(),
			accountId: found.id,
			tokenHash: hashToken(token),
			expiresAt: new Date(Date.now() + RESET_LINK_LIFETIME_MS)
		});
	});
	const link = `${origin}/reset-password/${token}`;
	sendLater(
		{
			to: found.email,
			subject: 'Reset your Common Ground password',
			text: [
				`Hello ${found.name},`,
				'',
				'Someone (we hope you) asked to reset the password of your Common Ground account.',
				'Open this link within 30 minutes to choose a new one. It works once:',
				'',
				link,
				'',
				'If you did not ask, ignore this mail: your password stays as it is.'
			].join('\n')
		},
		'password reset'
	);
	return { ok: true };
}

/** The account a link may reset, or null when it is unknown, used or expired. */
export async function accountForLink(token: string): Promise<{ accountId: string } | null> {
	const [row] = await db()
		.select({ accountId: passwordReset.accountId })
		.from(passwordReset)
		.where(
			and(
				eq(passwordReset.tokenHash, hashToken(token)),
				isNull(passwordReset.usedAt),
				gt(passwordReset.expiresAt, new Date())
			)
		)
		.limit(1);
	return row ?? null;
}

/**
 * Uses the link: marks it used (once: a second, concurrent use finds it used), sets the
 * password and ends the account's sessions. Returns the account, or null for a dead link.
 */
export async function resetWithLink(
	token: string,
	newPassword: string
): Promise<{ accountId: string } | null> {
	const [used] = await db()
		.update(passwordReset)
		.set({ usedAt: new Date() })
		.where(
			and(
				eq(passwordReset.tokenHash, hashToken(token)),
				isNull(passwordReset.usedAt),
				gt(passwordReset.expiresAt, new Date())
			)
		)
		.returning({ accountId: passwordReset.accountId });
	if (!used) return null;
	await accounts.changePassword(used.accountId, newPassword);
	await revokeAllForAccount(used.accountId);
	return used;
}
