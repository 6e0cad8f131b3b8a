/**
 * The registry of loaded documents and their connections, and the server-side API that
 * src/lib/server/rooms.ts reaches through `globalThis`.
 *
 * A document is loaded on first use (a board loads its room first: the room decides who may
 * write the board), held while anyone uses it, and flushed, compacted and unloaded after it
 * has been idle for a while. Whenever a room document changes, from whatever source, the
 * access of every connection to that workshop's boards is decided again, so a lock takes
 * effect on live sockets at once.
 */
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import { accessTo, type Access } from '../../src/lib/collab/access';
import {
	parseDocName,
	roomDocName,
	workshopDocPrefix,
	type DocAddress
} from '../../src/lib/collab/doc-names';
import {
	WHO_IS_HERE,
	type PresentParticipant,
	type WhoIsHere
} from '../../src/lib/collab/presence';
import { BOARD_SCHEMA } from '../../src/lib/collab/board';
import {
	DocumentTooNewError,
	isEmptyDocument,
	migrate,
	migrationPlan,
	stampVersion
} from '../../src/lib/collab/migrate';
import {
	DEFAULT_STAGE_STATE,
	initRoom,
	readStageState,
	ROOM_SCHEMA
} from '../../src/lib/collab/room';
import { addMissingSlots, missingSlots } from '../../src/lib/collab/team-slots';
import { can } from '../../src/lib/domain/permissions';
import type { Database } from '../../src/lib/server/db';
import { describeDatabaseError } from '../../src/lib/server/db/availability';
import type { RealtimeHub } from '../../src/lib/server/rooms';
import * as workshops from '../../src/lib/server/workshops';
import type { Membership } from './auth';
import { CLOSE } from './close-codes';
import { Connection } from './connection';
import type { RealtimeSettings } from './settings';
import { FROM_SERVER, SharedDoc } from './shared-doc';
import { deleteDocuments, storedNames } from './persistence';
import { liveSessions } from './session-check';
import { DocumentStore } from './store';
import { moduleLogger } from '../../src/lib/server/logger';
import { metrics } from '../../src/lib/server/metrics';

const log = moduleLogger('realtime');

export class StoppingError extends Error {
	override name = 'StoppingError';
	constructor() {
		super('The realtime server is shutting down.');
	}
}

const ACCESS_RANK: Record<Access, number> = { none: 0, read: 1, write: 2 };

export class Hub implements RealtimeHub {
	readonly store: DocumentStore;
	readonly connections = new Set<Connection>();
	private docs = new Map<string, SharedDoc>();
	private loading = new Map<string, Promise<void>>();
	private unloading = new Map<string, Promise<void>>();
	private pingTimer: ReturnType<typeof setInterval>;
	private sessionTimer: ReturnType<typeof setInterval>;
	private draining: Promise<void> | null = null;
	isStopping = false;

	constructor(
		private readonly database: Database,
		readonly settings: RealtimeSettings,
		notify: { instanceId: string } | null
	) {
		this.store = new DocumentStore(database, settings, notify);
		this.pingTimer = setInterval(() => this.ping(), settings.pingIntervalMs);
		this.pingTimer.unref();
		this.sessionTimer = setInterval(() => void this.checkSessions(), settings.sessionCheckMs);
		this.sessionTimer.unref();
		metrics().realtimeSource = {
			connections: () => this.connections.size,
			documents: () => this.docs.size
		};
	}

	// ── documents ────────────────────────────────────────────────────────────────────────

	/** The loaded document, held for the caller until `release`. */
	async acquire(name: string): Promise<SharedDoc> {
		const address = parseDocName(name);
		if (!address) throw new Error(`Not a document name: ${name}`);
		for (;;) {
			if (this.isStopping) throw new StoppingError();
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
		if (shared.refs > 0 || this.isStopping || shared.idleTimer) return;
		shared.idleTimer = setTimeout(() => this.unload(shared), this.settings.idleUnloadMs);
		shared.idleTimer.unref();
	}

	isLoaded(name: string): boolean {
		return this.docs.has(name);
	}

	/** How many documents are in memory (for tests and logs). */
	get loadedCount(): number {
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
			this.changed(changed)
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
			await this.upgradeStored(shared, address);
		} catch (error) {
			this.detachFromRoom(shared);
			shared.destroy();
			throw error;
		}
		this.docs.set(name, shared);
	}

	/**
	 * Brings a stored document to this release's shape before anyone reads it, as one update
	 * committed before the document is handed out (like every server write):
	 * - its migrations, from the version it was stored at (src/lib/collab/migrate.ts; the room's
	 *   and the board's are in room.ts and board.ts);
	 * - a board stored before one of the workshop's teams existed (added by an earlier version,
	 *   or while the board was not loaded anywhere) gets that team's texts
	 *   (src/lib/collab/team-slots.ts).
	 * A document of a newer release than this one is not loaded at all (DocumentTooNewError),
	 * so this server writes nothing into it.
	 */
	private async upgradeStored(shared: SharedDoc, address: DocAddress): Promise<void> {
		const doc = shared.doc;
		const schema = address.kind === 'room' ? ROOM_SCHEMA : BOARD_SCHEMA;
		const plan = migrationPlan(doc, schema);
		if (plan.status === 'too-new') {
			const error = new DocumentTooNewError(shared.name, plan.version, plan.known);
			log.error(error.message);
			throw error;
		}
		// A board nobody wrote yet has nothing to migrate: the first write records its version.
		const toMigrate = plan.status === 'migrate' && !isEmptyDocument(doc);
		const teamIds =
			address.kind === 'room' ? [] : (await workshops.teams(address.workshopId)).map((t) => t.id);
		const toFit = missingSlots(doc, teamIds) > 0;
		if (!toMigrate && !toFit) return;
		doc.transact(() => {
			if (toMigrate) migrate(doc, schema, shared.name);
			if (toFit) addMissingSlots(doc, teamIds);
		}, FROM_SERVER);
		if (toMigrate && plan.status === 'migrate') {
			log.info(`migrated ${shared.name} from version ${plan.from} to ${plan.to}`);
		}
		await shared.whenPersisted();
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
	 * Deletes every document of a workshop: its sockets are closed (4404), what is loaded is
	 * dropped without being written back, and then its rows are deleted. Other instances are
	 * not told (with routing by workshop there are none holding it; see README).
	 */
	async deleteWorkshop(workshopId: string): Promise<void> {
		const prefix = workshopDocPrefix(workshopId);
		const doomed = [...this.docs.values()].filter((shared) => shared.name.startsWith(prefix));
		const writes = doomed.map((shared) => this.store.discard(shared.persist));
		for (const connection of [...this.connections]) {
			if (connection.shared.name.startsWith(prefix)) {
				connection.close(CLOSE.documentDeleted, 'this workshop was deleted');
			}
		}
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

	// ── access ──────────────────────────────────────────────────────────────────────────

	/** The best access any of the request's memberships gives to a loaded document. */
	accessFor(memberships: Membership[], shared: SharedDoc): Access {
		const address = shared.address;
		const stage =
			address.kind === 'room' || !shared.room
				? DEFAULT_STAGE_STATE
				: readStageState(shared.room.doc, address.stageKey);
		let best: Access = 'none';
		for (const { member } of memberships) {
			const access = accessTo(member, address, stage);
			if (ACCESS_RANK[access] > ACCESS_RANK[best]) best = access;
		}
		return best;
	}

	private changed(shared: SharedDoc): void {
		if (shared.address.kind !== 'room') return;
		for (const board of shared.boards) {
			for (const connection of board.connections) {
				connection.setAccess(this.accessFor(connection.memberships, board));
			}
		}
	}

	// ── connections ─────────────────────────────────────────────────────────────────────

	/** Takes over an upgraded socket; the caller's hold on `shared` passes to the connection. */
	attach(socket: WebSocket, shared: SharedDoc, memberships: Membership[]): void {
		// The room may have changed while the socket was being upgraded: decide again. The
		// membership giving the most access speaks for the connection (who-is-here, logs).
		memberships = [...memberships].sort(
			(a, b) => ACCESS_RANK[this.accessFor([b], shared)] - ACCESS_RANK[this.accessFor([a], shared)]
		);
		const access = this.accessFor(memberships, shared);
		const connection = new Connection(
			socket,
			shared,
			memberships,
			access,
			this.settings,
			(closed) => this.detach(closed)
		);
		if (this.isStopping || access === 'none') {
			connection.close(
				this.isStopping ? CLOSE.serviceRestart : CLOSE.accessRevoked,
				this.isStopping ? 'server restarting' : 'access to this document was withdrawn'
			);
			return;
		}
		shared.connections.add(connection);
		this.connections.add(connection);
		connection.start();
		if (shared.address.kind === 'room') this.updateWhoIsHere(shared);
	}

	private detach(connection: Connection): void {
		const shared = connection.shared;
		const wasAttached = shared.connections.delete(connection);
		this.connections.delete(connection);
		shared.presence.removeOwner(connection);
		if (shared.address.kind === 'room' && wasAttached) this.updateWhoIsHere(shared);
		this.release(shared);
	}

	private ping(): void {
		for (const connection of this.connections) {
			if (!connection.isAlive) {
				connection.socket.terminate();
				continue;
			}
			connection.isAlive = false;
			try {
				connection.socket.ping();
			} catch {
				connection.socket.terminate();
			}
		}
	}

	/**
	 * Connections whose sessions all ended are closed; others keep their live memberships.
	 * A participant whose team is no longer the one their connection was decided for (moved
	 * through another instance) is reconnected (4000), as `disconnect` does on this one: what
	 * they may write on a board is decided from the team (board-guard.ts).
	 */
	private async checkSessions(): Promise<void> {
		const ids = new Set<string>();
		for (const connection of this.connections) {
			for (const membership of connection.memberships) ids.add(membership.sessionId);
		}
		if (ids.size === 0) return;
		let live: Map<string, string | null>;
		try {
			live = await liveSessions([...ids]);
		} catch (error) {
			log.error(`checking sessions failed: ${describeDatabaseError(error)}`);
			return;
		}
		for (const connection of [...this.connections]) {
			// Only sessions that were part of the query are judged: a connection that attached
			// while it ran is not in `live` for that reason alone.
			const kept = connection.memberships.filter(
				(m) => !ids.has(m.sessionId) || live.has(m.sessionId)
			);
			if (kept.length === 0) {
				connection.close(CLOSE.sessionEnded, 'your session has ended');
				continue;
			}
			const isMoved = kept.some(
				(m) =>
					m.participantId !== null &&
					live.has(m.sessionId) &&
					live.get(m.sessionId) !== m.member.teamId
			);
			if (isMoved) {
				connection.close(CLOSE.membershipChanged, 'your team changed');
				continue;
			}
			if (kept.length === connection.memberships.length) continue;
			connection.memberships = kept;
			connection.setAccess(this.accessFor(kept, connection.shared));
		}
	}

	// ── presence ────────────────────────────────────────────────────────────────────────

	private updateWhoIsHere(room: SharedDoc): void {
		room.presence.setServerState(room.doc.clientID, whoIsHereOf(room));
	}

	whoIsHere(workshopId: string): WhoIsHere {
		const room = this.docs.get(roomDocName(workshopId));
		return room ? whoIsHereOf(room) : { kind: WHO_IS_HERE, participants: [], facilitators: 0 };
	}

	disconnect(
		who: { participantId?: string; sessionId?: string },
		why: 'ended' | 'changed' = 'ended'
	): number {
		let closed = 0;
		for (const connection of [...this.connections]) {
			const matches = connection.memberships.some(
				(m) =>
					(who.participantId !== undefined && m.participantId === who.participantId) ||
					(who.sessionId !== undefined && m.sessionId === who.sessionId)
			);
			if (!matches) continue;
			if (why === 'changed') connection.close(CLOSE.membershipChanged, 'your team changed');
			else connection.close(CLOSE.sessionEnded, 'your session has ended');
			closed++;
		}
		return closed;
	}

	// ── server API (src/lib/server/rooms.ts) ────────────────────────────────────────────

	async change(name: string, change: (doc: Y.Doc) => void): Promise<void> {
		const shared = await this.acquire(name);
		try {
			shared.doc.transact(() => {
				change(shared.doc);
				// A board's first write records the version it is written in.
				if (shared.address.kind !== 'room' && !isEmptyDocument(shared.doc)) {
					stampVersion(shared.doc, BOARD_SCHEMA);
				}
			}, FROM_SERVER);
			await shared.whenPersisted();
		} finally {
			this.release(shared);
		}
	}

	async read<T>(name: string, read: (doc: Y.Doc) => T): Promise<T> {
		const shared = await this.acquire(name);
		try {
			return read(shared.doc);
		} finally {
			this.release(shared);
		}
	}

	// ── shutdown ────────────────────────────────────────────────────────────────────────

	/**
	 * Stops taking messages, commits everything accepted, then closes every socket with 1012
	 * so clients reconnect to the next process and resend whatever was not committed.
	 */
	drain(): Promise<void> {
		return (this.draining ??= (async () => {
			this.isStopping = true;
			for (const connection of this.connections) connection.isPaused = true;
			await this.store.flushAll();
			const sockets = [...this.connections].map((connection) => connection.socket);
			for (const connection of [...this.connections]) {
				connection.close(CLOSE.serviceRestart, 'server restarting');
			}
			await Promise.race([
				Promise.all(sockets.map((socket) => closedPromise(socket))),
				new Promise((resolve) => setTimeout(resolve, 1_000).unref())
			]);
			for (const socket of sockets) socket.terminate();
		})());
	}

	/** After `drain`: snapshots for what changed, then the documents are let go. */
	async stop(): Promise<void> {
		await this.drain();
		clearInterval(this.pingTimer);
		clearInterval(this.sessionTimer);
		await this.store.flushAll();
		for (const shared of this.docs.values()) {
			if (shared.idleTimer) clearTimeout(shared.idleTimer);
			if (shared.persist.sinceCompaction > 0) await this.store.compact(shared.persist);
		}
		for (const shared of this.docs.values()) shared.destroy();
		this.docs.clear();
	}
}

function closedPromise(socket: WebSocket): Promise<void> {
	if (socket.readyState === socket.CLOSED) return Promise.resolve();
	return new Promise((resolve) => socket.once('close', () => resolve()));
}

function initialRoom(): Uint8Array {
	const doc = new Y.Doc();
	initRoom(doc);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

function whoIsHereOf(room: SharedDoc): WhoIsHere {
	const participants = new Map<string, PresentParticipant>();
	let facilitators = 0;
	for (const connection of room.connections) {
		const { member, participantId, displayName } = connection.membership;
		if (participantId === null || member.teamId === null) {
			// Leaders watching the room are neither facilitators nor participants.
			if (can(member.role, 'workshop.manage')) facilitators++;
			continue;
		}
		const present = participants.get(participantId);
		if (present) present.devices++;
		else
			participants.set(participantId, {
				participantId,
				displayName,
				teamId: member.teamId,
				devices: 1
			});
	}
	return { kind: WHO_IS_HERE, participants: [...participants.values()], facilitators };
}
