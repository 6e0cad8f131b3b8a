/**
 * The documents loaded on this instance. A document is loaded on first use (a board loads its
 * room first: the room decides who may write the board), held while anyone uses it, and
 * flushed, compacted and unloaded after it has been idle for a while. A deleted workshop's
 * documents are dropped without writing anything back.
 */
import {
	parseDocName,
	roomDocName,
	workshopDocPrefix,
	type DocAddress
} from '../../src/lib/collab/doc-names';
import type { Database } from '../../src/lib/server/db';
import { describeDatabaseError } from '../../src/lib/server/db/availability';
import { moduleLogger } from '../../src/lib/server/logger';
import { initialRoom, upgradeStored } from './document-upgrade';
import { deleteDocuments, storedNames } from './persistence';
import type { RealtimeSettings } from './settings';
import { SharedDoc } from './shared-doc';
import type { DocumentStore } from './store';

const log = moduleLogger('realtime');

export class StoppingError extends Error {
	override name = 'StoppingError';
	constructor() {
		super('The realtime server is shutting down.');
	}
}

export class LoadedDocuments {
	private docs = new Map<string, SharedDoc>();
	private loading = new Map<string, Promise<void>>();
	private unloading = new Map<string, Promise<void>>();

	constructor(
		private readonly database: Database,
		private readonly store: DocumentStore,
		private readonly settings: RealtimeSettings,
		/** While the server shuts down nothing loads, and nothing waits to be unloaded. */
		private readonly isStopping: () => boolean,
		/** A loaded document changed, from whatever source. */
		private readonly onChange: (shared: SharedDoc) => void
	) {}

	/** The loaded document, held for the caller until `release`. */
	async acquire(name: string): Promise<SharedDoc> {
		const address = parseDocName(name);
		if (!address) throw new Error(`Not a document name: ${name}`);
		for (;;) {
			if (this.isStopping()) throw new StoppingError();
			const unloading = this.unloading.get(name);
			if (unloading) {
				await unloading;
				continue;
			}
			const loaded = this.docs.get(name);
			if (loaded) {
				this.hold(loaded);
				return loaded;
			}
			let loading = this.loading.get(name);
			if (!loading) {
				loading = this.load(name, address).finally(() => this.loading.delete(name));
				this.loading.set(name, loading);
			}
			await loading;
		}
	}

	hold(shared: SharedDoc): void {
		shared.refs++;
		if (shared.idleTimer) {
			clearTimeout(shared.idleTimer);
			shared.idleTimer = null;
		}
	}

	release(shared: SharedDoc): void {
		shared.refs--;
		if (shared.refs <= 0 && shared.persist.isDiscarded) return this.unload(shared);
		if (shared.refs > 0 || this.isStopping() || shared.idleTimer) return;
		shared.idleTimer = setTimeout(() => this.unload(shared), this.settings.idleUnloadMs);
		shared.idleTimer.unref();
	}

	/** The document if it is loaded here, without holding it. */
	get(name: string): SharedDoc | undefined {
		return this.docs.get(name);
	}

	isLoaded(name: string): boolean {
		return this.docs.has(name);
	}

	/** How many documents are in memory. */
	get size(): number {
		return this.docs.size;
	}

	/** Another instance appended entry `seq` to a document. */
	pointer(name: string, seq: number): void {
		const shared = this.docs.get(name);
		if (shared && seq > shared.persist.appliedSeq) void this.store.catchUp(shared.persist);
	}

	/** Notifications may have been missed (the listener reconnected): read every tail. */
	resync(): void {
		for (const shared of this.docs.values()) void this.store.catchUp(shared.persist);
	}

	private async load(name: string, address: DocAddress): Promise<void> {
		const shared = new SharedDoc(name, address, this.store, this.settings.presence, (changed) =>
			this.onChange(changed)
		);
		try {
			if (address.kind !== 'room') {
				const room = await this.acquire(roomDocName(address.workshopId));
				shared.room = room;
				room.boards.add(shared);
				// A board's rules come from its room: a room change that allowed or forbade
				// writing must be applied here before the board content written after it.
				shared.persist.beforeCatchUp = () => this.store.catchUp(room.persist);
			}
			await this.store.load(shared.persist, address.kind === 'room' ? initialRoom() : null);
			await upgradeStored(shared, address);
		} catch (error) {
			this.detachFromRoom(shared);
			shared.destroy();
			throw error;
		}
		this.docs.set(name, shared);
	}

	/** The names of a workshop's documents loaded on this instance. */
	loaded(workshopId: string): string[] {
		const prefix = workshopDocPrefix(workshopId);
		return [...this.docs.keys()].filter((name) => name.startsWith(prefix));
	}

	/** The names of a workshop's documents that hold anything: stored, or loaded here. */
	async existing(workshopId: string): Promise<string[]> {
		const stored = await storedNames(this.database.db, workshopDocPrefix(workshopId));
		return [...new Set([...stored, ...this.loaded(workshopId)])];
	}

	private unload(shared: SharedDoc): void {
		shared.idleTimer = null;
		if (shared.refs > 0) return;
		if (shared.persist.isDiscarded) {
			// A deleted document is let go without writing anything back.
			if (this.docs.get(shared.name) === shared) this.docs.delete(shared.name);
			this.finish(shared);
			return;
		}
		if (this.docs.get(shared.name) !== shared) return;
		this.docs.delete(shared.name);
		const done = (async () => {
			await shared.persist.catchingUp;
			await shared.whenPersisted();
			if (shared.persist.sinceCompaction > 0) await this.store.compact(shared.persist);
		})()
			.catch((error) =>
				log.error(`unloading ${shared.name} failed: ${describeDatabaseError(error)}`)
			)
			.finally(() => {
				this.finish(shared);
				this.unloading.delete(shared.name);
				log.info(`unloaded ${shared.name} (${this.docs.size} loaded)`);
			});
		this.unloading.set(shared.name, done);
	}

	private finish(shared: SharedDoc): void {
		shared.destroy();
		this.detachFromRoom(shared);
	}

	/**
	 * Deletes every document of a workshop: what is loaded is marked discarded, `closeSockets`
	 * closes its connections, the documents are dropped without being written back, and then
	 * their rows are deleted.
	 */
	async deleteWorkshop(workshopId: string, closeSockets: () => void): Promise<void> {
		const prefix = workshopDocPrefix(workshopId);
		const doomed = [...this.docs.values()].filter((shared) => shared.name.startsWith(prefix));
		const writes = doomed.map((shared) => this.store.discard(shared.persist));
		closeSockets();
		for (const shared of doomed) {
			if (this.docs.get(shared.name) === shared) this.docs.delete(shared.name);
			if (shared.refs <= 0) this.unload(shared);
		}
		await Promise.all(writes);
		await Promise.all(
			[...this.unloading].filter(([name]) => name.startsWith(prefix)).map(([, done]) => done)
		);
		await deleteDocuments(this.database.db, prefix);
	}

	private detachFromRoom(shared: SharedDoc): void {
		if (!shared.room) return;
		shared.room.boards.delete(shared);
		this.release(shared.room);
		shared.room = null;
	}

	/** At shutdown, once everything is committed: snapshots for what changed, then let go. */
	async closeAll(): Promise<void> {
		for (const shared of this.docs.values()) {
			if (shared.idleTimer) clearTimeout(shared.idleTimer);
			if (shared.persist.sinceCompaction > 0) await this.store.compact(shared.persist);
		}
		for (const shared of this.docs.values()) shared.destroy();
		this.docs.clear();
	}
}
