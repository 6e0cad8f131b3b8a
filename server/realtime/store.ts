/**
 * Durability of loaded documents: accepted updates are batched and appended to the log
 * within one short tick (≤ 100 ms from receipt), compacted into a snapshot every K entries,
 * and updates written by other instances are caught up from the log.
 *
 * Invariant per document: the in-memory Y.Doc contains every logged entry up to
 * `appliedSeq`. Our own appends keep it only when they are contiguous; anything else (another
 * instance wrote in between) triggers a catch-up read, which is idempotent because applying a
 * Yjs update twice changes nothing.
 */
import * as Y from 'yjs';
import type { Database } from '../../src/lib/server/db';
import { describeDatabaseError } from '../../src/lib/server/db/availability';
import { appendBatch, compact, createIfAbsent, readAfter, type StoredRow } from './persistence';
import { moduleLogger } from '../../src/lib/server/logger';
import { metrics } from '../../src/lib/server/metrics';

const log = moduleLogger('realtime');

/** Transaction origin of updates read from the database: relayed, never written back. */
export const FROM_DATABASE = Symbol('from-database');

export interface StoreSettings {
	/** How long the first update of a batch waits for others (the tick). */
	batchMs: number;
	/** Log entries appended by this instance between two snapshots of a document. */
	compactEvery: number;
}

/** Persistence state of one loaded document. */
export class PersistState {
	appliedSeq = 0;
	pending: Uint8Array[] = [];
	/** When each pending update arrived (`performance.now()`), for the persistence lag. */
	pendingSince: number[] = [];
	/** Updates handed to the store, and how many of them are committed. */
	enqueued = 0;
	committed = 0;
	sinceCompaction = 0;
	waiters: Array<{ target: number; resolve: () => void }> = [];
	catchingUp: Promise<void> | null = null;
	catchUpAgain = false;
	compacting: Promise<void> | null = null;
	/** Runs before each catch-up (a board catches up its room first; see documents.ts). */
	beforeCatchUp: (() => Promise<void>) | null = null;
	/** The document was deleted: nothing of it may be written again. */
	isDiscarded = false;

	constructor(
		readonly name: string,
		readonly doc: Y.Doc
	) {}
}

export class DocumentStore {
	private dirty = new Set<PersistState>();
	private timer: ReturnType<typeof setTimeout> | null = null;
	private flushing: Promise<void> | null = null;
	private failures = 0;

	constructor(
		private readonly database: Database,
		private readonly settings: StoreSettings,
		private readonly notify: { instanceId: string } | null
	) {}

	/** Loads snapshot + tail; a document absent from the database gets `initial` first. */
	async load(state: PersistState, initial: Uint8Array | null): Promise<void> {
		if (initial) await createIfAbsent(this.database.db, state.name, initial);
		this.apply(state, await readAfter(this.database.db, state.name, 0));
	}

	enqueue(state: PersistState, update: Uint8Array): void {
		if (state.isDiscarded) return;
		state.pending.push(update);
		state.pendingSince.push(performance.now());
		state.enqueued++;
		this.dirty.add(state);
		this.schedule();
	}

	/** Resolves once every update enqueued so far for this document is committed. */
	whenPersisted(state: PersistState): Promise<void> {
		if (state.committed >= state.enqueued) return Promise.resolve();
		return new Promise((resolve) => state.waiters.push({ target: state.enqueued, resolve }));
	}

	isPersisted(state: PersistState): boolean {
		return state.committed >= state.enqueued;
	}

	/**
	 * Forgets a deleted document's unwritten updates, and waits until nothing of it is being
	 * written any more (a batch or a snapshot already on its way), so deleting its rows after
	 * this cannot be undone by a late write.
	 */
	async discard(state: PersistState): Promise<void> {
		state.isDiscarded = true;
		state.pending = [];
		state.pendingSince = [];
		state.committed = state.enqueued;
		this.dirty.delete(state);
		for (const waiter of state.waiters.splice(0)) waiter.resolve();
		await this.flushing;
		await state.compacting;
	}

	/** Writes everything pending now (shutdown); gives up after `timeoutMs` of failures. */
	async flushAll(timeoutMs = 10_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.dirty.size > 0 || this.flushing) {
			if (this.timer) {
				clearTimeout(this.timer);
				this.timer = null;
			}
			if (this.flushing) await this.flushing;
			else await this.flush();
			if (Date.now() > deadline && this.dirty.size > 0) {
				const lost = [...this.dirty].reduce((n, s) => n + s.pending.length, 0);
				log.error(`could not persist ${lost} updates before shutdown`);
				return;
			}
		}
	}

	private schedule(delay = this.settings.batchMs): void {
		if (this.timer || this.flushing) return;
		this.timer = setTimeout(() => {
			this.timer = null;
			void this.flush();
		}, delay);
	}

	private flush(): Promise<void> {
		if (this.flushing) return this.flushing;
		const batch = [...this.dirty].map((state) => ({
			state,
			updates: state.pending.splice(0),
			since: state.pendingSince.splice(0)
		}));
		this.dirty.clear();
		if (batch.length === 0) return Promise.resolve();
		this.flushing = (async () => {
			let seqs: number[];
			try {
				seqs = await appendBatch(
					this.database.db,
					batch.map(({ state, updates }) => ({
						name: state.name,
						update: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)
					})),
					this.notify
				);
			} catch (error) {
				// Nothing was written: the updates go back to the front of their queues.
				for (const { state, updates, since } of batch) {
					state.pending.unshift(...updates);
					state.pendingSince.unshift(...since);
					this.dirty.add(state);
				}
				this.failures++;
				// One line per failure, never the statement: it holds every update of the batch.
				log.error(
					`persisting updates failed (attempt ${this.failures}), retrying: ${describeDatabaseError(error)}`
				);
				return;
			}
			this.failures = 0;
			const now = performance.now();
			for (const { since } of batch) {
				for (const at of since) metrics().realtimePersistLagSeconds.observe((now - at) / 1000);
			}
			batch.forEach(({ state, updates }, index) => {
				this.committed(state, updates.length, seqs[index]!);
			});
		})().finally(() => {
			this.flushing = null;
			if (this.dirty.size > 0) {
				this.schedule(this.failures ? Math.min(100 * 2 ** this.failures, 5_000) : 0);
			}
		});
		return this.flushing;
	}

	private committed(state: PersistState, count: number, seq: number): void {
		state.committed += count;
		state.waiters = state.waiters.filter((waiter) => {
			if (waiter.target > state.committed) return true;
			waiter.resolve();
			return false;
		});
		if (seq === state.appliedSeq + 1) state.appliedSeq = seq;
		else if (seq > state.appliedSeq) void this.catchUp(state);
		if (++state.sinceCompaction >= this.settings.compactEvery) void this.compact(state);
	}

	/** Applies what other instances appended since `appliedSeq`. Coalesces concurrent calls. */
	catchUp(state: PersistState): Promise<void> {
		if (state.isDiscarded) return Promise.resolve();
		if (state.catchingUp) {
			state.catchUpAgain = true;
			return state.catchingUp;
		}
		state.catchingUp = (async () => {
			do {
				state.catchUpAgain = false;
				if (state.beforeCatchUp) await state.beforeCatchUp();
				this.apply(state, await readAfter(this.database.db, state.name, state.appliedSeq));
			} while (state.catchUpAgain);
		})()
			.catch((error) =>
				log.error(`catching up ${state.name} failed: ${describeDatabaseError(error)}`)
			)
			.finally(() => {
				state.catchingUp = null;
			});
		return state.catchingUp;
	}

	/** Replaces the document's log with a snapshot of its state. */
	compact(state: PersistState): Promise<void> {
		if (state.isDiscarded) return Promise.resolve();
		if (state.compacting) return state.compacting;
		const counted = state.sinceCompaction;
		state.compacting = (async () => {
			const seq = await compact(this.database.db, state.name, state.appliedSeq, (unseen) => {
				this.apply(state, unseen);
				return { seq: state.appliedSeq, state: Y.encodeStateAsUpdate(state.doc) };
			});
			state.appliedSeq = Math.max(state.appliedSeq, seq);
			state.sinceCompaction = Math.max(0, state.sinceCompaction - counted);
		})()
			.catch((error) =>
				log.error(`compacting ${state.name} failed: ${describeDatabaseError(error)}`)
			)
			.finally(() => {
				state.compacting = null;
			});
		return state.compacting;
	}

	private apply(state: PersistState, rows: StoredRow[]): void {
		if (rows.length === 0) return;
		Y.transact(
			state.doc,
			() => {
				for (const row of rows) {
					try {
						Y.applyUpdate(state.doc, row.data, FROM_DATABASE);
					} catch (error) {
						// A damaged entry must not keep the rest of the document from loading.
						log.error({ err: error }, `skipped unreadable entry ${row.seq} of ${state.name}`);
					}
				}
			},
			FROM_DATABASE
		);
		state.appliedSeq = Math.max(state.appliedSeq, rows[rows.length - 1]!.seq);
	}
}
