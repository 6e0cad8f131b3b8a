/** Where each charter stands: the facilitator's summary and the leadership overview. */
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { versionStatus, type CharterStatus } from '../../domain/charter/signing';
import type { LeaderActor } from '../auth/leader-sessions';
import * as leaderSessions from '../auth/leader-sessions';
import { db } from '../db';
import { charterReview, charterSignature, charterVersion, workshop } from '../db/schema';
import { RuleError } from '../rules';
import * as charters from './index';
import { leaderLabel } from './leader';

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
		throw new RuleError(
			'This browser has not opened a review link for that charter. Open the link from its invitation.',
			404
		);
	}
	return leaderSessions.create(found, leader);
}
