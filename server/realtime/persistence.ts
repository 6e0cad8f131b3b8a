/**
 * The document store in the database: an append log of updates (`yjs_update`) and one
 * compacted snapshot per document (`yjs_snapshot`). These functions only move bytes; the
 * batching, ordering and catch-up rules live in store.ts.
 *
 * Writers of one document are serialised by a transaction-scoped advisory lock, so sequence
 * numbers are gap-free per document and commit in order: whoever sees sequence n committed
 * can rely on every smaller sequence being committed too (in the log or in the snapshot).
 * That is what lets another instance catch up with "everything after the last one I applied".
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db';
import { yjsSnapshot, yjsUpdate } from '../../src/lib/server/db/schema';

/** The channel other instances LISTEN on; payloads are pointers, never update bytes. */
export const NOTIFY_CHANNEL = 'cg_yjs_update';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Executor = Db | Tx;

export interface StoredRow {
	seq: number;
	data: Uint8Array;
	isSnapshot: boolean;
}

/** postgres.js answers with an array of rows, PGlite with `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}

function lockDocument(tx: Executor, name: string) {
	return tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'yjs:' + name}, 0))`);
}

/**
 * The snapshot (if newer than `afterSeq`) followed by the log entries after `afterSeq`, read
 * in one statement so a compaction committing in between cannot make entries disappear.
 */
export async function readAfter(
	db: Executor,
	name: string,
	afterSeq: number
): Promise<StoredRow[]> {
	const result = await db.execute(sql`
		select seq::float8 as seq, data, true as is_snapshot from yjs_snapshot
			where doc_name = ${name} and seq > ${afterSeq}
		union all
		select seq::float8 as seq, data, false as is_snapshot from yjs_update
			where doc_name = ${name} and seq > ${afterSeq}
		order by is_snapshot desc, seq asc`);
	return rowsOf<{ seq: number | string; data: Uint8Array; is_snapshot: boolean }>(result).map(
		(row) => ({
			seq: Number(row.seq),
			data: toBytes(row.data),
			isSnapshot: row.is_snapshot
		})
	);
}

function toBytes(value: unknown): Uint8Array {
	if (value instanceof Uint8Array) return value;
	// A driver configured to return bytea as hex text (\x…) still works.
	if (typeof value === 'string' && value.startsWith('\\x')) {
		return new Uint8Array(Buffer.from(value.slice(2), 'hex'));
	}
	throw new Error('Unexpected bytea value from the database driver');
}

/**
 * Stores a document's initial content as its first update, unless the document already
 * exists. Decided under the document's lock, so two instances never both create it.
 */
export async function createIfAbsent(db: Db, name: string, initial: Uint8Array): Promise<boolean> {
	return db.transaction(async (tx) => {
		await lockDocument(tx, name);
		const existing = await tx.execute(sql`
			select 1 from yjs_snapshot where doc_name = ${name}
			union all
			select 1 from yjs_update where doc_name = ${name}
			limit 1`);
		if (rowsOf(existing).length > 0) return false;
		await tx.insert(yjsUpdate).values({ docName: name, seq: 1, data: initial });
		return true;
	});
}

export interface Append {
	name: string;
	update: Uint8Array;
}

/**
 * Appends one entry per document in a single transaction and returns their sequence numbers.
 * Locks are taken in name order so two instances flushing the same documents cannot deadlock.
 * With `notify`, a pointer per entry is sent to other instances when the transaction commits.
 */
export async function appendBatch(
	db: Db,
	entries: Append[],
	notify: { instanceId: string } | null
): Promise<number[]> {
	const order = entries
		.map((_, index) => index)
		.sort((a, b) => {
			const x = entries[a]!.name;
			const y = entries[b]!.name;
			return x < y ? -1 : x > y ? 1 : 0;
		});
	const seqs = new Array<number>(entries.length);
	await db.transaction(async (tx) => {
		for (const index of order) {
			const { name, update } = entries[index]!;
			await lockDocument(tx, name);
			const [row] = await tx
				.insert(yjsUpdate)
				.values({
					docName: name,
					seq: sql`(select greatest(
						(select coalesce(max(seq), 0) from yjs_update where doc_name = ${name}),
						(select coalesce(max(seq), 0) from yjs_snapshot where doc_name = ${name})
					) + 1)`,
					data: update
				})
				.returning({ seq: yjsUpdate.seq });
			seqs[index] = Number(row!.seq);
			if (notify) {
				await tx.execute(
					sql`select pg_notify(${NOTIFY_CHANNEL}, ${`${notify.instanceId} ${seqs[index]} ${name}`})`
				);
			}
		}
	});
	return seqs;
}

/**
 * Replaces the log up to the newest entry with a snapshot. `build` is called under the
 * document's lock with the entries the caller has not applied yet and returns the full state
 * that covers them; everything up to that sequence is then deleted from the log.
 */
export async function compact(
	db: Db,
	name: string,
	appliedSeq: number,
	build: (unseen: StoredRow[]) => { seq: number; state: Uint8Array }
): Promise<number> {
	return db.transaction(async (tx) => {
		await lockDocument(tx, name);
		const unseen = await readAfter(tx, name, appliedSeq);
		const { seq, state } = build(unseen);
		await tx
			.insert(yjsSnapshot)
			.values({ docName: name, seq, data: state })
			.onConflictDoUpdate({
				target: yjsSnapshot.docName,
				set: { seq, data: state, updatedAt: sql`now()` }
			});
		await tx.execute(sql`delete from yjs_update where doc_name = ${name} and seq <= ${seq}`);
		return seq;
	});
}
