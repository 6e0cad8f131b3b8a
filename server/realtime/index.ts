/**
 * The realtime server: y-websocket protocol on `/realtime/<docName>`, on the app's own port.
 * Wires the document hub, the upgrade route, the cross-instance bus (PostgreSQL only) and the
 * registration that lets the SvelteKit bundle reach the hub (src/lib/server/rooms.ts).
 */
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { AppConfig } from '../../src/lib/server/config';
import type { Database } from '../../src/lib/server/db';
import { registerHub, unregisterHub } from '../../src/lib/server/rooms';
import { startBus, type Bus } from './bus';
import { Hub } from './hub';
import { readRealtimeSettings } from './settings';
import { createUpgradeRoute } from './upgrade';
import { moduleLogger } from '../../src/lib/server/logger';

const log = moduleLogger('realtime');

export interface Realtime {
	hub: Hub;
	route: ReturnType<typeof createUpgradeRoute>;
	/** Stop taking messages, commit everything, close every socket with 1012. */
	drain(): Promise<void>;
	/** After drain: final snapshots, the bus, and the registration. */
	stop(): Promise<void>;
}

export function startRealtime(database: Database, config: AppConfig): Realtime {
	const settings = readRealtimeSettings();
	const instanceId = randomBytes(6).toString('hex');
	const isShared = database.kind === 'postgres' && config.databaseUrl !== undefined;
	const hub = new Hub(database, settings, isShared ? { instanceId } : null);

	let bus: Promise<Bus | null> = Promise.resolve(null);
	if (isShared) {
		bus = startBus(config.databaseUrl!, instanceId, {
			pointer: (name, seq) => hub.pointer(name, seq),
			resync: () => hub.resync()
		}).catch((error) => {
			log.error({ err: error }, 'cannot listen for other instances');
			return null;
		});
	}

	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: settings.maxMessageBytes,
		perMessageDeflate: false,
		clientTracking: false
	});
	const route = createUpgradeRoute(hub, wss, { origin: config.origin });
	registerHub(hub);

	let stopping: Promise<void> | null = null;
	return {
		hub,
		route,
		drain: () => hub.drain(),
		stop: () =>
			(stopping ??= (async () => {
				await hub.stop();
				await (await bus)?.stop();
				unregisterHub(hub);
			})())
	};
}
