/**
 * The realtime hub: the connections of this instance and the documents they use, and the
 * server-side API that src/lib/server/rooms.ts reaches through `globalThis`.
 *
 * Documents are loaded, held and unloaded by documents.ts (and brought to this release's shape
 * as they load, document-upgrade.ts). Whenever a room document changes, from whatever source,
 * the access of every connection to that workshop's boards is decided again here, so a lock
 * takes effect on live sockets at once.
 */
import type { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { accessTo, type Access } from '../../src/lib/collab/access';
import { roomDocName, workshopDocPrefix } from '../../src/lib/collab/doc-names';
import type { WhoIsHere } from '../../src/lib/collab/presence';
import { BOARD_SCHEMA } from '../../src/lib/collab/board';
import { isEmptyDocument, stampVersion } from '../../src/lib/collab/migrate';
import { DEFAULT_STAGE_STATE, readStageState } from '../../src/lib/collab/room';
import type { Database } from '../../src/lib/server/db';
import { describeDatabaseError } from '../../src/lib/server/db/availability';
import type { RealtimeHub } from '../../src/lib/server/rooms';
import type { Membership } from './auth';
import { CLOSE } from './close-codes';
import { Connection } from './connection';
import { LoadedDocuments } from './documents';
import type { RealtimeSettings } from './settings';
import { FROM_SERVER, type SharedDoc } from './shared-doc';
import { liveSessions } from './session-check';
import { DocumentStore } from './store';
import { nobodyHere, whoIsHereOf } from './who-is-here';
import { moduleLogger } from '../../src/lib/server/logger';
import { metrics } from '../../src/lib/server/metrics';

export { StoppingError } from './documents';

const log = moduleLogger('realtime');

const ACCESS_RANK: Record<Access, number> = { none: 0, read: 1, write: 2 };

export class Hub implements RealtimeHub {
	readonly store: DocumentStore;
	readonly connections = new Set<Connection>();
	private documents: LoadedDocuments;
	private pingTimer: ReturnType<typeof setInterval>;
	private sessionTimer: ReturnType<typeof setInterval>;
	private draining: Promise<void> | null = null;
	isStopping = false;

	constructor(
		database: Database,
		readonly settings: RealtimeSettings,
		notify: { instanceId: string } | null
	) {
		this.store = new DocumentStore(database, settings, notify);
		this.documents = new LoadedDocuments(
			database,
			this.store,
			settings,
			() => this.isStopping,
			(changed) => this.changed(changed)
		);
		this.pingTimer = setInterval(() => this.ping(), settings.pingIntervalMs);
		this.pingTimer.unref();
		this.sessionTimer = setInterval(() => void this.checkSessions(), settings.sessionCheckMs);
		this.sessionTimer.unref();
		metrics().realtimeSource = {
			connections: () => this.connections.size,
			documents: () => this.documents.size
		};
	}

	// ── documents (documents.ts) ──────────────────────────────────────────────────────────

	/** The loaded document, held for the caller until `release`. */
	acquire(name: string): Promise<SharedDoc> {
		return this.documents.acquire(name);
	}

	hold(shared: SharedDoc): void {
		this.documents.hold(shared);
	}

	release(shared: SharedDoc): void {
		this.documents.release(shared);
	}

	isLoaded(name: string): boolean {
		return this.documents.isLoaded(name);
	}

	/** How many documents are in memory (for tests and logs). */
	get loadedCount(): number {
		return this.documents.size;
	}

	/** Another instance appended entry `seq` to a document. */
	pointer(name: string, seq: number): void {
		this.documents.pointer(name, seq);
	}

	/** Notifications may have been missed (the listener reconnected): read every tail. */
	resync(): void {
		this.documents.resync();
	}

	/** The names of a workshop's documents loaded on this instance. */
	loaded(workshopId: string): string[] {
		return this.documents.loaded(workshopId);
	}

	/** The names of a workshop's documents that hold anything: stored, or loaded here. */
	existing(workshopId: string): Promise<string[]> {
		return this.documents.existing(workshopId);
	}

	/**
	 * Deletes every document of a workshop: its sockets are closed (4404), what is loaded is
	 * dropped without being written back, and then its rows are deleted. Other instances are
	 * not told (with routing by workshop there are none holding it; see README).
	 */
	deleteWorkshop(workshopId: string): Promise<void> {
		const prefix = workshopDocPrefix(workshopId);
		return this.documents.deleteWorkshop(workshopId, () => {
			for (const connection of [...this.connections]) {
				if (connection.shared.name.startsWith(prefix)) {
					connection.close(CLOSE.documentDeleted, 'this workshop was deleted');
				}
			}
		});
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
		const room = this.documents.get(roomDocName(workshopId));
		return room ? whoIsHereOf(room) : nobodyHere();
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
		await this.documents.closeAll();
	}
}

function closedPromise(socket: WebSocket): Promise<void> {
	if (socket.readyState === socket.CLOSED) return Promise.resolve();
	return new Promise((resolve) => socket.once('close', () => resolve()));
}
