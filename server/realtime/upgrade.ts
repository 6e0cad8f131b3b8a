/**
 * The `/realtime/<docName>` upgrade. Everything is decided before the socket opens, and a
 * refusal is a plain HTTP answer: 404 for a name that is no document, 400 for an unknown
 * `view`, 403 for a foreign Origin, 401 without a valid session, 403 for the wrong workshop or
 * a document the member may not read, 503 while the server shuts down or the database is not
 * reachable. `?view=projector` narrows a facilitator's session to the projector's rules. One
 * refusal is a close code instead: a page built for other document shapes is let in and closed
 * at once with 4426, which tells it to reload rather than retry.
 */
import type http from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import {
	DOCUMENT_SCHEMA,
	OUTDATED_MESSAGE,
	SCHEMA_PARAM,
	UNTAGGED_SCHEMA
} from '../../src/lib/collab/compat';
import { DocumentTooNewError } from '../../src/lib/collab/migrate';
import { parseDocName, roomDocName } from '../../src/lib/collab/doc-names';
import {
	DATABASE_UNAVAILABLE_MESSAGE,
	describeDatabaseError,
	isDatabaseUnavailable
} from '../../src/lib/server/db/availability';
import { PROJECTOR_PARAMS } from '../../src/lib/collab/projector';
import { asSharedScreen, authenticate, isAllowedOrigin, isExistingBoard } from './auth';
import { CLOSE } from './close-codes';
import type { Hub } from './hub';
import type { SharedDoc } from './shared-doc';
import { currentRequestId, moduleLogger } from '../../src/lib/server/logger';
import { OWN_PROTOCOL_HEADER, REQUEST_ID_HEADER } from '../http';

const log = moduleLogger('realtime');

export const REALTIME_PREFIX = '/realtime/';

export interface UpgradeOptions {
	/** ORIGIN, when set; otherwise the request's Host is the expected origin. */
	origin: string | undefined;
}

/**
 * Whether the upgrade came over https, decided the way adapter-node decides it for pages (so
 * the session cookies set there are found here under the same name): ORIGIN's scheme when
 * set, else the proxy's PROTOCOL_HEADER (https when the header is missing, as adapter-node
 * assumes), else plain http (the server's own sockets; see server/http.ts).
 */
export function isSecureUpgrade(
	req: http.IncomingMessage,
	origin: string | undefined,
	env: NodeJS.ProcessEnv = process.env
): boolean {
	if (origin) return origin.startsWith('https:');
	const header = env.PROTOCOL_HEADER?.toLowerCase();
	if (!header || header === OWN_PROTOCOL_HEADER) return false;
	const value = req.headers[header];
	const scheme = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || 'https';
	return scheme === 'https';
}

/** Set-Cookie headers to send with the 101 answer (a session renewed during the check). */
const renewedCookies = new WeakMap<http.IncomingMessage, string[]>();

export function createUpgradeRoute(hub: Hub, wss: WebSocketServer, options: UpgradeOptions) {
	wss.on('headers', (headers, req) => {
		for (const cookie of renewedCookies.get(req) ?? []) headers.push(`Set-Cookie: ${cookie}`);
		const requestId = req.headers[REQUEST_ID_HEADER];
		if (typeof requestId === 'string') headers.push(`X-Request-Id: ${requestId}`);
	});

	return (req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean => {
		const url = req.url ?? '';
		if (!url.startsWith(REALTIME_PREFIX)) return false;
		// A client that gives up mid-check must not crash the process with an unhandled error.
		socket.on('error', () => {});
		upgrade(hub, wss, options, req, socket, head).catch((error) => {
			// Without the database no session can be checked and no document loaded: the
			// device is told to come back (its provider retries), not that the server broke.
			if (isDatabaseUnavailable(error)) {
				log.error(`upgrade refused: ${describeDatabaseError(error)}`);
				return refuse(socket, 503, DATABASE_UNAVAILABLE_MESSAGE);
			}
			// A document of a newer release (logged when it was refused): a newer instance of a
			// rolling release serves it; the provider retries until it reaches one.
			if (error instanceof DocumentTooNewError) {
				return refuse(socket, 503, 'This workshop is open in a newer version; reconnect shortly.');
			}
			log.error({ err: error }, 'upgrade failed');
			refuse(socket, 500, 'The realtime server failed; try again.');
		});
		return true;
	};
}

/** Whether the page opening a document was built for this server's document shapes. */
function isCurrentSchema(query: string): boolean {
	const tag = new URLSearchParams(query).get(SCHEMA_PARAM);
	return (tag ?? UNTAGGED_SCHEMA) === DOCUMENT_SCHEMA;
}

async function upgrade(
	hub: Hub,
	wss: WebSocketServer,
	options: UpgradeOptions,
	req: http.IncomingMessage,
	socket: Duplex,
	head: Buffer
): Promise<void> {
	const [path = '', query = ''] = (req.url ?? '').split('?');
	const name = path.slice(REALTIME_PREFIX.length);
	const address = parseDocName(name);
	if (!address) return refuse(socket, 404, 'No such document.');
	const view = new URLSearchParams(query).get('view');
	if (view !== null && view !== PROJECTOR_PARAMS.view) {
		return refuse(socket, 400, `No such view: the realtime endpoint knows "view=projector" only.`);
	}
	if (hub.isStopping) return refuse(socket, 503, 'The server is restarting; reconnect shortly.');
	if (!isAllowedOrigin(req.headers.origin, req.headers.host, options.origin)) {
		return refuse(socket, 403, 'This page may not open the workshop from its origin.');
	}
	if (!isCurrentSchema(query)) {
		// Opened and closed at once, so the page reads the code (an HTTP refusal would only
		// look like a dropped network to it, and it would retry forever).
		wss.handleUpgrade(req, socket, head, (ws) => ws.close(CLOSE.outdatedClient, OUTDATED_MESSAGE));
		return;
	}

	const auth = await authenticate(
		req.headers.cookie,
		address,
		isSecureUpgrade(req, options.origin)
	);
	if (!auth.ok) return refuse(socket, auth.status, auth.message);
	// The projector window: the facilitator's session, narrowed to what the room may see.
	const memberships = view === null ? auth.memberships : asSharedScreen(auth.memberships);
	if (memberships.length === 0) {
		return refuse(socket, 403, 'Only the workshop’s facilitator opens the projector view.');
	}
	// A loaded document was checked when it was first opened; reconnect storms skip the query.
	if (!hub.isLoaded(name) && !(await isExistingBoard(address))) {
		return refuse(socket, 404, 'This workshop has no such stage or team.');
	}

	// The room decides access to its boards, so it is loaded first.
	const room = await hub.acquire(roomDocName(address.workshopId));
	let shared: SharedDoc;
	try {
		if (address.kind === 'room') {
			hub.hold(room);
			shared = room;
		} else {
			shared = await hub.acquire(name);
		}
	} finally {
		hub.release(room);
	}
	if (hub.accessFor(memberships, shared) === 'none') {
		hub.release(shared);
		return refuse(socket, 403, 'You may not open this document.');
	}
	if (socket.destroyed) {
		hub.release(shared);
		return;
	}

	let isAttached = false;
	socket.once('close', () => {
		if (!isAttached) hub.release(shared);
	});
	renewedCookies.set(req, auth.setCookies);
	wss.handleUpgrade(req, socket, head, (ws) => {
		isAttached = true;
		hub.attach(ws, shared, memberships);
	});
}

function refuse(socket: Duplex, status: number, message: string): void {
	if (socket.destroyed) return;
	// The id is checked to be a plain token (logger.ts), so it cannot break the header block.
	const requestId = currentRequestId();
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
			'Connection: close\r\n' +
			(requestId ? `X-Request-Id: ${requestId}\r\n` : '') +
			'Content-Type: text/plain; charset=utf-8\r\n' +
			`Content-Length: ${Buffer.byteLength(message)}\r\n\r\n` +
			message
	);
}
