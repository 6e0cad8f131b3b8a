/**
 * A leader's review (comment, approve, request changes) and signature of the current version;
 * a version superseded while they read it is refused with what changed since.
 */
import { and, desc, eq } from 'drizzle-orm';
import { contentHash } from '../../domain/charter/canon';
import { describeChange, diffCharters } from '../../domain/charter/diff';
import type { LeaderActor } from '../auth/leader-sessions';
import { db } from '../db';
import { charterReview, charterSignature, charterVersion, leaderInvite } from '../db/schema';
import { newId } from '../ids';
import { RuleError } from '../rules';
import * as charters from './index';
import { leaderLabel, mustSignFirst } from './leader';

/**
 * The version a leader acted on was superseded while they read it: nothing was recorded. It
 * carries what changed since, so the page can show the current version with the changes
 * instead of a dead end: the one refusal a page tells apart from the others.
 */
export class SupersededError extends RuleError {
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
		throw new RuleError('This charter has no such version.', 404);
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
		throw new RuleError('This version has no such section.', 404);
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
		throw new RuleError(
			'Tick the box to confirm you agree to this charter; nothing was signed.',
			400
		);
	}
	const found = await openVersion(workshopId, input.versionId);
	if (input.hash !== found.hash || contentHash(found.content) !== found.hash) {
		throw new RuleError(
			'The text you were shown is not this version’s text any more. Reload the page and read it again before signing.',
			409
		);
	}
	const lines = await charters.signatures(found.id);
	const mine = lines.find((l) => l.inviteId === leader.invite.id);
	if (!mine || mine.status === 'void') {
		throw new RuleError('You are not asked to sign this version.', 403);
	}
	if (mine.status === 'signed') throw new RuleError('You have already signed this version.', 409);
	const waitingFor = mustSignFirst(lines, leader.invite.id);
	if (waitingFor.length) {
		throw new RuleError(
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
