/**
 * Tunables of the realtime server. Defaults suit a workshop of a few hundred people; the
 * environment can change them (tests shorten the idle time to watch documents unload).
 */
import * as v from 'valibot';
import { defaultPresenceSettings, type PresenceSettings } from './presence';
import { defaultRateLimit, type RateLimitSettings } from './rate-limit';

export interface RealtimeSettings {
	/** A document without connections stays loaded this long, then is flushed and unloaded. */
	idleUnloadMs: number;
	/** The batching tick for the update log; receipt to commit stays under 100 ms. */
	batchMs: number;
	/** Log entries between two snapshots of a document. */
	compactEvery: number;
	/** Largest WebSocket message accepted; larger ones close the socket with 1009. */
	maxMessageBytes: number;
	/** A client whose unsent backlog grows past this is disconnected (1013). */
	maxBufferedBytes: number;
	/** Sockets that do not answer a ping within this interval are dropped. */
	pingIntervalMs: number;
	/** How often the sessions behind live connections are checked (sign-out, removal). */
	sessionCheckMs: number;
	presence: PresenceSettings;
	rateLimit: RateLimitSettings;
}

const positiveInteger = v.pipe(
	v.string(),
	v.transform(Number),
	v.number(),
	v.integer(),
	v.minValue(1)
);

function fromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const parsed = v.safeParse(positiveInteger, raw);
	if (!parsed.success) throw new Error(`${name} must be a whole number above 0, got "${raw}".`);
	return parsed.output;
}

export function readRealtimeSettings(env: NodeJS.ProcessEnv = process.env): RealtimeSettings {
	return {
		idleUnloadMs: fromEnv(env, 'REALTIME_IDLE_UNLOAD_MS', 30_000),
		batchMs: fromEnv(env, 'REALTIME_BATCH_MS', 10),
		compactEvery: fromEnv(env, 'REALTIME_COMPACT_EVERY', 100),
		maxMessageBytes: 1024 * 1024,
		maxBufferedBytes: 16 * 1024 * 1024,
		pingIntervalMs: 30_000,
		sessionCheckMs: fromEnv(env, 'REALTIME_SESSION_CHECK_MS', 30_000),
		presence: {
			...defaultPresenceSettings,
			refreshMs: fromEnv(env, 'REALTIME_PRESENCE_REFRESH_MS', defaultPresenceSettings.refreshMs)
		},
		rateLimit: defaultRateLimit
	};
}
