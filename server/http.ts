/**
 * The HTTP server that owns the app's port: SvelteKit's request handler for every request;
 * server/upgrades.ts attaches WebSocket upgrades to the same server.
 */
import http from 'node:http';

export type RequestHandler = (
	req: http.IncomingMessage,
	res: http.ServerResponse,
	next?: () => void
) => void;

export interface AppServer {
	server: http.Server;
	listen(port: number, host: string): Promise<number>;
	/** Stops accepting, lets requests in flight finish (up to `graceMs`), then closes the rest. */
	close(graceMs?: number): Promise<void>;
}

/**
 * Without ORIGIN, adapter-node takes the scheme from PROTOCOL_HEADER and otherwise assumes
 * https, which breaks form posts on plain http. This server knows its sockets are plain
 * http, so it states that in a header of its own (overwriting whatever a client sent).
 */
export const OWN_PROTOCOL_HEADER = 'x-common-ground-protocol';

/** Answers a request the server serves itself (ahead of SvelteKit), or returns false. */
export type OwnRoute = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/**
 * @param onRequest sees every request first (the benchmarks' opt-in timing, or nothing).
 * @param ownRoutes are tried in order before SvelteKit's handler.
 */
export function createAppServer(
	handler: RequestHandler,
	onRequest: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null = null,
	ownRoutes: OwnRoute[] = []
): AppServer {
	const statesProtocol = process.env.PROTOCOL_HEADER === OWN_PROTOCOL_HEADER;
	const server = http.createServer((req, res) => {
		onRequest?.(req, res);
		if (statesProtocol) req.headers[OWN_PROTOCOL_HEADER] = 'http';
		for (const route of ownRoutes) if (route(req, res)) return;
		handler(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		});
	});

	return {
		server,
		listen: (port, host) =>
			new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, () => {
					server.off('error', reject);
					const address = server.address();
					resolve(typeof address === 'object' && address ? address.port : port);
				});
			}),
		close: (graceMs = 10_000) =>
			new Promise((resolve) => {
				const force = setTimeout(() => server.closeAllConnections(), graceMs);
				force.unref();
				server.close(() => {
					clearTimeout(force);
					resolve();
				});
				server.closeIdleConnections();
			})
	};
}
