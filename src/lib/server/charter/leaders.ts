/**
 * Leaders and the charter, imported as one namespace
 * (`import * as leaders from '$lib/server/charter/leaders'`): here, invitations with personal
 * links (inviting, reminding, withdrawing, checking a link); reviews (comment, approve,
 * request changes) and signatures in signing.ts; the facilitator's summary and the
 * leadership overview in leadership.ts; a leader's name and the signing order in leader.ts.
 */
import { and, eq, isNull } from 'drizzle-orm';
import * as leaderSessions from '../auth/leader-sessions';
import { generateToken, hashToken } from '../auth/tokens';
import { db } from '../db';
import { charterSignature, charterVersion, leaderInvite } from '../db/schema';
import { newId } from '../ids';
import { RuleError } from '../rules';
import * as charters from './index';
import { leaderLabel, type Invite } from './leader';
import { ofWorkshop } from '../db/rows';

const DAY = 24 * 60 * 60 * 1000;

/** The path of a personal link; the token appears nowhere else and is stored only hashed. */
export const linkPath = (workshopId: string, token: string) => `/review/${workshopId}/${token}`;

/** The invitation mail: plain text, the personal link, when it expires and not to forward it. */
export function invitationMail(input: {
	to: string;
	leader: string;
	facilitator: string;
	workshop: string;
	link: string;
	expiresAt: Date;
}) {
	const until = input.expiresAt.toLocaleDateString('en-GB', {
		day: 'numeric',
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC'
	});
	return {
		to: input.to,
		subject: `Your review of the charter from ${input.workshop}`,
		text: [
			`Hello ${input.leader},`,
			'',
			`${input.facilitator} asks you to review, and when ready sign, the charter your sales and marketing teams agreed in ${input.workshop}.`,
			'',
			`Your personal link (it works until ${until}):`,
			input.link,
			'',
			'Please do not forward it: whoever opens it reviews and signs as you. If it reaches the wrong person, ask the facilitator to withdraw it.'
		].join('\n')
	};
}

export async function invite(
	workshopId: string,
	actor: string,
	input: {
		name: string;
		title: string;
		email: string;
		signingOrder: number | null;
		expiresInDays: number;
	}
): Promise<{ invite: Invite; token: string }> {
	await charters.draft(workshopId);
	const token = generateToken();
	return db().transaction(async (tx) => {
		const [created] = await tx
			.insert(leaderInvite)
			.values({
				id: newId(),
				workshopId,
				name: input.name,
				title: input.title,
				email: input.email,
				signingOrder: input.signingOrder,
				tokenHash: hashToken(token),
				expiresAt: new Date(Date.now() + input.expiresInDays * DAY)
			})
			.returning();
		// Invited while a version is in review: they sign that one too.
		const [open] = await tx
			.select({ id: charterVersion.id })
			.from(charterVersion)
			.where(and(eq(charterVersion.workshopId, workshopId), isNull(charterVersion.supersededAt)));
		if (open) {
			await tx
				.insert(charterSignature)
				.values({ id: newId(), versionId: open.id, inviteId: created!.id });
		}
		await charters.appendEvent(tx, workshopId, {
			kind: 'leader-invited',
			actor,
			data: { leader: leaderLabel(created!), signingOrder: input.signingOrder }
		});
		return { invite: created!, token };
	});
}

/** The reminder mail: the version waiting for them, and a fresh personal link. */
export function reminderMail(input: {
	to: string;
	leader: string;
	facilitator: string;
	workshop: string;
	versionNumber: number;
	link: string;
}) {
	return {
		to: input.to,
		subject: `Reminder: version ${input.versionNumber} of the charter from ${input.workshop} waits for your signature`,
		text: [
			`Hello ${input.leader},`,
			'',
			`${input.facilitator} reminds you that version ${input.versionNumber} of the charter from ${input.workshop} waits for your review and signature.`,
			'',
			'Your personal link (the one in earlier mails no longer opens it):',
			input.link,
			'',
			'Please do not forward it: whoever opens it reviews and signs as you.'
		].join('\n')
	};
}

/**
 * Every leader whose signature on the current version is still pending, with a fresh personal
 * link each: only a token's hash is kept, so a reminder cannot resend the old link; the new
 * one replaces it (sessions already opened stay). Withdrawn and expired links get nothing.
 */
export async function remindUnsigned(
	workshopId: string,
	actor: string
): Promise<{ versionNumber: number; reminded: Array<{ invite: Invite; token: string }> }> {
	return db().transaction(async (tx) => {
		const [current] = await tx
			.select({ id: charterVersion.id, number: charterVersion.number })
			.from(charterVersion)
			.where(and(eq(charterVersion.workshopId, workshopId), isNull(charterVersion.supersededAt)));
		if (!current) {
			throw new RuleError('Publish a version first: there is nothing to sign yet.', 409);
		}
		const pending = await tx
			.select({ invite: leaderInvite })
			.from(charterSignature)
			.innerJoin(leaderInvite, eq(leaderInvite.id, charterSignature.inviteId))
			.where(
				and(
					eq(charterSignature.versionId, current.id),
					eq(charterSignature.status, 'pending'),
					isNull(leaderInvite.revokedAt)
				)
			);
		const now = Date.now();
		const reminded: Array<{ invite: Invite; token: string }> = [];
		for (const { invite } of pending) {
			if (invite.expiresAt.getTime() <= now) continue;
			const token = generateToken();
			await tx
				.update(leaderInvite)
				.set({ tokenHash: hashToken(token) })
				.where(eq(leaderInvite.id, invite.id));
			await charters.appendEvent(tx, workshopId, {
				kind: 'leader-reminded',
				actor,
				versionId: current.id,
				data: { leader: leaderLabel(invite) }
			});
			reminded.push({ invite, token });
		}
		return { versionNumber: current.number, reminded };
	});
}

export async function list(workshopId: string): Promise<Invite[]> {
	return ofWorkshop(leaderInvite, workshopId, leaderInvite.createdAt);
}

/** Revokes a link: its sessions end, its pending signatures are void. Returns the session ids. */
export async function revoke(workshopId: string, inviteId: string, actor: string) {
	await db().transaction(async (tx) => {
		const [found] = await tx
			.update(leaderInvite)
			.set({ revokedAt: new Date() })
			.where(
				and(
					eq(leaderInvite.id, inviteId),
					eq(leaderInvite.workshopId, workshopId),
					isNull(leaderInvite.revokedAt)
				)
			)
			.returning();
		if (!found) throw new RuleError('No open invitation of this workshop has that id.', 404);
		await tx
			.update(charterSignature)
			.set({ status: 'void', voidedAt: new Date() })
			.where(and(eq(charterSignature.inviteId, inviteId), eq(charterSignature.status, 'pending')));
		await charters.appendEvent(tx, workshopId, {
			kind: 'leader-revoked',
			actor,
			data: { leader: leaderLabel(found) }
		});
	});
	return leaderSessions.revokeAllForInvite(inviteId);
}

export type LinkCheck =
	{ ok: true; invite: Invite } | { ok: false; status: 403 | 404 | 410; message: string };

/** What a personal link opens, with a reason a person can act on when it opens nothing. */
export async function checkLink(workshopId: string, token: string): Promise<LinkCheck> {
	const invalid = {
		ok: false,
		status: 404,
		message:
			'This review link is not valid. Check that you opened the whole link from your invitation, or ask the facilitator for a new one.'
	} as const;
	if (!/^[a-z2-7]{32}$/.test(token)) return invalid;
	const [found] = await db()
		.select()
		.from(leaderInvite)
		.where(eq(leaderInvite.tokenHash, hashToken(token)));
	if (!found) return invalid;
	if (found.workshopId !== workshopId) {
		return {
			ok: false,
			status: 403,
			message:
				'This review link belongs to another workshop. Open the link exactly as it was sent to you.'
		};
	}
	if (found.revokedAt) {
		return {
			ok: false,
			status: 410,
			message: 'This review link was withdrawn by the facilitator. Ask them for a new one.'
		};
	}
	if (found.expiresAt.getTime() <= Date.now()) {
		return {
			ok: false,
			status: 410,
			message: 'This review link has expired. Ask the facilitator for a new one.'
		};
	}
	return { ok: true, invite: found };
}

export { leaderLabel, mustSignFirst } from './leader';
export { review, reviews, sign, SupersededError, type ReviewLine } from './signing';
export { overview, summary, switchTo, type CharterSummary } from './leadership';
