/**
 * A fleet of stock y-websocket providers in this process, all on one document, and the two
 * measurements the fan-out benchmark makes with it: how long one client's write takes to reach
 * every other client, and how many presence (awareness) messages the clients receive.
 *
 * Every client is the unmodified `WebsocketProvider` a browser would run; only the socket class
 * is Node's `ws`, so that each client can send its own session cookie and Origin header.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { WebsocketProvider, messageAwareness } from 'y-websocket';
import * as Y from 'yjs';
import { addCard, listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';

export interface Endpoint {
	/** "ours" or "reference": used in messages. */
	label: string;
	/** What the provider is given as server URL, e.g. ws://127.0.0.1:4100/realtime. */
	serverUrl: string;
	docName: string;
	/** Headers of client i's upgrade request (session cookie, Origin). */
	headers(index: number): Record<string, string>;
	/** How many distinct clients this endpoint can admit (participant sessions we hold). */
	capacity: number;
}

export interface PresenceState {
	name: string;
	team: string;
	colour: string;
	stage: string;
}

export interface BenchClient {
	index: number;
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** Messages counted since the last `resetCounters`. */
	awarenessIn: number;
	awarenessOut: number;
}

export interface Fleet {
	endpoint: Endpoint;
	clients: BenchClient[];
	/** One line per client that never synced (e.g. "Unexpected server response: 401"). */
	failures: string[];
	connectMs: number;
	resetCounters(): void;
	close(): Promise<void>;
}

export interface ConnectOptions {
	count: number;
	/**
	 * null: the client publishes no presence at all (no awareness heartbeat either); 'stock':
	 * the provider's default empty state with its heartbeat.
	 */
	presence: ((index: number) => PresenceState) | 'stock' | null;
	/** Connections opened at once; the next batch starts when this one has settled. */
	batchSize?: number;
	/** A client that has not synced by then counts as failed. */
	settleTimeoutMs?: number;
	/** No new batch starts after this long; the clients not tried count as failed. */
	budgetMs?: number;
}

/** Bytes that reached the clients' sockets, counted as on the wire (frame headers included). */
export interface Traffic {
	bytesIn: number;
	messagesIn: number;
	/** The part of `bytesIn` that was presence (awareness) messages. */
	awarenessBytesIn: number;
}

/** Size of a server-to-client WebSocket frame (unmasked) carrying `length` payload bytes. */
function frameBytes(length: number): number {
	return length + (length < 126 ? 2 : length < 65_536 ? 4 : 10);
}

/**
 * A `WebSocket` class for the provider that sends fixed headers with the upgrade request and,
 * given a `traffic` counter, counts every message that arrives.
 */
function socketWithHeaders(
	headers: Record<string, string>,
	traffic?: Traffic
): typeof globalThis.WebSocket {
	class HeaderSocket extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers });
			if (traffic) {
				this.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
					const chunks = Array.isArray(data) ? data : [new Uint8Array(data)];
					const length = chunks.reduce((n, b) => n + b.byteLength, 0);
					traffic.bytesIn += frameBytes(length);
					traffic.messagesIn++;
					if (chunks[0]?.[0] === messageAwareness) traffic.awarenessBytesIn += frameBytes(length);
				});
			}
		}
	}
	return HeaderSocket as unknown as typeof globalThis.WebSocket;
}

export interface ClientOptions {
	presence: ConnectOptions['presence'];
	/** A client that has not synced by then counts as failed (and stops retrying). */
	timeoutMs: number;
	traffic?: Traffic;
}

/** One stock provider for client `index` of the endpoint; resolves once it has synced or failed. */
export function connectClient(
	endpoint: Endpoint,
	index: number,
	{ presence, timeoutMs, traffic }: ClientOptions
): Promise<{ client: BenchClient } | { failure: string; client: BenchClient }> {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(endpoint.serverUrl, endpoint.docName, doc, {
		connect: false,
		// Every client lives in this one process: over a BroadcastChannel they would sync with
		// each other without the server, which is exactly what must not be measured.
		disableBc: true,
		WebSocketPolyfill: socketWithHeaders(endpoint.headers(index), traffic)
	});
	const client: BenchClient = { index, doc, provider, awarenessIn: 0, awarenessOut: 0 };

	// Count presence traffic at the protocol level: every awareness frame that reaches this
	// client, and every one the stock provider sends (it re-sends remote changes too).
	const handleAwareness = provider.messageHandlers[messageAwareness]!;
	provider.messageHandlers[messageAwareness] = (...args) => {
		client.awarenessIn++;
		handleAwareness(...args);
	};
	provider.awareness.on('update', () => {
		if (provider.wsconnected) client.awarenessOut++;
	});
	// 'stock': the provider's own default (an empty state renewed every 15 s), as the app has.
	if (presence === 'stock') provider.awareness.setLocalState({});
	else if (presence) provider.awareness.setLocalState(presence(index));
	else provider.awareness.setLocalState(null);

	return new Promise((resolve) => {
		let lastError = '';
		const finish = (failure?: string) => {
			clearTimeout(timer);
			provider.off('sync', onSync);
			provider.off('connection-error', onError);
			provider.off('connection-close', onClose);
			if (failure) {
				// Stop the stock provider from retrying a refused client forever.
				provider.disconnect();
				resolve({ failure, client });
			} else resolve({ client });
		};
		const onSync = (synced: boolean) => {
			if (synced) finish();
		};
		const onError = (event: Event) => {
			lastError = (event as unknown as { message?: string }).message ?? 'socket error';
		};
		const onClose = (event: CloseEvent | null) => {
			finish(
				lastError ||
					(event ? `closed with ${event.code} ${event.reason}`.trim() : 'closed before sync')
			);
		};
		const timer = setTimeout(() => finish(lastError || 'no sync within timeout'), timeoutMs);
		provider.on('sync', onSync);
		provider.on('connection-error', onError);
		provider.on('connection-close', onClose);
		provider.connect();
	});
}

/** Destroys the provider and its document, and resolves once its socket has closed. */
export function destroyClient(client: BenchClient): Promise<void> {
	const socket = client.provider.ws as unknown as WebSocket | null;
	client.provider.destroy();
	client.doc.destroy();
	if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			socket.terminate();
			resolve();
		}, 3_000);
		socket.once('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

export async function connectFleet(endpoint: Endpoint, options: ConnectOptions): Promise<Fleet> {
	const {
		count,
		presence,
		batchSize = 50,
		settleTimeoutMs = 30_000,
		budgetMs = Number.POSITIVE_INFINITY
	} = options;
	if (count > endpoint.capacity) {
		throw new Error(`${endpoint.label} can admit ${endpoint.capacity} clients, not ${count}`);
	}
	const started = performance.now();
	const clients: BenchClient[] = [];
	const failures: string[] = [];
	const refused: BenchClient[] = [];
	for (let first = 0; first < count; first += batchSize) {
		if (performance.now() - started > budgetMs) {
			for (let index = first; index < count; index++) {
				failures.push(`client ${index}: not tried, connecting used up its ${budgetMs / 1000} s`);
			}
			break;
		}
		const batch = await Promise.all(
			Array.from({ length: Math.min(batchSize, count - first) }, (_, k) =>
				connectClient(endpoint, first + k, { presence, timeoutMs: settleTimeoutMs })
			)
		);
		for (const result of batch) {
			if ('failure' in result) {
				failures.push(`client ${result.client.index}: ${result.failure}`);
				refused.push(result.client);
			} else clients.push(result.client);
		}
	}
	const connectMs = performance.now() - started;
	await Promise.all(refused.map(destroyClient));
	return {
		endpoint,
		clients,
		failures,
		connectMs,
		resetCounters() {
			for (const c of clients) c.awarenessIn = c.awarenessOut = 0;
		},
		async close() {
			await Promise.all(clients.map(destroyClient));
		}
	};
}

export interface FanoutResult {
	/** Per round: ms from the write until the last other client had it. */
	samples: number[];
	/** Rounds in which some client never got the write within the round timeout. */
	timeouts: number;
	/** Clients missing the write, summed over timed-out rounds. */
	missing: number;
}

export interface FanoutProbe {
	/** One write by the first client; resolves when every other client has it or at the timeout. */
	round(): Promise<void>;
	result: FanoutResult;
	dispose(): void;
}

/**
 * Fan-out rounds on one fleet: each round the first client types a line into a term's merged
 * wording (as participants writing a definition together do; cards themselves are created by
 * the server, and our server refuses clients that write them) and every other client watches
 * for it. A round ends when the last receiver has it, or at the timeout. The caller runs
 * rounds one at a time, so the benchmark can alternate the two servers' rounds and both see
 * the same background load. The first `warmup` rounds are not counted: they include loading
 * the document and JIT.
 */
export function createFanoutProbe(
	fleet: Fleet,
	options: { warmup?: number; roundTimeoutMs?: number; tag: string }
): FanoutProbe {
	const { warmup = 2, roundTimeoutMs = 15_000, tag } = options;
	const [writer, ...receivers] = fleet.clients;
	const result: FanoutResult = { samples: [], timeouts: 0, missing: 0 };
	if (!writer || receivers.length === 0) {
		return { round: async () => {}, result, dispose: () => {} };
	}
	const text = termToTypeIn(writer.doc, tag);

	let current: { id: string; remaining: number; done: () => void } | null = null;
	const seen = new Set<number>();
	const unobserve: Array<() => void> = [];
	for (const receiver of receivers) {
		const cards = receiver.doc.getMap<Y.Map<unknown>>('cards');
		const observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
			if (!current || seen.has(receiver.index)) return;
			const id = current.id;
			const arrived = events.some(
				(event) =>
					event.target instanceof Y.Text &&
					event.delta.some((op) => typeof op.insert === 'string' && op.insert.includes(id))
			);
			if (arrived) {
				seen.add(receiver.index);
				if (--current.remaining === 0) current.done();
			}
		};
		cards.observeDeep(observer);
		unobserve.push(() => cards.unobserveDeep(observer));
	}

	let round = 0;
	return {
		result,
		dispose: () => {
			for (const stop of unobserve.splice(0)) stop();
		},
		round: async () => {
			const index = round++;
			seen.clear();
			const id = `${tag}-${index}-${Math.random().toString(36).slice(2, 8)}`;
			let timer: NodeJS.Timeout | undefined;
			const finished = new Promise<boolean>((resolve) => {
				current = { id, remaining: receivers.length, done: () => resolve(true) };
				timer = setTimeout(() => resolve(false), roundTimeoutMs);
			});
			const started = performance.now();
			text.insert(text.length, `${id}: a definition of SQL\n`);
			const complete = await finished;
			const elapsed = performance.now() - started;
			clearTimeout(timer);
			const missing = current!.remaining;
			current = null;
			if (index < warmup) return;
			if (complete) result.samples.push(elapsed);
			else {
				result.timeouts++;
				result.missing += missing;
			}
		}
	};
}

/**
 * The merged wording of the board's first term (the shared-terms stage starts with the
 * template's terms). A board without terms is the reference server's, which has no server
 * to create cards: there the writer adds the term itself, before the rounds start.
 */
function termToTypeIn(doc: Y.Doc, tag: string): Y.Text {
	const term = listCards(doc, 'term')[0];
	const existing = term ? termText(doc, term.id, TERM_TEXT.merged) : null;
	if (existing) return existing;
	const id = `${tag}-term`;
	addCard(doc, {
		id,
		type: 'term',
		text: 'SQL',
		teamId: null,
		createdAt: Date.now(),
		position: 0
	});
	return termText(doc, id, TERM_TEXT.merged)!;
}

export interface PresenceResult {
	windowMs: number;
	/** Awareness frames received by all clients together, per second. */
	receivedPerSecond: number;
	/** Awareness frames sent by all clients together, per second. */
	sentPerSecond: number;
	/** Mean number of other people each client saw at the end (who-is-here accuracy). */
	meanPeersSeen: number;
}

/**
 * Counts presence traffic over a fixed window while every client runs the stock awareness
 * heartbeat (a renewal every ~15 s). The window starts after the join burst has settled.
 */
export async function measurePresence(
	fleet: Fleet,
	options: { windowMs: number; settleMs: number }
): Promise<PresenceResult> {
	await new Promise((resolve) => setTimeout(resolve, options.settleMs));
	fleet.resetCounters();
	await new Promise((resolve) => setTimeout(resolve, options.windowMs));
	let received = 0;
	let sent = 0;
	let peers = 0;
	for (const c of fleet.clients) {
		received += c.awarenessIn;
		sent += c.awarenessOut;
		peers += [...c.provider.awareness.getStates().keys()].filter(
			(id) => id !== c.doc.clientID
		).length;
	}
	const seconds = options.windowMs / 1000;
	return {
		windowMs: options.windowMs,
		receivedPerSecond: received / seconds,
		sentPerSecond: sent / seconds,
		meanPeersSeen: fleet.clients.length ? peers / fleet.clients.length : 0
	};
}
