/**
 * WebSocket upgrades on the app's own port. Each entry claims the paths it serves; in
 * production anything unclaimed is answered 404, under `vite dev` it is left to Vite (HMR).
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Runtime } from './runtime';

export type UpgradeRoute = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export function attachUpgrades(
	// Vite's dev server may be typed as an http2 server; only the 'upgrade' event is used.
	server: Pick<http.Server, 'on'>,
	_runtime: Runtime,
	options: { rejectUnknown: boolean }
): void {
	// The realtime endpoint (/realtime/<docName>) registers here.
	const routes: UpgradeRoute[] = [];
	server.on('upgrade', (req, socket, head) => {
		for (const route of routes) if (route(req, socket, head)) return;
		if (options.rejectUnknown) {
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
		}
	});
}
