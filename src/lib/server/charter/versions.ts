/**
 * The charter of a workshop: its draft, its frozen versions, the audit trail, verification
 * and follow-up. Leaders' invitations, reviews and signatures are in leaders.ts.
 *
 * Every change that matters to a signer (publishing, superseding, reviews, signatures,
 * invitations, interventions) appends an event to the hash chain in the same transaction as
 * the change itself, so the trail cannot miss an event that happened.
 */
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { type JsonObject, contentHash, normalise } from '../../domain/charter/canon';
import {
	isEmptyCharter,
	measuresOf,
	nextReviewDate,
	SECTION_KINDS,
	type CharterContent
} from '../../domain/charter/content';
import { applyEdit, CharterEditError, type CharterEdit } from '../../domain/charter/edit';
import {
	nextEvent,
	verifyChain,
	type AuditEvent,
	type AuditEventKind,
	type ChainCheck
} from '../../domain/charter/audit';
import { measureStatus, type MeasureStatus } from '../../domain/charter/follow-up';
import { compile } from './compile';
import { db, type Db } from '../db';
import {
	charter,
	charterEvent,
	charterMeasureValue,
	charterSignature,
	charterVersion,
	leaderInvite
} from '../db/schema';
import { newId } from '../ids';
import { moduleLogger } from '../logger';
import { upcastCharter } from '../../domain/charter/upcast';

const log = moduleLogger('charters');

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Version = typeof charterVersion.$inferSelect;

export class CharterRuleError extends Error {
	override name = 'CharterRuleError';
	constructor(
		message: string,
		readonly status: 400 | 403 | 404 | 409
	) {
		super(message);
	}
}

/** The draft, compiled from the workshop the first time it is asked for. */
export async function draft(workshopId: string): Promise<CharterContent> {
	const [row] = await db().select().from(charter).where(eq(charter.workshopId, workshopId));
	if (row) return row.draft;
	const compiled = await compile(workshopId);
	await db().insert(charter).values({ workshopId, draft: compiled }).onConflictDoNothing();
	const [again] = await db().select().from(charter).where(eq(charter.workshopId, workshopId));
	return again!.draft;
}

/** Compiles the draft again from the workshop as it is now; the facilitator's edits are lost. */
export async function recompile(workshopId: string): Promise<CharterContent> {
	await draft(workshopId);
	const compiled = await compile(workshopId);
	await db()
		.update(charter)
		.set({ draft: compiled, updatedAt: new Date() })
		.where(eq(charter.workshopId, workshopId));
	return compiled;
}

/**
 * Brings what a fresh compile now has of one section kind into the draft (after the
 * facilitator kept a template's suggestion): clauses the draft lacks are added at the end of
 * its section, or the section is added where its kind belongs. The rest of the draft, and
 * every edit made to it, stays as it is.
 */
export async function includeCompiled(
	workshopId: string,
	kind: CharterContent['sections'][number]['kind']
): Promise<CharterContent> {
	const current = await draft(workshopId);
	const compiled = (await compile(workshopId)).sections.find((s) => s.kind === kind);
	if (!compiled) return current;
	const next = structuredClone(current);
	const existing = next.sections.find((s) => s.kind === kind);
	if (existing) {
		const ids = new Set(existing.items.map((i) => i.id));
		existing.items.push(...compiled.items.filter((i) => !ids.has(i.id)));
	} else {
		const order = SECTION_KINDS.indexOf(kind);
		const at = next.sections.findIndex((s) => SECTION_KINDS.indexOf(s.kind) > order);
		next.sections.splice(at < 0 ? next.sections.length : at, 0, compiled);
	}
	await db()
		.update(charter)
		.set({ draft: next, updatedAt: new Date() })
		.where(eq(charter.workshopId, workshopId));
	return next;
}

export async function edit(
	workshopId: string,
	change: DistributiveOmit<CharterEdit, 'id'>
): Promise<CharterContent> {
	const current = await draft(workshopId);
	let next: CharterContent;
	try {
		next = applyEdit(
			current,
			change.op === 'add-clause' ? { ...change, id: newId() } : (change as CharterEdit)
		);
	} catch (e) {
		if (e instanceof CharterEditError) throw new CharterRuleError(e.message, 404);
		throw e;
	}
	await db()
		.update(charter)
		.set({ draft: next, updatedAt: new Date() })
		.where(eq(charter.workshopId, workshopId));
	return next;
}

/** Appends one event to the workshop's chain; call inside the transaction of the change. */
export async function appendEvent(
	tx: Tx,
	workshopId: string,
	event: { kind: AuditEventKind; actor: string; versionId?: string | null; data?: JsonObject }
): Promise<AuditEvent> {
	const [head] = await tx
		.select({ count: charter.auditCount, hash: charter.auditHead })
		.from(charter)
		.where(eq(charter.workshopId, workshopId))
		.for('update');
	if (!head) throw new Error(`no charter for workshop ${workshopId}`);
	const appended = nextEvent(head.count > 0 ? { seq: head.count, hash: head.hash! } : undefined, {
		kind: event.kind,
		at: new Date().toISOString(),
		actor: event.actor,
		versionId: event.versionId ?? null,
		data: normalise(event.data ?? {}) as JsonObject
	});
	await tx.insert(charterEvent).values({ workshopId, ...appended });
	await tx
		.update(charter)
		.set({ auditCount: appended.seq, auditHead: appended.hash })
		.where(eq(charter.workshopId, workshopId));
	return appended;
}

/**
 * A facilitator intervention that bears on the charter (a re-vote, a reopened agreement), for
 * the trail leaders read. Other modules call this; it creates the charter row if needed.
 */
export async function recordIntervention(
	workshopId: string,
	actor: string,
	data: JsonObject
): Promise<void> {
	await draft(workshopId);
	await db().transaction((tx) =>
		appendEvent(tx, workshopId, { kind: 'intervention', actor, data }).then(() => undefined)
	);
}

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
		throw new CharterRuleError(
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
			throw new CharterRuleError(
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
	const rows = await db()
		.select()
		.from(charterVersion)
		.where(eq(charterVersion.workshopId, workshopId))
		.orderBy(asc(charterVersion.number));
	return rows.map(readable);
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

export async function events(workshopId: string): Promise<AuditEvent[]> {
	const rows = await db()
		.select()
		.from(charterEvent)
		.where(eq(charterEvent.workshopId, workshopId))
		.orderBy(asc(charterEvent.seq));
	return rows.map(({ workshopId: _w, ...e }) => ({ ...e, kind: e.kind as AuditEventKind }));
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

export interface Verification {
	version: Version;
	/** SHA-256 of the canonical JSON of the content as stored now. */
	recomputedHash: string;
	/** The stored content still hashes to the hash recorded at publishing. */
	isContentIntact: boolean;
	/** The hash the publishing event recorded in the chain. */
	publishedHash: string | null;
	signatures: (SignatureLine & { matchesContent: boolean })[];
	chain: ChainCheck;
	events: AuditEvent[];
	latest: Version | undefined;
}

/** Recomputes everything from what is stored: content hash, signatures' hashes, the chain. */
export async function verify(versionId: string): Promise<Verification | undefined> {
	const found = await version(versionId);
	if (!found) return undefined;
	let recomputedHash: string;
	try {
		recomputedHash = contentHash(found.content);
	} catch {
		recomputedHash = 'unreadable';
	}
	const trail = await events(found.workshopId);
	const [head] = await db()
		.select({ count: charter.auditCount, hash: charter.auditHead })
		.from(charter)
		.where(eq(charter.workshopId, found.workshopId));
	const published = trail.find((e) => e.kind === 'published' && e.versionId === found.id);
	const publishedHash = typeof published?.data.hash === 'string' ? published.data.hash : null;
	const lines = await signatures(found.id);
	const all = await versions(found.workshopId);
	return {
		version: found,
		recomputedHash,
		isContentIntact:
			recomputedHash === found.hash && (publishedHash === null || publishedHash === recomputedHash),
		publishedHash,
		signatures: lines.map((l) => ({ ...l, matchesContent: l.hashShown === recomputedHash })),
		chain: verifyChain(trail, head ? { count: head.count, hash: head.hash } : undefined),
		events: trail,
		latest: all.at(-1)
	};
}

export interface FollowUpLine {
	measureId: string;
	name: string;
	owner: string;
	baseline: string;
	target: string;
	status: MeasureStatus;
}

/**
 * The measures of the latest signed version with their recorded values. Null before any
 * version has been signed by every invited leader: follow-up starts after signing.
 */
export async function followUp(
	workshopId: string
): Promise<{ version: Version; measures: FollowUpLine[]; nextReview: string | null } | null> {
	const signed = await latestSigned(workshopId);
	if (!signed) return null;
	const values = await db()
		.select()
		.from(charterMeasureValue)
		.where(eq(charterMeasureValue.workshopId, workshopId));
	const str = (v: unknown) => (typeof v === 'string' ? v : '');
	return {
		version: signed,
		nextReview: nextReviewDate(signed.content),
		measures: measuresOf(signed.content).map((m) => {
			const written = { baseline: str(m.data.baseline), target: str(m.data.target) };
			return {
				measureId: m.id,
				name: m.text,
				owner: str(m.data.owner),
				...written,
				status: measureStatus(
					written,
					values
						.filter((v) => v.measureId === m.id)
						.map((v) => ({ period: v.period, value: v.value }))
				)
			};
		})
	};
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

export async function recordMeasure(
	workshopId: string,
	actor: string,
	input: { measureId: string; period: string; value: number; recordedBy: string }
): Promise<void> {
	const signed = await latestSigned(workshopId);
	if (!signed) {
		throw new CharterRuleError(
			'Measures are followed up once the charter is signed: no version is signed yet.',
			409
		);
	}
	if (!measuresOf(signed.content).some((m) => m.id === input.measureId)) {
		throw new CharterRuleError('The signed charter has no such measure.', 404);
	}
	await db().transaction(async (tx) => {
		await tx
			.insert(charterMeasureValue)
			.values({ workshopId, ...input })
			.onConflictDoUpdate({
				target: [
					charterMeasureValue.workshopId,
					charterMeasureValue.measureId,
					charterMeasureValue.period
				],
				set: { value: input.value, recordedBy: input.recordedBy, updatedAt: new Date() }
			});
		await appendEvent(tx, workshopId, {
			kind: 'measure-recorded',
			actor,
			versionId: signed.id,
			data: { ...input }
		});
	});
}
