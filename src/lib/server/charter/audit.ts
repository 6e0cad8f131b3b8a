/**
 * The audit trail of a workshop's charter: a hash chain of events, each appended in the same
 * transaction as the change it records.
 */
import { eq } from 'drizzle-orm';
import { type JsonObject, normalise } from '../../domain/charter/canon';
import { nextEvent, type AuditEvent, type AuditEventKind } from '../../domain/charter/audit';
import { db } from '../db';
import { charter, charterEvent } from '../db/schema';
import { draft } from './draft';
import type { Tx } from './rules';
import { ofWorkshop } from '../db/rows';

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

export async function events(workshopId: string): Promise<AuditEvent[]> {
	const rows = await ofWorkshop(charterEvent, workshopId, charterEvent.seq);
	return rows.map(({ workshopId: _w, ...e }) => ({ ...e, kind: e.kind as AuditEventKind }));
}
