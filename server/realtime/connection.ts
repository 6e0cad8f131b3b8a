/**
 * One client socket on one document: the y-websocket sync and awareness protocol, with the
 * server's rules applied to every message. A read-only connection's updates are dropped (and
 * logged), never applied or relayed. A board update that does more than edit texts its sender
 * may write (board-guard.ts) is refused, never applied, relayed or stored, and closes the
 * socket with 4409 so the client starts over from the server's copy; any frame that is not
 * one well-formed message, and any flood, closes the socket with a code that says why.
 */
import * as encoding from 'lib0/encoding';
import type { RawData, WebSocket } from 'ws';
import * as Y from 'yjs';
import { mayWriteText, type Access } from '../../src/lib/collab/access';
import type { Membership } from './auth';
import { boardUpdateRefusal } from './board-guard';
import { CLOSE } from './close-codes';
import { isConsolePresence } from '../../src/lib/collab/console-presence';
import { can } from '../../src/lib/domain/permissions';
import {
	type AwarenessEntry,
	checkUpdate,
	FrameError,
	MESSAGE_SYNC,
	parseFrame,
	SYNC_STEP_1,
	SYNC_STEP_2,
	SYNC_UPDATE
} from './frames';
import { RateLimiter } from './rate-limit';
import type { RealtimeSettings } from './settings';
import type { SharedDoc } from './shared-doc';
import { moduleLogger } from '../../src/lib/server/logger';

const log = moduleLogger('realtime');

export class Connection {
	/** 'read' or 'write'; 'none' only transiently before the socket is closed. */
	access: Access;
	isAlive = true;
	isClosed = false;
	/** Set at shutdown: what arrives after the final flush is left for the client to resend. */
	isPaused = false;
	private readonly limiter: RateLimiter;
	private droppedUpdates = 0;

	constructor(
		readonly socket: WebSocket,
		readonly shared: SharedDoc,
		/** Replaced when some of the sessions behind the connection end (hub.checkSessions). */
		public memberships: Membership[],
		access: Access,
		private readonly settings: RealtimeSettings,
		private readonly onClosed: (connection: Connection) => void
	) {
		this.access = access;
		this.limiter = new RateLimiter(settings.rateLimit);
		socket.on('message', (data, isBinary) => this.receive(data, isBinary));
		socket.on('pong', () => (this.isAlive = true));
		// ws reports protocol violations (e.g. frames over maxPayload, closed with 1009) here
		// before 'close'; without a listener the process would crash.
		socket.on('error', () => {});
		socket.on('close', () => this.closed());
	}

	/** The greeting: our state vector (so the client sends what we miss) and who is here. */
	start(): void {
		if (this.access === 'write') this.send(syncStep1(this.shared.doc));
		const presence = this.shared.presence.fullState();
		if (presence) this.send(presence);
	}

	/** The member of the workshop this connection acts as (the strongest of its sessions). */
	get membership(): Membership {
		return this.memberships[0]!;
	}

	/** Applies a new access level decided from the room document (lock, private write). */
	setAccess(next: Access): void {
		if (next === this.access) return;
		const wasReadOnly = this.access !== 'write';
		this.access = next;
		if (next === 'none') {
			this.close(CLOSE.accessRevoked, 'access to this document was withdrawn');
		} else if (next === 'write' && wasReadOnly) {
			// Edits the client made while read-only were dropped; asking for its state lets it
			// send them now, instead of leaving its copy diverged with later edits stuck on them.
			this.send(syncStep1(this.shared.doc));
		}
	}

	send(message: Uint8Array): void {
		const socket = this.socket;
		if (this.isClosed || socket.readyState !== socket.OPEN) return;
		if (socket.bufferedAmount > this.settings.maxBufferedBytes) {
			this.close(CLOSE.tryAgainLater, 'too far behind: reconnect to resync');
			return;
		}
		socket.send(message);
	}

	close(code: number, reason: string): void {
		if (this.isClosed) return;
		try {
			this.socket.close(code, reason);
		} catch {
			this.socket.terminate();
		}
		this.closed();
	}

	private closed(): void {
		if (this.isClosed) return;
		this.isClosed = true;
		if (this.droppedUpdates > 0) {
			log.warn(
				`dropped ${this.droppedUpdates} update(s) in total from a read-only ${this.membership.member.role} on ${this.shared.name}`
			);
		}
		this.onClosed(this);
	}

	/**
	 * True for a board update that changes more than the texts its sender may write
	 * (board-guard.ts), decided from the connection's memberships as they are now (a member
	 * moved to another team is reconnected, and decided anew). The update is dropped, never
	 * applied, relayed or stored, and the connection is closed with 4409: the client's copy
	 * holds the refused edit, and every later edit it makes builds on it, so it must start over
	 * from the server's copy. The room needs no such check: no client writes it.
	 */
	private refusesBoardUpdate(decoded: ReturnType<typeof checkUpdate>): boolean {
		if (this.shared.address.kind === 'room') return false;
		let reason: string | null;
		try {
			reason = boardUpdateRefusal(this.shared.doc, decoded, (key) =>
				this.memberships.some(({ member }) => mayWriteText(member, key))
			);
		} catch {
			reason = 'the update could not be checked';
		}
		if (reason === null) return false;
		log.warn(
			`refused a board update from a ${this.membership.member.role} on ${this.shared.name}: ${reason}`
		);
		this.close(CLOSE.editRefused, `edit refused: ${reason}`);
		return true;
	}

	private receive(data: RawData, isBinary: boolean): void {
		if (this.isClosed || this.isPaused) return;
		try {
			if (!isBinary)
				throw new FrameError(CLOSE.unsupportedData, 'text frames are not part of the protocol');
			const bytes = toBytes(data);
			if (!this.limiter.take(bytes.length)) {
				throw new FrameError(CLOSE.policyViolation, 'too many messages: slow down and reconnect');
			}
			this.handle(bytes);
		} catch (error) {
			if (error instanceof FrameError) {
				this.close(error.closeCode, error.message);
			} else {
				log.error({ err: error, doc: this.shared.name }, `unexpected error on ${this.shared.name}`);
				this.close(1011, 'internal error');
			}
		}
	}

	/**
	 * Consoles show each other's presence ("Ana is editing the timer"): only a connection whose
	 * member runs the workshop may publish a console's presence, so a phone cannot pose as one.
	 */
	private presentableEntries(entries: AwarenessEntry[]): AwarenessEntry[] {
		if (this.memberships.some(({ member }) => can(member.role, 'console.run'))) return entries;
		return entries.filter((entry) => !claimsConsole(entry.json));
	}

	private handle(bytes: Uint8Array): void {
		const frame = parseFrame(bytes);
		const shared = this.shared;
		switch (frame.type) {
			case 'sync-step-1': {
				const reply = syncMessage(
					SYNC_STEP_2,
					Y.encodeStateAsUpdate(shared.doc, frame.stateVector)
				);
				// The answer doubles as an acknowledgement: it leaves only once everything this
				// document received so far (this client's edits included) is committed.
				if (shared.isPersisted()) this.send(reply);
				else void shared.whenPersisted().then(() => this.send(reply));
				return;
			}
			case 'sync-step-2':
			case 'update':
				if (this.access !== 'write') {
					if (this.droppedUpdates++ === 0) {
						log.warn(
							`dropped an update from a read-only ${this.membership.member.role} on ${shared.name}`
						);
					}
					return;
				}
				if (this.refusesBoardUpdate(checkUpdate(frame.update))) return;
				try {
					Y.applyUpdate(shared.doc, frame.update, this);
				} catch {
					throw new FrameError(CLOSE.invalidPayload, 'the update could not be read');
				}
				return;
			case 'awareness':
				shared.presence.apply(this, this.presentableEntries(frame.entries));
				return;
			case 'query-awareness':
				this.send(shared.presence.fullState() ?? emptyAwareness());
				return;
		}
	}
}

/**
 * Whether an awareness state claims to be a facilitator's console (collab/console-presence.ts).
 * Unreadable JSON is left for Presence.apply, which closes the socket over it.
 */
function claimsConsole(json: string): boolean {
	if (json === 'null') return false;
	try {
		return isConsolePresence(JSON.parse(json));
	} catch {
		return false;
	}
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return data;
}

export function syncMessage(step: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, step);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

export function syncStep1(doc: Y.Doc): Uint8Array {
	return syncMessage(SYNC_STEP_1, Y.encodeStateVector(doc));
}

export function updateMessage(update: Uint8Array): Uint8Array {
	return syncMessage(SYNC_UPDATE, update);
}

function emptyAwareness(): Uint8Array {
	return new Uint8Array([1, 1, 0]);
}
