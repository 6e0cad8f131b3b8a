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
 * When the server refuses an edit (close 4409: another team's text, say), this device's copy
 * holds something the server never will, and every later edit builds on it. The connection
 * then starts over: a fresh document synced from the server replaces the old one (`doc`
 * changes and `onDocReplaced` listeners are told), so the screen shows the server's text and
 * later edits go through. What was typed between the refused edit and the refusal is lost.
 *
 * Browser only: construct it in `onMount` or an `$effect` and call `destroy()` in its cleanup.
 */
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { DOCUMENT_SCHEMA, SCHEMA_PARAM } from '../collab/compat';
import { keepForReload, restoreKept } from './app-version.svelte';
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
	/** Query parameters of the realtime URL, e.g. the projector's `view` (PROJECTOR_PARAMS). */
	params?: Readonly<Record<string, string>>;
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

/**
 * The close code after which the server refused an edit from this device and dropped it;
 * the connection starts over from the server's copy. Mirrors `CLOSE.editRefused` in
 * server/realtime/close-codes.ts.
 */
export const EDIT_REFUSED = 4409;

/**
 * The close code after which the page is older than the server's document shapes: it must
 * reload. What this device's copy holds is kept for the reloaded page (app-version.svelte.ts).
 * Mirrors `CLOSE.outdatedClient` in server/realtime/close-codes.ts.
 */
export const OUTDATED_CLIENT = 4426;

export class DocConnection {
	readonly docName: string;
	/** The provider syncing the document; replaced with it after a refused edit. */
	provider: WebsocketProvider;
	/** What the screen shows; after a refused edit, the old copy until the new one synced. */
	#shown = $state.raw<Y.Doc | null>(null);

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
	/**
	 * Set when the server refused an edit from this device (close 4409), with its reason; the
	 * copy on this device is replaced by the server's. Cleared once that copy is shown.
	 */
	editRefusal = $state<string | null>(null);
	/** How many times this device's copy was replaced by the server's after a refused edit. */
	replacements = $state(0);

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
	 * typing through a drop). Not while read-only or while that is not known yet, not after
	 * the server refused the connection for good, and not while this device's copy is being
	 * replaced after a refused edit (what is typed into the old copy then would be lost).
	 */
	canEdit = $derived.by(
		() => this.#isReadOnly() === false && !this.refusal && this.editRefusal === null
	);

	#schedule: ReconnectSchedule;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#wantsConnection = false;
	#isDestroyed = false;
	#ownsDoc: boolean;
	#detach: Array<() => void> = [];
	#detachProvider: () => void = () => {};
	#origin: string;
	#WebSocketPolyfill: typeof WebSocket | undefined;
	#params: Record<string, string>;
	/** Told when `doc` is replaced; not state: nothing renders from the list itself. */
	#docListeners: Array<(doc: Y.Doc) => void> = [];

	constructor(docName: string, options: DocConnectionOptions = {}) {
		this.docName = docName;
		this.#ownsDoc = !options.doc;
		this.#shown = options.doc ?? new Y.Doc();
		this.#isReadOnly = options.isReadOnly ?? (() => false);
		this.#schedule = new ReconnectSchedule(options.backoff, options.random);

		const origin = options.origin ?? globalThis.location?.origin;
		if (!origin) throw new Error('DocConnection needs an origin outside the browser.');
		this.#origin = origin;
		this.#WebSocketPolyfill = options.WebSocketPolyfill;
		this.#params = { ...options.params, [SCHEMA_PARAM]: DOCUMENT_SCHEMA };
		this.provider = this.#providerFor(this.doc);

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

	/**
	 * The document this screen shows and edits. It changes only after the server refused an
	 * edit from this device: then to a fresh copy of the server's, once that has synced.
	 */
	get doc(): Y.Doc {
		return this.#shown!;
	}

	/**
	 * Calls `listener` with the new document whenever `doc` is replaced (see `doc`), after
	 * which the old one is destroyed; returns the function that stops it.
	 */
	onDocReplaced(listener: (doc: Y.Doc) => void): () => void {
		this.#docListeners.push(listener);
		return () => {
			this.#docListeners = this.#docListeners.filter((l) => l !== listener);
		};
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
		this.#detachProvider();
		const provider = this.provider;
		provider.destroy();
		if (provider.doc !== this.doc) provider.doc.destroy();
		this.#docListeners = [];
		if (this.#ownsDoc) this.doc.destroy();
	}

	/** A provider for `doc`, its events followed by this connection. */
	#providerFor(doc: Y.Doc): WebsocketProvider {
		const provider = new WebsocketProvider(
			this.#origin.replace(/^http/, 'ws') + '/realtime',
			this.docName,
			doc,
			{
				connect: false,
				// Tabs of one browser would otherwise pass updates to each other past the server:
				// a tab typing into text the server has not received yet sends an update the
				// server must refuse. Every tab syncs through the server instead.
				disableBc: true,
				params: this.#params,
				...(this.#WebSocketPolyfill ? { WebSocketPolyfill: this.#WebSocketPolyfill } : {})
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
			if (synced && provider.doc !== this.doc) this.#showServerCopy(provider.doc);
			// What an older page of this tab could not send before it was reloaded.
			if (synced) restoreKept(this.docName, this.doc);
		};
		const onClose = (event: CloseEvent | null) => this.#onClose(event);
		provider.on('status', onStatus);
		provider.on('sync', onSync);
		provider.on('connection-close', onClose);
		this.#detachProvider = () => {
			provider.off('status', onStatus);
			provider.off('sync', onSync);
			provider.off('connection-close', onClose);
		};
		return provider;
	}

	/**
	 * After a refused edit: a fresh document and provider, connected at once. The screen keeps
	 * the old copy (not editable) until the fresh one has the server's state.
	 */
	#startOver(): void {
		if (this.#isDestroyed) return;
		this.#detachProvider();
		const refused = this.provider;
		refused.destroy();
		// A fresh copy made earlier that never synced is not shown anywhere: let it go.
		if (refused.doc !== this.doc) refused.doc.destroy();
		else refused.awareness.destroy();
		this.provider = this.#providerFor(new Y.Doc());
		// Unless the screen let go of the connection meanwhile (disconnect()).
		if (!this.#wantsConnection) return;
		this.#clearRetry();
		this.#reopen();
	}

	/** Shows the server's copy in place of the one that held the refused edit. */
	#showServerCopy(doc: Y.Doc): void {
		const previous = this.doc;
		const ownedPrevious = this.#ownsDoc;
		this.#shown = doc;
		this.#ownsDoc = true;
		this.editRefusal = null;
		this.replacements++;
		for (const listener of [...this.#docListeners]) listener(doc);
		if (ownedPrevious) previous.destroy();
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
		if (event?.code === EDIT_REFUSED) {
			this.editRefusal = event.reason || 'The server refused an edit from this device.';
			// Once the provider has finished closing (it announces the close before it is done).
			queueMicrotask(() => this.#startOver());
			return;
		}
		if (event && isRefusal(event.code)) {
			if (event.code === OUTDATED_CLIENT) keepForReload(this.docName, this.doc);
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
