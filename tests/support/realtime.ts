/**
 * Realtime test helpers: the stock y-websocket `WebsocketProvider` driven from Node (through
 * a WebSocket class that sends the actor's cookies and an Origin header, as a browser would),
 * raw sockets for sending bad frames, and a bounded wait for conditions instead of sleeps.
 */
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { Client } from './http';

// Every stock provider adds a process 'exit' listener; tests run dozens of them on purpose.
process.setMaxListeners(0);

/**
 * Polls `condition` until it holds (returning its value) or `timeoutMs` passes. The message
 * says what was awaited, so a failure reads as a sentence.
 */
export async function waitFor<T>(
	what: string,
	condition: () => T | Promise<T>,
	{ timeoutMs = 15_000, intervalMs = 10 } = {}
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await condition();
			if (value) return value as NonNullable<T>;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`
			);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

export interface Closed {
	code: number;
	reason: string;
}

/** A WebSocket that remembers the sync traffic, so a test can ask the server for an ack. */
export class ObservedSocket extends WebSocket {
	step1Sent = 0;
	step2Received = 0;
	received: Uint8Array[] = [];
	closedWith: Closed | null = null;

	override send(data: unknown, ...rest: unknown[]): void {
		const bytes = data instanceof Uint8Array ? data : null;
		if (bytes && bytes[0] === 0 && bytes[1] === 0) this.step1Sent++;
		(super.send as (...args: unknown[]) => void)(data, ...rest);
	}
}

/** A WebSocket class for `WebsocketProvider` that presents the actor's cookies and Origin. */
export function socketClassFor(
	headers: () => Record<string, string>,
	onCreate: (socket: ObservedSocket) => void = () => {}
): typeof globalThis.WebSocket {
	class ActorSocket extends ObservedSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: headers() });
			this.on('message', (data: Buffer) => {
				const bytes = new Uint8Array(data);
				this.received.push(bytes);
				if (bytes[0] === 0 && bytes[1] === 1) this.step2Received++;
			});
			this.on('close', (code, reason) => {
				this.closedWith = { code, reason: reason.toString() };
			});
			// An upgrade the server refuses is an 'error' event on a Node socket.
			this.on('error', () => {});
			onCreate(this);
		}
	}
	return ActorSocket as unknown as typeof globalThis.WebSocket;
}

export interface Peer {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** Every socket the provider opened, newest last. */
	sockets: ObservedSocket[];
	readonly socket: ObservedSocket | undefined;
	whenSynced(): Promise<void>;
	/**
	 * Resolves once the server has committed every update this peer sent so far: the server
	 * answers a sync request only after its pending writes for the document are committed.
	 */
	ack(): Promise<void>;
	destroy(): void;
}

/** The upgrade headers a browser tab of `client` on the page at `origin` would send. */
export function headersOf(client: Client, origin: string): Record<string, string> {
	return { cookie: client.cookieHeader(), origin };
}

/** Connects a stock provider for `client` to `docName` on the server at `baseUrl`. */
export function connectPeer(
	baseUrl: string,
	client: Client,
	docName: string,
	options: {
		doc?: Y.Doc;
		connect?: boolean;
		origin?: string;
		/** Query parameters of the realtime URL (e.g. the projector's `view`). */
		params?: Record<string, string>;
	} = {}
): Peer {
	const doc = options.doc ?? new Y.Doc();
	const sockets: ObservedSocket[] = [];
	const provider: WebsocketProvider = new WebsocketProvider(baseUrl + '/realtime', docName, doc, {
		// The Origin follows the server the provider is pointed at (see `movePeer`).
		WebSocketPolyfill: socketClassFor(
			(): Record<string, string> =>
				headersOf(client, options.origin ?? new URL(provider.serverUrl).origin),
			(s) => sockets.push(s)
		),
		// Node has BroadcastChannel: peers in one test process would talk past the server.
		disableBc: true,
		params: options.params ?? {},
		// Connected below: the socket class reads `provider`, which must exist by then.
		connect: false
	});
	if (options.connect ?? true) provider.connect();
	const peer: Peer = {
		doc,
		provider,
		sockets,
		get socket() {
			return sockets[sockets.length - 1];
		},
		whenSynced: () => waitFor(`${docName} to sync`, () => provider.synced).then(() => {}),
		ack: () => acknowledge(peer.socket, doc),
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
	return peer;
}

/**
 * Asks the server for its state (sync step 1) on `socket` and resolves once the answer
 * arrives: the server answers only after every update it received on the document so far is
 * committed, so this is the acknowledgement of everything sent before.
 */
export async function acknowledge(socket: ObservedSocket | undefined, doc: Y.Doc): Promise<void> {
	if (!socket || socket.readyState !== socket.OPEN) throw new Error('not connected');
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint8Array(encoder, Y.encodeStateVector(doc));
	socket.send(encoding.toUint8Array(encoder));
	const expected = socket.step1Sent;
	await new Promise<void>((resolve, reject) => {
		const check = () => {
			if (socket.step2Received >= expected) done(null);
		};
		const closed = () => done(new Error('the socket closed before the acknowledgement'));
		const timer = setTimeout(() => done(new Error('no acknowledgement within 15 s')), 15_000);
		const done = (error: Error | null) => {
			clearTimeout(timer);
			socket.off('message', check);
			socket.off('close', closed);
			if (error) reject(error);
			else resolve();
		};
		// Registered after the counting listener, so the count is current here.
		socket.on('message', check);
		socket.on('close', closed);
		check();
	});
}

/** Points a peer at another server process (e.g. after a restart on a new port). */
export function movePeer(peer: Peer, baseUrl: string): void {
	peer.provider.serverUrl = baseUrl + '/realtime';
}

export interface RawSocket {
	socket: WebSocket;
	opened: Promise<void>;
	closed: Promise<Closed>;
	messages: Uint8Array[];
}

/** A bare socket for sending frames no provider would send. */
export function openRaw(
	baseUrl: string,
	docName: string,
	headers: Record<string, string>
): RawSocket {
	const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/realtime/${docName}`, {
		headers
	});
	const messages: Uint8Array[] = [];
	socket.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
	socket.on('error', () => {});
	const opened = new Promise<void>((resolve, reject) => {
		socket.once('open', () => resolve());
		socket.once('unexpected-response', (_req, res) =>
			reject(new Error(`upgrade refused with ${res.statusCode}`))
		);
		socket.once('close', () => reject(new Error('closed before opening')));
	});
	opened.catch(() => {});
	const closed = new Promise<Closed>((resolve) =>
		socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	return { socket, opened, closed, messages };
}

/** The HTTP status the server answers an upgrade with (101 when it opens). */
export function upgradeStatus(
	baseUrl: string,
	docName: string,
	headers: Record<string, string>
): Promise<number> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/realtime/${docName}`, {
			headers
		});
		socket.on('error', () => {});
		socket.once('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			res.resume();
			socket.terminate();
		});
		socket.once('upgrade', () => {
			resolve(101);
			socket.terminate();
		});
		socket.once('close', () => reject(new Error('closed without an answer')));
	});
}

export function syncUpdateFrame(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function syncStep1Frame(stateVector: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint8Array(encoder, stateVector);
	return encoding.toUint8Array(encoder);
}
