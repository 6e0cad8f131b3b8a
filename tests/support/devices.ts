/**
 * Devices connected the way the app's pages connect: through `DocConnection`, which takes
 * reconnecting over from the stock provider (full-jitter backoff) and reports a status. Kept
 * apart from ./realtime.ts because it brings in a Svelte rune module.
 */
import * as Y from 'yjs';
import type { BackoffPolicy } from '../../src/lib/state/backoff';
import { DocConnection } from '../../src/lib/state/doc-connection.svelte';
import type { Client } from './http';
import { acknowledge, headersOf, socketClassFor, waitFor, type ObservedSocket } from './realtime';

export interface Device {
	connection: DocConnection;
	doc: Y.Doc;
	/** Every socket the connection opened, newest last, with the time each was created. */
	sockets: Array<{ socket: ObservedSocket; openedAt: number }>;
	readonly socket: ObservedSocket | undefined;
	whenLive(): Promise<void>;
	ack(): Promise<void>;
	destroy(): void;
}

/**
 * A device connected the way the app's pages connect (`DocConnection`): after a drop it
 * reconnects on its own, each attempt after a random (full-jitter) delay, and it resends what
 * the server has not got. The test's ack works on whichever socket is current.
 */
export function connectDevice(
	baseUrl: string,
	client: Client,
	docName: string,
	options: { backoff?: BackoffPolicy } = {}
): Device {
	const sockets: Device['sockets'] = [];
	const origin = new URL(baseUrl).origin;
	const connection = new DocConnection(docName, {
		origin,
		WebSocketPolyfill: socketClassFor(
			() => headersOf(client, origin),
			(socket) => sockets.push({ socket, openedAt: Date.now() })
		),
		backoff: options.backoff,
		connect: false
	});
	connection.connect();
	const device: Device = {
		connection,
		doc: connection.doc,
		sockets,
		get socket() {
			return sockets[sockets.length - 1]?.socket;
		},
		whenLive: () =>
			waitFor(`${docName} to be live`, () => connection.status === 'live').then(() => {}),
		ack: () => acknowledge(device.socket, connection.doc),
		destroy: () => connection.destroy()
	};
	return device;
}
