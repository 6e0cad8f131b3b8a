/**
 * One Yjs document kept in sync with the realtime endpoint (`/realtime/<docName>`) through the
 * stock y-websocket provider, with what a screen needs to show about it: a status, whether the
 * document has synced, and when the next reconnect attempt happens.
 *
 * Reconnecting is taken over from the provider. Its own backoff is deterministic (the n-th retry
 * always waits min(2^n · 100 ms, 2.5 s)), so when a server restarts every phone in a room of
 * 300 retries in the same millisecond, again and again. Here each retry waits a full-jitter
 * exponential delay (./backoff.ts), the counter starts over once a connection has synced, and
 * the browser's `online` event (or the tab coming back into view) skips the wait.
 *
 * Browser only: construct it in `onMount` or an `$effect` and call `destroy()` in its cleanup.
 */
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { ReconnectSchedule, type BackoffPolicy } from './backoff';

export type ConnectionStatus = 'connecting' | 'live' | 'offline' | 'read-only';

/** Where the socket is, independent of sync and permissions. */
type Phase = 'connecting' | 'open' | 'closed';

export interface DocConnectionOptions {
	/** The app's origin, e.g. `location.origin`; http(s) becomes ws(s). */
	origin?: string;
	/** The document to sync; a new one is made (and destroyed with the connection) otherwise. */
	doc?: Y.Doc;
	/**
	 * Whether the server treats this connection as read-only, read reactively; null while not
	 * known yet (status stays 'connecting'). The server decides at the upgrade and again when
	 * the facilitator locks a stage, and from then on silently drops this connection's writes,
	 * so the screen must know in order to stop offering edits. Pass `DocAccess.isReadOnly`
	 * (./doc-access.svelte.ts), which applies the server's own rule to the room document.
	 */
	isReadOnly?: () => boolean | null;
	backoff?: BackoffPolicy;
	/** For tests: a seeded generator in place of Math.random. */
	random?: () => number;
	/** For tests and Node: a WebSocket class in place of the browser's. */
	WebSocketPolyfill?: typeof WebSocket;
	/** Start connecting at once (default) or wait for `connect()`. */
	connect?: boolean;
}

/**
 * Close codes after which retrying cannot help. 4400–4499 mirror HTTP 4xx (the same convention
 * the stock provider uses): the server decided, e.g. the session ended or access was revoked.
 */
export function isRefusal(code: number): boolean {
	return code >= 4400 && code < 4500;
}

/**
 * The close code after which the member's place in the workshop has changed (a participant
 * moved to another team); the connection reconnects on its own and the server decides access
 * anew. Mirrors `CLOSE.membershipChanged` in server/realtime/close-codes.ts.
 */
export const MEMBERSHIP_CHANGED = 4000;

export class DocConnection {
	readonly docName: string;
	readonly doc: Y.Doc;
	readonly provider: WebsocketProvider;

	/** Whether the document has received the server's state since the socket last opened. */
	isSynced = $state(false);
	/** Set when the server closed the connection for good (see `isRefusal`); no more retries. */
	refusal = $state<string | null>(null);
	/** Epoch ms of the next automatic reconnect attempt while waiting for one, else null. */
	nextAttemptAt = $state<number | null>(null);
	/** Whether the browser reports a network at all (`navigator.onLine`). */
	isBrowserOnline = $state(true);
	/**
	 * How many times the server said this member's place in the workshop changed (close 4000).
	 * What the screen knows about the member (their team) is stale from then on.
	 */
	membershipChanges = $state(0);

	#phase = $state<Phase>('closed');
	#isReadOnly: () => boolean | null;

	/** What a screen shows. 'live' means synced and writable. */
	status: ConnectionStatus = $derived.by(() => {
		if (this.#phase === 'closed' || !this.isBrowserOnline || this.refusal) return 'offline';
		if (this.#phase === 'connecting' || !this.isSynced) return 'connecting';
		const isReadOnly = this.#isReadOnly();
		if (isReadOnly === null) return 'connecting';
		return isReadOnly ? 'read-only' : 'live';
	});

	/** Whether edits made now reach everyone at once (synced, writable, connected). */
	canWrite = $derived(this.status === 'live');

	/**
	 * Whether a screen should take edits to this document: it is writable as far as this
	 * device knows, including while offline or reconnecting, since what is typed then stays in
	 * the document and is sent once the connection is back (a phone on conference Wi-Fi keeps
	 * typing through a drop). Not while read-only or while that is not known yet, and not after
	 * the server refused the connection for good.
	 */
	canEdit = $derived.by(() => this.#isReadOnly() === false && !this.refusal);

	#schedule: ReconnectSchedule;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#wantsConnection = false;
	#isDestroyed = false;
	#ownsDoc: boolean;
	#detach: Array<() => void> = [];

	constructor(docName: string, options: DocConnectionOptions = {}) {
		this.docName = docName;
		this.#ownsDoc = !options.doc;
		this.doc = options.doc ?? new Y.Doc();
		this.#isReadOnly = options.isReadOnly ?? (() => false);
		this.#schedule = new ReconnectSchedule(options.backoff, options.random);

		const origin = options.origin ?? globalThis.location?.origin;
		if (!origin) throw new Error('DocConnection needs an origin outside the browser.');
		this.provider = new WebsocketProvider(
			origin.replace(/^http/, 'ws') + '/realtime',
			docName,
			this.doc,
			{
				connect: false,
				// Tabs of one browser would otherwise pass updates to each other past the server:
				// a tab typing into text the server has not received yet sends an update the
				// server must refuse. Every tab syncs through the server instead.
				disableBc: true,
				...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {})
			}
		);

		const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
			this.#phase =
				status === 'connected' ? 'open' : status === 'connecting' ? 'connecting' : 'closed';
		};
		const onSync = (synced: boolean) => {
			this.isSynced = synced;
			// A connection that synced did useful work; one that opened and dropped did not.
			if (synced) this.#schedule.reset();
		};
		const onClose = (event: CloseEvent | null) => this.#onClose(event);
		this.provider.on('status', onStatus);
		this.provider.on('sync', onSync);
		this.provider.on('connection-close', onClose);
		this.#detach.push(() => {
			this.provider.off('status', onStatus);
			this.provider.off('sync', onSync);
			this.provider.off('connection-close', onClose);
		});

		if (typeof window !== 'undefined') {
			const onOnline = () => {
				this.isBrowserOnline = true;
				// Phones regain a network each at their own moment (unlike a server restart, which
				// drops everyone at once), so no jitter here: the person is waiting.
				this.reconnectNow();
			};
			const onOffline = () => {
				this.isBrowserOnline = false;
			};
			const onVisible = () => {
				// Background tabs throttle timers; someone looking at the screen again should not
				// sit out the rest of a long backoff.
				if (document.visibilityState === 'visible') this.reconnectNow();
			};
			window.addEventListener('online', onOnline);
			window.addEventListener('offline', onOffline);
			document.addEventListener('visibilitychange', onVisible);
			this.#detach.push(() => {
				window.removeEventListener('online', onOnline);
				window.removeEventListener('offline', onOffline);
				document.removeEventListener('visibilitychange', onVisible);
			});
			this.isBrowserOnline = navigator.onLine !== false;
		}

		if (options.connect !== false) this.connect();
	}

	get awareness() {
		return this.provider.awareness;
	}

	/** Attempts made since the last successful sync (for tests and diagnostics). */
	get failedAttempts(): number {
		return this.#schedule.attempt;
	}

	connect(): void {
		this.#wantsConnection = true;
		this.refusal = null;
		this.#clearRetry();
		// Already connected or connecting: nothing to open.
		if (this.provider.ws === null) this.#reopen();
	}

	disconnect(): void {
		this.#wantsConnection = false;
		this.#clearRetry();
		this.provider.disconnect();
		this.#phase = 'closed';
	}

	destroy(): void {
		if (this.#isDestroyed) return;
		this.#isDestroyed = true;
		this.disconnect();
		for (const detach of this.#detach.splice(0)) detach();
		this.provider.destroy();
		if (this.#ownsDoc) this.doc.destroy();
	}

	#onClose(event: CloseEvent | null): void {
		this.isSynced = false;
		this.#phase = 'closed';
		if (event?.code === MEMBERSHIP_CHANGED) this.membershipChanges++;
		// Our own disconnect() (or destroy()) also lands here: nothing to retry then.
		if (!this.#wantsConnection) return;
		// The stock provider has already queued its own retry; with shouldConnect off it finds
		// nothing to do, and the retry below is the only one.
		this.provider.shouldConnect = false;
		if (event && isRefusal(event.code)) {
			this.#wantsConnection = false;
			this.refusal = event.reason || `The server closed the connection (${event.code}).`;
			return;
		}
		// The server asked this one member to reconnect (nobody else): no herd to spread out.
		// Once the provider has finished closing (it announces the close before it is done).
		if (event?.code === MEMBERSHIP_CHANGED) {
			queueMicrotask(() => this.reconnectNow());
			return;
		}
		this.#scheduleRetry();
	}

	#scheduleRetry(): void {
		this.#clearRetry();
		const delay = this.#schedule.next();
		this.nextAttemptAt = Date.now() + delay;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = undefined;
			this.nextAttemptAt = null;
			// Offline, an attempt can only fail and widen the next window; `online` resumes.
			if (!this.isBrowserOnline) return;
			this.#reopen();
		}, delay);
	}

	/**
	 * Skips the wait for the next attempt (a "Retry now" button; the browser's `online` event).
	 * Does nothing while connected or connecting, or after disconnect() or a refusal.
	 */
	reconnectNow(): void {
		if (!this.#wantsConnection || this.#phase !== 'closed') return;
		this.#clearRetry();
		this.#reopen();
	}

	#reopen(): void {
		this.#phase = 'connecting';
		this.provider.connect();
	}

	#clearRetry(): void {
		if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
		this.nextAttemptAt = null;
	}
}
