/**
 * WebSocket upgrades on the app's own port. Each entry claims the paths it serves; in
 * production anything unclaimed is answered 404, under `vite dev` it is left to Vite (HMR).
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { readConfig } from '../src/lib/server/config';
import { moduleLogger, requestIdFrom, withRequest } from '../src/lib/server/logger';
import { REQUEST_ID_HEADER } from './http';
import { startRealtime } from './realtime';
import type { Runtime } from './runtime';

export type UpgradeRoute = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export function attachUpgrades(
	// Vite's dev server may be typed as an http2 server; only 'upgrade' and close are used.
	server: Pick<http.Server, 'on' | 'close'>,
	runtime: Runtime,
	options: { rejectUnknown: boolean }
): void {
	const config = readConfig();
	const realtime = startRealtime(runtime.database, config);
	runtime.onStop(() => realtime.stop());
	drainBeforeClose(server, () => realtime.drain());

	const routes: UpgradeRoute[] = [realtime.route];
	server.on('upgrade', (req, socket, head) => {
		// An upgrade is a request too: its log lines carry an id, as in server/http.ts.
		const requestId = requestIdFrom(
			config.requestIdHeader ? req.headers[config.requestIdHeader] : undefined
		);
		req.headers[REQUEST_ID_HEADER] = requestId;
		withRequest(requestId, () => {
			for (const route of routes) if (route(req, socket, head)) return;
			if (options.rejectUnknown) {
				socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			}
		});
	});
}

/**
 * An HTTP server's close waits for every connection, and upgraded sockets count but are never
 * closed by it: closing would hang. So closing the server first drains the realtime sockets
 * (commit everything, then close them with 1012), then closes the server as asked.
 */
function drainBeforeClose(server: Pick<http.Server, 'close'>, drain: () => Promise<void>): void {
	const close = server.close.bind(server);
	server.close = ((callback?: (error?: Error) => void) => {
		drain()
			.catch((error) => moduleLogger('realtime').error({ err: error }, 'draining failed'))
			.finally(() => close(callback));
		return server;
	}) as typeof server.close;
}
