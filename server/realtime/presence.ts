/**
 * Presence (the y-protocols awareness messages) for one document, relayed without the N²
 * cost of the reference server. The reference relays every heartbeat of every client to every
 * client: each provider renews its state every 15 s, so 300 clients cause 300²/15 = 6,000
 * messages a second. Here:
 *
 * - real changes (join, leave, a changed state) are coalesced per document and sent as one
 *   message per connection at most once per `flushDelay` (which grows with the room);
 * - heartbeats that change nothing are not relayed one by one: every `refreshMs` each
 *   connection gets one message renewing all states that were renewed since the last one
 *   (providers drop a peer after 30 s without a newer clock, and close a socket that received
 *   nothing for 30 s, so the refresh is also the keepalive).
 *
 * A connection may only speak for the client ids it introduced: providers echo the states
 * they receive back to the server, and those echoes (or forgeries) are ignored.
 */
import * as encoding from 'lib0/encoding';
import { checkPresenceState, type AwarenessEntry } from './frames';

export const MESSAGE_AWARENESS = 1;

/** Providers time a peer out after 30 s; the server forgets silent states as well. */
const OUTDATED_MS = 30_000;
/** A connection stands for one provider; a few ids leave room for reloads on one socket. */
const MAX_IDS_PER_CONNECTION = 4;
/** Clocks of departed clients are kept to recognise late echoes; bounded for long sessions. */
const MAX_REMEMBERED = 10_000;

export interface PresenceSettings {
	/** Delay before changes are sent, for a room of `connections` sockets. */
	flushDelay(connections: number): number;
	refreshMs: number;
}

export const defaultPresenceSettings: PresenceSettings = {
	// Small rooms feel immediate; at 300 sockets changes go out about once a second.
	flushDelay: (connections) => Math.min(1_000, Math.max(50, connections * 4)),
	refreshMs: 10_000
};

interface Entry {
	/** The clock the owner last sent. */
	ownerClock: number;
	/** The clock relayed to everyone; never goes back. */
	clock: number;
	/** The state as JSON text ("null" once removed), relayed as received. */
	json: string;
	owner: object | null;
	isServer: boolean;
	lastUpdated: number;
	/** Clock of this entry in the last message sent to everyone. */
	sentClock: number;
}

export class Presence {
	private entries = new Map<number, Entry>();
	private departed = new Map<number, number>();
	private owned = new Map<object, Set<number>>();
	private changed = new Set<number>();
	private flushTimer: ReturnType<typeof setTimeout> | null = null;
	private refreshTimer: ReturnType<typeof setInterval>;
	/** Counted for tests and the benchmark: presence messages handed to sockets. */
	messagesSent = 0;

	constructor(
		private readonly settings: PresenceSettings,
		private readonly connections: () => number,
		private readonly broadcast: (message: Uint8Array) => number
	) {
		this.refreshTimer = setInterval(() => this.refresh(), settings.refreshMs);
		this.refreshTimer.unref();
	}

	/** Applies a client's awareness entries; ids that belong to another connection are ignored. */
	apply(owner: object, entries: AwarenessEntry[]): void {
		const now = Date.now();
		let ids = this.owned.get(owner);
		for (const { clientId, clock, json } of entries) {
			const entry = this.entries.get(clientId);
			if (entry?.isServer || (entry?.owner && entry.owner !== owner)) continue;
			if (!entry || entry.owner === null) {
				if (json === 'null') continue;
				const departed = this.departed.get(clientId) ?? entry?.clock;
				// A provider that reconnects announces itself first, with the clock it had; a
				// peer's late echo of a client that left must not bring that client back.
				if (departed !== undefined && clock <= departed && ids && ids.size > 0) continue;
				if (!ids) this.owned.set(owner, (ids = new Set()));
				if (ids.size >= MAX_IDS_PER_CONNECTION) continue;
				checkPresenceState(json);
				ids.add(clientId);
				this.departed.delete(clientId);
				this.entries.set(clientId, {
					ownerClock: clock,
					clock: departed === undefined ? clock : Math.max(clock, departed + 1),
					json,
					owner,
					isServer: false,
					lastUpdated: now,
					sentClock: -1
				});
				this.markChanged(clientId);
				continue;
			}
			if (clock < entry.ownerClock) continue;
			if (clock === entry.ownerClock && json === entry.json && json !== 'null') continue;
			const isChange = json !== entry.json;
			if (isChange && json !== 'null') checkPresenceState(json);
			entry.ownerClock = clock;
			// The relayed clock only grows, so every screen takes the newer state even when the
			// server had to move it past the owner's own clock.
			entry.clock =
				json === 'null' ? Math.max(clock, entry.clock) : Math.max(clock, entry.clock + 1);
			entry.json = json;
			entry.lastUpdated = now;
			if (json === 'null') this.forget(clientId, entry);
			if (isChange) this.markChanged(clientId);
		}
	}

	/** A connection closed: everyone it spoke for leaves. */
	removeOwner(owner: object): void {
		const ids = this.owned.get(owner);
		if (!ids) return;
		for (const clientId of ids) {
			const entry = this.entries.get(clientId);
			if (!entry) continue;
			entry.json = 'null';
			this.forget(clientId, entry);
			this.markChanged(clientId);
		}
		this.owned.delete(owner);
	}

	/** Sets the server's own entry (e.g. who is here), relayed like any change. */
	setServerState(clientId: number, state: unknown): void {
		const json = JSON.stringify(state);
		const entry = this.entries.get(clientId);
		if (entry && entry.json === json) return;
		if (entry) {
			entry.clock++;
			entry.json = json;
			entry.lastUpdated = Date.now();
		} else {
			this.entries.set(clientId, {
				ownerClock: 1,
				clock: 1,
				json,
				owner: null,
				isServer: true,
				lastUpdated: Date.now(),
				sentClock: -1
			});
		}
		this.markChanged(clientId);
	}

	/** Every present state, for a connection that just opened; null when there is none. */
	fullState(): Uint8Array | null {
		const present = [...this.entries].filter(([, entry]) => entry.json !== 'null');
		if (present.length === 0) return null;
		return encodeMessage(present.map(([clientId, entry]) => [clientId, entry]));
	}

	/** Present states as parsed JSON (for who-is-here and tests). */
	states(): Map<number, unknown> {
		const states = new Map<number, unknown>();
		for (const [clientId, entry] of this.entries) {
			if (entry.json !== 'null') states.set(clientId, JSON.parse(entry.json));
		}
		return states;
	}

	destroy(): void {
		clearInterval(this.refreshTimer);
		if (this.flushTimer) clearTimeout(this.flushTimer);
		this.flushTimer = null;
	}

	private markChanged(clientId: number): void {
		this.changed.add(clientId);
		if (!this.flushTimer) {
			this.flushTimer = setTimeout(
				() => this.flush(),
				this.settings.flushDelay(this.connections())
			);
		}
	}

	private forget(clientId: number, entry: Entry): void {
		if (entry.owner) this.owned.get(entry.owner)?.delete(clientId);
		entry.owner = null;
		this.departed.set(clientId, entry.clock);
		if (this.departed.size > MAX_REMEMBERED) {
			this.departed.delete(this.departed.keys().next().value!);
		}
	}

	private flush(): void {
		this.flushTimer = null;
		if (this.changed.size === 0) return;
		const ids = [...this.changed];
		this.changed.clear();
		this.send(ids);
	}

	/** Renews heartbeats in one message per connection, and forgets silent clients. */
	private refresh(): void {
		const now = Date.now();
		for (const [clientId, entry] of this.entries) {
			if (entry.isServer) {
				// The server's own entry (who-is-here can be large): renewed only as often as
				// screens need a newer clock to keep it, i.e. within their 30 s timeout.
				if (now - entry.lastUpdated >= OUTDATED_MS / 2) {
					entry.clock++;
					entry.lastUpdated = now;
				}
			} else if (entry.json !== 'null' && now - entry.lastUpdated > OUTDATED_MS) {
				entry.json = 'null';
				this.forget(clientId, entry);
				this.changed.add(clientId);
			}
		}
		const ids = new Set(this.changed);
		this.changed.clear();
		for (const [clientId, entry] of this.entries)
			if (entry.clock !== entry.sentClock) ids.add(clientId);
		this.send([...ids]);
	}

	private send(ids: number[]): void {
		const chosen: Array<[number, Entry]> = [];
		for (const clientId of ids) {
			const entry = this.entries.get(clientId);
			if (!entry) continue;
			chosen.push([clientId, entry]);
			entry.sentClock = entry.clock;
			// A removal has been announced; only its clock is still needed.
			if (entry.json === 'null') this.entries.delete(clientId);
		}
		this.messagesSent += this.broadcast(encodeMessage(chosen));
	}
}

function encodeMessage(entries: Array<[number, Pick<Entry, 'clock' | 'json'>]>): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, entries.length);
	for (const [clientId, entry] of entries) {
		encoding.writeVarUint(inner, clientId);
		encoding.writeVarUint(inner, entry.clock);
		encoding.writeVarString(inner, entry.json);
	}
	const outer = encoding.createEncoder();
	encoding.writeVarUint(outer, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner));
	return encoding.toUint8Array(outer);
}
