/**
 * The HTTP server that owns the app's port: the voting endpoints, `GET /metrics` (when
 * enabled), then SvelteKit's request handler for every other request; server/upgrades.ts
 * attaches WebSocket upgrades to the same server. Every other request gets an id, answered in
 * `x-request-id` and carried by every log line written while it is served.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { moduleLogger, requestIdFrom, withRequest } from '../src/lib/server/logger';
import { metrics } from '../src/lib/server/metrics';

const log = moduleLogger('http');

export const REQUEST_ID_HEADER = 'x-request-id';

/** How long an idle kept-alive connection stays open: longer than a proxy's 60 s. */
const KEEP_ALIVE_MS = 65_000;

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

export interface AppServerOptions {
	/**
	 * Tried in order before anything else (the voting endpoints): no request id, no log line,
	 * no `http_responses_total` count unless the route counts itself.
	 */
	ownRoutes?: OwnRoute[];
	/** Sees every request first (the benchmarks' opt-in timing, or nothing). */
	onRequest?: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null;
	/** A header a trusted proxy sets with its request id; unset: ids are made here. */
	requestIdHeader?: string;
	/** Set: `GET /metrics` answers to this bearer token. Unset: it does not exist (404). */
	metricsToken?: string;
}

export function createAppServer(
	handler: RequestHandler,
	options: AppServerOptions = {}
): AppServer {
	const statesProtocol = process.env.PROTOCOL_HEADER === OWN_PROTOCOL_HEADER;
	const { httpResponses } = metrics();
	const server = http.createServer((req, res) => {
		options.onRequest?.(req, res);
		// The voting endpoints come first, without the id and the answer's log line below: they
		// log nothing per request, and a proxy's request id in a ballot's line would point to
		// the proxy's own log of who sent it. They count their answers themselves.
		for (const route of options.ownRoutes ?? []) if (route(req, res)) return;
		if (statesProtocol) req.headers[OWN_PROTOCOL_HEADER] = 'http';
		const requestId = requestIdFrom(
			options.requestIdHeader ? req.headers[options.requestIdHeader] : undefined
		);
		// SvelteKit's hooks read the id from here (a client's own value is overwritten).
		req.headers[REQUEST_ID_HEADER] = requestId;
		res.setHeader(REQUEST_ID_HEADER, requestId);
		const started = performance.now();
		res.once('finish', () => {
			httpResponses.inc({ status: `${Math.floor(res.statusCode / 100)}xx` });
			// Failed answers are worth a line each; the rest only when asked for (LOG_LEVEL=debug).
			const level = res.statusCode >= 500 ? 'warn' : 'debug';
			if (!log.isLevelEnabled(level)) return;
			log[level](
				{
					reqId: requestId,
					method: req.method,
					url: req.url,
					status: res.statusCode,
					ms: Math.round((performance.now() - started) * 10) / 10
				},
				'answered'
			);
		});
		withRequest(requestId, () => {
			if (isMetricsRequest(req)) return answerMetrics(req, res, options.metricsToken);
			handler(req, res, () => {
				res.statusCode = 404;
				res.end('Not found');
			});
		});
	});

	// Behind the TLS proxy the README asks for, phones' requests reach us over the proxy's pool
	// of kept-alive connections. Node closes an idle one after 5 s by default, which races the
	// proxy reusing it (a 502 for whoever's request lost); outliving the usual 60 s upstream
	// idle time leaves closing to the proxy. A vote burst then costs no connection set-up here.
	// headersTimeout (60 s) needs no raise: on Node 20 it times a request's headers from their
	// first byte, not a connection's idle wait between requests.
	server.keepAliveTimeout = KEEP_ALIVE_MS;
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

function isMetricsRequest(req: http.IncomingMessage): boolean {
	return (req.url ?? '').split('?')[0] === '/metrics';
}

/**
 * Prometheus figures for whoever holds the token. Without a token configured the endpoint
 * does not exist: the figures (connections, documents, timings) are for operators only.
 */
function answerMetrics(
	req: http.IncomingMessage,
	res: http.ServerResponse,
	token: string | undefined
): void {
	const plain = (status: number, message: string, headers: Record<string, string> = {}) => {
		res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
		res.end(message);
	};
	if (!token) return plain(404, 'Not found');
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		return plain(405, 'Only GET reads the metrics.', { allow: 'GET, HEAD' });
	}
	if (!hasBearer(req.headers.authorization, token)) {
		return plain(401, 'The metrics need `Authorization: Bearer <METRICS_TOKEN>`.', {
			'www-authenticate': 'Bearer realm="metrics"'
		});
	}
	const { registry } = metrics();
	registry.metrics().then(
		(text) => {
			res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
			res.end(req.method === 'HEAD' ? undefined : text);
		},
		(error: unknown) => {
			log.error({ err: error }, 'collecting metrics failed');
			plain(500, 'Collecting the metrics failed.');
		}
	);
}

function hasBearer(header: string | undefined, token: string): boolean {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	if (!match) return false;
	const given = Buffer.from(match[1]!);
	const expected = Buffer.from(token);
	return given.length === expected.length && timingSafeEqual(given, expected);
}
