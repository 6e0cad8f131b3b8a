/**
 * Leaders and the charter: invitations with personal links, reviews (comment, approve,
 * request changes) and signatures, and the leadership overview.
 */
import { and, asc, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import { contentHash } from '../../domain/charter/canon';
import { describeChange, diffCharters } from '../../domain/charter/diff';
import { mustWaitFor, versionStatus, type CharterStatus } from '../../domain/charter/signing';
import type { LeaderActor } from '../auth/leader-sessions';
import * as leaderSessions from '../auth/leader-sessions';
import { generateToken, hashToken } from '../auth/tokens';
import * as charters from './index';
import { CharterRuleError } from './rules';
import { db } from '../db';
import {
	charterReview,
	charterSignature,
	charterVersion,
	leaderInvite,
	workshop
} from '../db/schema';
import { newId } from '../ids';

const DAY = 24 * 60 * 60 * 1000;

export type Invite = typeof leaderInvite.$inferSelect;

export const leaderLabel = (l: { name: string; title: string }) => `${l.name}, ${l.title}`;

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
			throw new CharterRuleError('Publish a version first: there is nothing to sign yet.', 409);
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
	return db()
		.select()
		.from(leaderInvite)
		.where(eq(leaderInvite.workshopId, workshopId))
		.orderBy(asc(leaderInvite.createdAt));
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
		if (!found) throw new CharterRuleError('No open invitation of this workshop has that id.', 404);
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

/**
 * The version a leader acted on was superseded while they read it: nothing was recorded. It
 * carries what changed since, so the page can show the current version with the changes
 * instead of a dead end.
 */
export class SupersededError extends CharterRuleError {
	override name = 'SupersededError';
	constructor(
		message: string,
		readonly read: number,
		readonly current: number | null,
		readonly changes: string[]
	) {
		super(message, 409);
	}
}

async function superseded(
	workshopId: string,
	read: charters.Version,
	message: (current: number | null) => string
): Promise<SupersededError> {
	const latest = await charters.current(workshopId);
	const changes = latest ? diffCharters(read.content, latest.content).map(describeChange) : [];
	return new SupersededError(
		message(latest?.number ?? null),
		read.number,
		latest?.number ?? null,
		changes
	);
}

/** The current version, refusing a superseded one with a pointer to the current one. */
async function openVersion(workshopId: string, versionId: string) {
	const found = await charters.version(versionId);
	if (!found || found.workshopId !== workshopId) {
		throw new CharterRuleError('This charter has no such version.', 404);
	}
	if (found.supersededAt) {
		throw await superseded(
			workshopId,
			found,
			(current) =>
				`Version ${found.number} has been superseded${current ? ` by version ${current}` : ''}. Read and sign the current version instead.`
		);
	}
	return found;
}

export async function review(
	leader: LeaderActor,
	input: {
		versionId: string;
		kind: 'comment' | 'approve' | 'request-changes';
		section: string;
		text: string;
	}
): Promise<void> {
	const workshopId = leader.invite.workshopId;
	const found = await openVersion(workshopId, input.versionId);
	if (input.section && !found.content.sections.some((s) => s.key === input.section)) {
		throw new CharterRuleError('This version has no such section.', 404);
	}
	await db().transaction(async (tx) => {
		await tx.insert(charterReview).values({
			id: newId(),
			versionId: found.id,
			inviteId: leader.invite.id,
			kind: input.kind,
			sectionKey: input.section || null,
			text: input.text
		});
		await charters.appendEvent(tx, workshopId, {
			kind:
				input.kind === 'comment'
					? 'commented'
					: input.kind === 'approve'
						? 'approved'
						: 'changes-requested',
			actor: leaderLabel(leader.invite),
			versionId: found.id,
			data: { section: input.section || null, text: input.text }
		});
	});
}

export interface ReviewLine {
	id: string;
	versionId: string;
	versionNumber: number;
	leader: string;
	kind: 'comment' | 'approve' | 'request-changes';
	section: string | null;
	text: string;
	createdAt: Date;
}

export async function reviews(workshopId: string): Promise<ReviewLine[]> {
	const rows = await db()
		.select({ review: charterReview, invite: leaderInvite, number: charterVersion.number })
		.from(charterReview)
		.innerJoin(charterVersion, eq(charterVersion.id, charterReview.versionId))
		.innerJoin(leaderInvite, eq(leaderInvite.id, charterReview.inviteId))
		.where(eq(charterVersion.workshopId, workshopId))
		.orderBy(desc(charterReview.createdAt));
	return rows.map(({ review: r, invite: i, number }) => ({
		id: r.id,
		versionId: r.versionId,
		versionNumber: number,
		leader: leaderLabel(i),
		kind: r.kind,
		section: r.sectionKey,
		text: r.text,
		createdAt: r.createdAt
	}));
}

export async function sign(
	leader: LeaderActor,
	input: { versionId: string; hash: string; fullName: string; title: string; consent: string }
): Promise<void> {
	const workshopId = leader.invite.workshopId;
	if (input.consent !== 'yes') {
		throw new CharterRuleError(
			'Tick the box to confirm you agree to this charter; nothing was signed.',
			400
		);
	}
	const found = await openVersion(workshopId, input.versionId);
	if (input.hash !== found.hash || contentHash(found.content) !== found.hash) {
		throw new CharterRuleError(
			'The text you were shown is not this version’s text any more. Reload the page and read it again before signing.',
			409
		);
	}
	const lines = await charters.signatures(found.id);
	const mine = lines.find((l) => l.inviteId === leader.invite.id);
	if (!mine || mine.status === 'void') {
		throw new CharterRuleError('You are not asked to sign this version.', 403);
	}
	if (mine.status === 'signed')
		throw new CharterRuleError('You have already signed this version.', 409);
	const waitingFor = mustWaitFor(
		lines
			.filter((l) => l.status !== 'void')
			.map((l) => ({
				inviteId: l.inviteId,
				name: l.name,
				order: l.signingOrder,
				hasSigned: l.status === 'signed'
			})),
		leader.invite.id
	);
	if (waitingFor.length) {
		throw new CharterRuleError(
			`The signing order asks ${waitingFor.map((s) => s.name).join(' and ')} to sign before you.`,
			409
		);
	}
	const recorded = await db().transaction(async (tx) => {
		const updated = await tx
			.update(charterSignature)
			.set({
				status: 'signed',
				fullName: input.fullName,
				title: input.title,
				hashShown: input.hash,
				signedAt: new Date()
			})
			.where(
				and(
					eq(charterSignature.versionId, found.id),
					eq(charterSignature.inviteId, leader.invite.id),
					eq(charterSignature.status, 'pending')
				)
			)
			.returning({ id: charterSignature.id });
		// A publish that superseded this version in the meantime voided the line: nothing signed.
		if (updated.length === 0) return false;
		await charters.appendEvent(tx, workshopId, {
			kind: 'signed',
			actor: leaderLabel(leader.invite),
			versionId: found.id,
			data: { fullName: input.fullName, title: input.title, hash: input.hash, number: found.number }
		});
		return true;
	});
	if (!recorded) {
		throw await superseded(
			workshopId,
			found,
			() => 'This version was superseded while you were signing. Read and sign the current version.'
		);
	}
}

export interface CharterSummary {
	workshopId: string;
	workshopTitle: string;
	organisation: string;
	status: CharterStatus;
	versionId: string | null;
	versionNumber: number | null;
	hash: string | null;
	/** Leaders still to sign the current version, in signing order. */
	stillToSign: string[];
	signed: string[];
}

/** Where a workshop's charter stands, for the overview and the facilitator. */
export async function summary(workshopId: string): Promise<CharterSummary> {
	const [w] = await db().select().from(workshop).where(eq(workshop.id, workshopId));
	const open = await charters.current(workshopId);
	const base = {
		workshopId,
		workshopTitle: w?.title ?? '',
		organisation: w?.clientOrganisation ?? ''
	};
	if (!open) {
		return {
			...base,
			status: 'draft',
			versionId: null,
			versionNumber: null,
			hash: null,
			stillToSign: [],
			signed: []
		};
	}
	const lines = (await charters.signatures(open.id)).filter((l) => l.status !== 'void');
	const requests = await db()
		.select({ id: charterReview.id })
		.from(charterReview)
		.where(and(eq(charterReview.versionId, open.id), eq(charterReview.kind, 'request-changes')));
	return {
		...base,
		status: versionStatus({
			isPublished: true,
			isSuperseded: false,
			hasChangeRequest: requests.length > 0,
			signers: lines.map((l) => ({
				inviteId: l.inviteId,
				name: l.name,
				order: l.signingOrder,
				hasSigned: l.status === 'signed'
			}))
		}),
		versionId: open.id,
		versionNumber: open.number,
		hash: open.hash,
		stillToSign: lines.filter((l) => l.status === 'pending').map(leaderLabel),
		signed: lines.filter((l) => l.status === 'signed').map(leaderLabel)
	};
}

/**
 * Every charter this leader's browser has proven it may read: the invitations whose personal
 * links it opened, still open. Never gathered by email: an address in an invitation is what
 * a facilitator typed, and any facilitator can type anyone's address. The overview shows
 * where each stands; each charter opens with its own link.
 */
export async function overview(leader: LeaderActor) {
	const proven = await leaderSessions.provenInvites(leader);
	// This link's own invitation first, so a workshop invited twice shows that one.
	const invites = [
		...proven.filter((i) => i.id === leader.invite.id),
		...proven.filter((i) => i.id !== leader.invite.id)
	];
	const seen = new Set<string>();
	const out = [];
	for (const i of invites) {
		if (seen.has(i.workshopId)) continue;
		seen.add(i.workshopId);
		const own = await db()
			.select({ number: charterVersion.number })
			.from(charterSignature)
			.innerJoin(charterVersion, eq(charterVersion.id, charterSignature.versionId))
			.where(
				and(
					eq(charterSignature.inviteId, i.id),
					eq(charterSignature.status, 'signed'),
					isNotNull(charterVersion.supersededAt)
				)
			)
			.orderBy(asc(charterVersion.number));
		out.push({
			...(await summary(i.workshopId)),
			isThisLink: i.workshopId === leader.invite.workshopId,
			/** Versions this leader signed that a newer version has superseded since. */
			supersededSignatures: own.map((r) => r.number),
			followUp: await charters.followUp(i.workshopId)
		});
	}
	return out;
}

/**
 * Makes another charter this browser proved the one its session reads and signs, as opening
 * that charter's link again would: the session is rotated (a new token) and keeps its proofs.
 */
export async function switchTo(leader: LeaderActor, workshopId: string) {
	const proven = await leaderSessions.provenInvites(leader);
	const found = proven.find((i) => i.workshopId === workshopId);
	if (!found) {
		throw new CharterRuleError(
			'This browser has not opened a review link for that charter. Open the link from its invitation.',
			404
		);
	}
	return leaderSessions.create(found, leader);
}
