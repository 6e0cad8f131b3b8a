/**
 * The frozen versions of a workshop's charter: publishing, reading them (upcast to the current
 * shape), their signature lines and the newest one every leader signed.
 */
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { contentHash, normalise } from '../../domain/charter/canon';
import { isEmptyCharter, type CharterContent } from '../../domain/charter/content';
import { upcastCharter } from '../../domain/charter/upcast';
import { db, type Db } from '../db';
import { charter, charterSignature, charterVersion, leaderInvite } from '../db/schema';
import { newId } from '../ids';
import { moduleLogger } from '../logger';
import { RuleError } from '../rules';
import { appendEvent } from './audit';
import { draft } from './draft';
import type { Tx, Version } from './rules';
import { ofWorkshop } from '../db/rows';

const log = moduleLogger('charters');

/**
 * Freezes the draft as a new version: normalised, hashed, stored. The previous version is
 * superseded and its pending signatures are voided (signed ones stay, on a superseded
 * version). Every leader with a live invitation gets a pending signature on the new one.
 */
export async function publish(workshopId: string, actor: string): Promise<Version> {
	const drafted = await draft(workshopId);
	// A section with nothing in it is a heading without content: it is left out of the version.
	const content = normalise({
		...drafted,
		sections: drafted.sections.filter((s) => s.items.length > 0)
	}) as unknown as CharterContent;
	if (isEmptyCharter(content)) {
		throw new RuleError(
			'The charter is empty: it needs at least one clause before it can be published.',
			400
		);
	}
	const hash = contentHash(content);
	return db().transaction(async (tx) => {
		// Serialises publishing per workshop (the chain head row is the lock).
		await tx
			.select({ id: charter.workshopId })
			.from(charter)
			.where(eq(charter.workshopId, workshopId))
			.for('update');
		const [previous] = await tx
			.select()
			.from(charterVersion)
			.where(eq(charterVersion.workshopId, workshopId))
			.orderBy(desc(charterVersion.number))
			.limit(1);
		if (previous && !previous.supersededAt && previous.hash === hash) {
			throw new RuleError(
				`Nothing changed since version ${previous.number}: edit the draft before publishing again.`,
				409
			);
		}
		const now = new Date();
		if (previous && !previous.supersededAt) {
			await tx
				.update(charterVersion)
				.set({ supersededAt: now })
				.where(eq(charterVersion.id, previous.id));
			const voided = await tx
				.update(charterSignature)
				.set({ status: 'void', voidedAt: now })
				.where(
					and(eq(charterSignature.versionId, previous.id), eq(charterSignature.status, 'pending'))
				)
				.returning({ id: charterSignature.id });
			const signed = await tx
				.select({ id: charterSignature.id })
				.from(charterSignature)
				.where(
					and(eq(charterSignature.versionId, previous.id), eq(charterSignature.status, 'signed'))
				);
			await appendEvent(tx, workshopId, {
				kind: 'superseded',
				actor,
				versionId: previous.id,
				data: {
					number: previous.number,
					hash: previous.hash,
					voidedPendingSignatures: voided.length,
					keptSignatures: signed.length
				}
			});
		}
		const [version] = await tx
			.insert(charterVersion)
			.values({
				id: newId(),
				workshopId,
				number: (previous?.number ?? 0) + 1,
				content,
				hash,
				publishedAt: now
			})
			.returning();
		const invites = await activeInvites(tx, workshopId);
		if (invites.length) {
			await tx.insert(charterSignature).values(
				invites.map((invite) => ({
					id: newId(),
					versionId: version!.id,
					inviteId: invite.id
				}))
			);
		}
		await appendEvent(tx, workshopId, {
			kind: 'published',
			actor,
			versionId: version!.id,
			data: { number: version!.number, hash }
		});
		return version!;
	});
}

export async function activeInvites(tx: Tx | Db, workshopId: string) {
	const now = Date.now();
	const rows = await tx
		.select()
		.from(leaderInvite)
		.where(and(eq(leaderInvite.workshopId, workshopId), isNull(leaderInvite.revokedAt)))
		.orderBy(asc(leaderInvite.createdAt));
	return rows.filter((r) => r.expiresAt.getTime() > now);
}

/**
 * A stored version as readers use it: its content upcast to the current shape by its schema
 * tag (never rewritten: the hash covers what is stored; see domain/charter/upcast.ts). Content
 * that cannot be read is handed on as stored, so `verify` still reports it.
 */
function readable(row: Version): Version {
	try {
		const content = upcastCharter(row.content);
		return content === row.content ? row : { ...row, content };
	} catch (error) {
		log.warn({ err: error }, `charter version ${row.id} cannot be upcast`);
		return row;
	}
}

export async function versions(workshopId: string): Promise<Version[]> {
	return (await ofWorkshop(charterVersion, workshopId, charterVersion.number)).map(readable);
}

export async function current(workshopId: string): Promise<Version | undefined> {
	const [row] = await db()
		.select()
		.from(charterVersion)
		.where(and(eq(charterVersion.workshopId, workshopId), isNull(charterVersion.supersededAt)))
		.limit(1);
	return row && readable(row);
}

export async function version(id: string): Promise<Version | undefined> {
	if (!/^[a-z0-9]{1,64}$/.test(id)) return undefined;
	const [row] = await db().select().from(charterVersion).where(eq(charterVersion.id, id));
	return row && readable(row);
}

export async function versionsByHash(hash: string): Promise<Version[]> {
	const rows = await db()
		.select()
		.from(charterVersion)
		.where(eq(charterVersion.hash, hash))
		.orderBy(asc(charterVersion.publishedAt));
	return rows.map(readable);
}

export interface SignatureLine {
	inviteId: string;
	name: string;
	title: string;
	status: 'pending' | 'signed' | 'void';
	fullName: string | null;
	signedTitle: string | null;
	hashShown: string | null;
	signedAt: Date | null;
	signingOrder: number | null;
	/** The leader's link was withdrawn: their line no longer counts towards "signed". */
	isRevoked: boolean;
}

export async function signatures(versionId: string): Promise<SignatureLine[]> {
	const rows = await db()
		.select({ signature: charterSignature, invite: leaderInvite })
		.from(charterSignature)
		.innerJoin(leaderInvite, eq(leaderInvite.id, charterSignature.inviteId))
		.where(eq(charterSignature.versionId, versionId))
		.orderBy(asc(leaderInvite.signingOrder), asc(leaderInvite.createdAt));
	return rows.map(({ signature: s, invite: i }) => ({
		inviteId: i.id,
		name: i.name,
		title: i.title,
		status: s.status,
		fullName: s.fullName,
		signedTitle: s.title,
		hashShown: s.hashShown,
		signedAt: s.signedAt,
		signingOrder: i.signingOrder,
		isRevoked: i.revokedAt !== null
	}));
}

/**
 * The newest version every invited leader signed (superseded or not). A line voided by a
 * newer version means that leader never signed it; only withdrawn leaders do not count.
 */
export async function latestSigned(workshopId: string): Promise<Version | undefined> {
	const all = await versions(workshopId);
	for (const v of [...all].reverse()) {
		const lines = (await signatures(v.id)).filter((l) => !l.isRevoked);
		if (lines.length > 0 && lines.every((l) => l.status === 'signed')) return v;
	}
	return undefined;
}
