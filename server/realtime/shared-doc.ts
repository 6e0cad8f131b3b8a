/**
 * A loaded document: the Y.Doc, its open connections, its presence and its persistence state.
 * Every accepted change, whoever made it (a client, the server, another instance through the
 * log), passes through the Y.Doc's update event, which relays it to the other connections and,
 * unless it came from the database, queues it for the log.
 *
 * The server's own writes are relayed only once they are committed. A client's edit that a
 * crash cut off comes back when any client holding it reconnects; a server write cannot:
 * clients may only read the room, and a board refuses cards from them (board-guard.ts). A
 * client that had seen an uncommitted server write would keep, after a kill -9, a copy the
 * server no longer has, and whatever it typed into such a card would be refused for good.
 */
import * as Y from 'yjs';
import type { DocAddress } from '../../src/lib/collab/doc-names';
import type { Connection } from './connection';
import { updateMessage } from './connection';
import { Presence, type PresenceSettings } from './presence';
import { FROM_DATABASE, PersistState, type DocumentStore } from './store';
import { metrics } from '../../src/lib/server/metrics';

/** Transaction origin of changes made through the server API (rooms.change). */
export const FROM_SERVER = Symbol('from-server');

export class SharedDoc {
	readonly doc = new Y.Doc();
	readonly connections = new Set<Connection>();
	readonly presence: Presence;
	readonly persist: PersistState;
	/** Holders: connections, server operations in progress, and (for a room) loaded boards. */
	refs = 0;
	idleTimer: ReturnType<typeof setTimeout> | null = null;
	/** A board's room document, which decides its access rules; null for a room. */
	room: SharedDoc | null = null;
	/** For a room: its loaded boards, re-checked whenever the room changes. */
	readonly boards = new Set<SharedDoc>();

	constructor(
		readonly name: string,
		readonly address: DocAddress,
		private readonly store: DocumentStore,
		presenceSettings: PresenceSettings,
		private readonly onChange: (shared: SharedDoc) => void
	) {
		this.persist = new PersistState(name, this.doc);
		this.presence = new Presence(
			presenceSettings,
			() => this.connections.size,
			(message) => this.broadcast(message)
		);
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			const message = asBuffer(updateMessage(update));
			if (origin !== FROM_DATABASE) this.store.enqueue(this.persist, update);
			// Waiters are resolved in the order they wait, so server writes keep their order.
			if (origin === FROM_SERVER) void this.whenPersisted().then(() => this.relay(message, null));
			else this.relay(message, origin);
			this.onChange(this);
		});
	}

	private relay(message: Buffer, origin: unknown): void {
		metrics().realtimeUpdatesRelayed.inc();
		for (const connection of this.connections) {
			// The sender already has its own update.
			if (connection !== origin) connection.send(message);
		}
	}

	broadcast(message: Uint8Array): number {
		const buffer = asBuffer(message);
		for (const connection of this.connections) connection.send(buffer);
		return this.connections.size;
	}

	isPersisted(): boolean {
		return this.store.isPersisted(this.persist);
	}

	whenPersisted(): Promise<void> {
		return this.store.whenPersisted(this.persist);
	}

	private isDestroyed = false;

	destroy(): void {
		if (this.isDestroyed) return;
		this.isDestroyed = true;
		if (this.idleTimer) clearTimeout(this.idleTimer);
		this.idleTimer = null;
		this.presence.destroy();
		this.doc.destroy();
	}
}

/**
 * ws turns every Uint8Array it is given into a Buffer view; for a message sent to hundreds of
 * sockets, doing that once instead of per socket halves the cost of the send loop.
 */
function asBuffer(message: Uint8Array): Buffer {
	return Buffer.isBuffer(message)
		? message
		: Buffer.from(message.buffer, message.byteOffset, message.byteLength);
}
