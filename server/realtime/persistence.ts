/**
 * The document store in the database: an append log of updates (`yjs_update`) and one
 * compacted snapshot per document (`yjs_snapshot`). These functions only move bytes; the
 * batching, ordering and catch-up rules live in store.ts.
 *
 * Sequence numbers are gap-free per document and commit in order (see `appendBatch`):
 * whoever sees sequence n committed can rely on every smaller sequence being committed too
 * (in the log or in the snapshot). That is what lets another instance catch up with
 * "everything after the last one I applied". Creating and compacting a document take a
 * transaction-scoped advisory lock on it.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../src/lib/server/db';
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

/** Postgres' unique_violation: another instance took the sequence number first. */
const UNIQUE_VIOLATION = '23505';

/**
 * Appends one entry per document and returns their sequence numbers, in one statement (one
 * round trip, committed on its own): this runs for every batch, next to the fan-out.
 *
 * Each entry takes the document's next sequence number. Two instances appending to one
 * document at once cannot both get it: the second waits on the first's index entry and then
 * fails with a unique violation, and the batch is retried with fresh numbers. So a committed
 * sequence n always means every smaller one was committed before it. With `notify`, a pointer
 * per entry is sent to the other instances when the statement commits.
 */
export async function appendBatch(
	db: Db,
	entries: Append[],
	notify: { instanceId: string } | null
): Promise<number[]> {
	// The same order on every instance, so two batches never wait on each other in a cycle.
	const ordered = entries
		.map((entry, index) => ({ ...entry, index }))
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	const values = sql.join(
		ordered.map((e, position) => sql`(${e.name}::text, ${e.update}::bytea, ${position}::int)`),
		sql`, `
	);
	const pointer = notify
		? sql`, pg_notify(${NOTIFY_CHANNEL}, ${notify.instanceId + ' '}::text || seq || ' ' || doc_name)`
		: sql``;
	for (let attempt = 1; ; attempt++) {
		try {
			const result = await db.execute(sql`
				with batch (doc_name, data, position) as (values ${values}),
				appended as (
					insert into yjs_update (doc_name, seq, data)
					select b.doc_name,
						greatest(
							(select coalesce(max(u.seq), 0) from yjs_update u where u.doc_name = b.doc_name),
							(select coalesce(max(s.seq), 0) from yjs_snapshot s where s.doc_name = b.doc_name)
						) + 1,
						b.data
					from batch b
					order by b.position
					returning doc_name, seq
				)
				select doc_name, seq::float8 as seq ${pointer} from appended`);
			const seqByName = new Map(
				rowsOf<{ doc_name: string; seq: number | string }>(result).map((row) => [
					row.doc_name,
					Number(row.seq)
				])
			);
			return entries.map((entry) => {
				const seq = seqByName.get(entry.name);
				if (seq === undefined) throw new Error(`No sequence number came back for ${entry.name}`);
				return seq;
			});
		} catch (error) {
			if (attempt < 20 && codeOf(error) === UNIQUE_VIOLATION) continue;
			throw error;
		}
	}
}

function codeOf(error: unknown): string | undefined {
	const e = error as { code?: string; cause?: unknown };
	return e?.code ?? (e?.cause ? codeOf(e.cause) : undefined);
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
				set: { seq, data: state, updatedAt: sql`now()` },
				// Compactions are serialised by the lock; this keeps it true if one ever is not.
				setWhere: sql`${yjsSnapshot.seq} < excluded.seq`
			});
		await tx.execute(sql`delete from yjs_update where doc_name = ${name} and seq <= ${seq}`);
		return seq;
	});
}

/**
 * Deletes every document whose name starts with `prefix` (a deleted workshop's). Names are
 * built from ids without LIKE wildcards, so the prefix is matched literally.
 */
export async function deleteDocuments(db: Db, prefix: string): Promise<void> {
	if (!/^[a-z0-9/]+$/.test(prefix)) throw new Error(`Not a document name prefix: ${prefix}`);
	await db.transaction(async (tx) => {
		await tx.execute(sql`delete from yjs_update where doc_name like ${prefix + '%'}`);
		await tx.execute(sql`delete from yjs_snapshot where doc_name like ${prefix + '%'}`);
	});
}

/** The names of the stored documents whose names start with `prefix`. */
export async function storedNames(db: Db, prefix: string): Promise<string[]> {
	if (!/^[a-z0-9/]+$/.test(prefix)) throw new Error(`Not a document name prefix: ${prefix}`);
	const result = await db.execute(sql`
		select doc_name from yjs_snapshot where doc_name like ${prefix + '%'}
		union
		select doc_name from yjs_update where doc_name like ${prefix + '%'}`);
	return rowsOf<{ doc_name: string }>(result).map((row) => row.doc_name);
}
