/** Verification of a stored version: its content hash, its signatures' hashes and the chain. */
import { eq } from 'drizzle-orm';
import { contentHash } from '../../domain/charter/canon';
import { verifyChain, type AuditEvent, type ChainCheck } from '../../domain/charter/audit';
import { db } from '../db';
import { charter } from '../db/schema';
import { events } from './audit';
import type { Version } from './rules';
import { signatures, version, versions, type SignatureLine } from './versions';

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
