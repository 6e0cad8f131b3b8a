/**
 * The audit trail of a charter as a hash chain: each event carries the hash of the one before
 * it, and its own hash covers its content and that link. Editing an event changes its hash
 * (so it no longer matches what it stored and what the next event points to); removing one
 * breaks the sequence and the link; removing the latest ones is caught by the head (count and
 * hash) the charter row keeps.
 */
import { contentHash, type JsonObject } from './canon';

export const AUDIT_EVENT_KINDS = [
	'published',
	'superseded',
	'commented',
	'approved',
	'changes-requested',
	'signed',
	'leader-invited',
	'leader-revoked',
	'leader-reminded',
	'measure-recorded',
	'intervention'
] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEventBody {
	seq: number;
	kind: AuditEventKind;
	/** ISO 8601 with milliseconds, UTC. */
	at: string;
	/** Who did it, in words ("Facilitator Fay Fox", "Dana Diaz, CMO"). */
	actor: string;
	versionId: string | null;
	data: JsonObject;
	prevHash: string;
}

export interface AuditEvent extends AuditEventBody {
	hash: string;
}

export function eventHash(body: AuditEventBody): string {
	const { seq, kind, at, actor, versionId, data, prevHash } = body;
	return contentHash({ seq, kind, at, actor, versionId, data, prevHash });
}

/** The next event of a chain whose last event is `last` (undefined for the first). */
export function nextEvent(
	last: Pick<AuditEvent, 'seq' | 'hash'> | undefined,
	event: Omit<AuditEventBody, 'seq' | 'prevHash'>
): AuditEvent {
	const body: AuditEventBody = {
		...event,
		seq: last ? last.seq + 1 : 1,
		prevHash: last ? last.hash : GENESIS_HASH
	};
	return { ...body, hash: eventHash(body) };
}

export interface ChainCheck {
	isIntact: boolean;
	/** One sentence per problem, in order, for the verification page. */
	problems: string[];
}

/**
 * Checks a chain read back from storage (in `seq` order), against the head the charter
 * recorded when it last appended (count and last hash), when there is one.
 */
export function verifyChain(
	events: readonly AuditEvent[],
	head?: { count: number; hash: string | null }
): ChainCheck {
	const problems: string[] = [];
	let previous: AuditEvent | undefined;
	for (const event of events) {
		const expectedSeq = previous ? previous.seq + 1 : 1;
		if (event.seq !== expectedSeq) {
			problems.push(
				event.seq > expectedSeq
					? `Event ${expectedSeq}${event.seq - expectedSeq > 1 ? `–${event.seq - 1}` : ''} is missing from the trail.`
					: `Event ${event.seq} appears out of order.`
			);
		}
		if (eventHash(event) !== event.hash) {
			problems.push(`Event ${event.seq} (${event.kind}) was altered after it was recorded.`);
		}
		const expectedPrev = previous ? previous.hash : GENESIS_HASH;
		if (event.prevHash !== expectedPrev && event.seq === expectedSeq) {
			problems.push(`Event ${event.seq} does not follow the event recorded before it.`);
		}
		previous = event;
	}
	if (head) {
		if (head.count !== events.length) {
			problems.push(
				head.count > events.length
					? `${head.count - events.length} event(s) were removed from the trail.`
					: `${events.length - head.count} event(s) were added to the trail outside the application.`
			);
		} else if ((previous?.hash ?? null) !== head.hash && head.count > 0) {
			problems.push('The latest event is not the one the charter recorded last.');
		}
	}
	return { isIntact: problems.length === 0, problems };
}
