/**
 * A TCP proxy a test can cut and restore: what sits between one process and a service it
 * depends on (PostgreSQL, or one browser's connection to the app), so a test can take that
 * service away from that process alone while everything else on the machine keeps using it.
 *
 * `cut()` destroys every proxied connection in both directions and turns new connections away
 * (each is reset as soon as it is accepted: the client's connect fails with ECONNRESET, as
 * close to ECONNREFUSED as a port we keep listening on can get; keeping the port means nothing
 * else can take it while the proxy is cut). `restore()` lets connections through again.
 */
import net from 'node:net';

export interface TcpProxy {
	/** The port to connect to instead of the target's. */
	readonly port: number;
	readonly isCut: boolean;
	/** Connections passed through so far (accepted while not cut). */
	readonly accepted: number;
	/** Connections turned away while cut. */
	readonly refused: number;
	/**
	 * The local ports of the open connections to the target: what the target sees as the
	 * client's port (PostgreSQL's `pg_stat_activity.client_port`).
	 */
	upstreamPorts(): number[];
	/** Turns new connections away until `restore()`; open ones stay. */
	refuse(): void;
	/** Drops every open connection and refuses new ones until `restore()`. */
	cut(): void;
	restore(): void;
	close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
	const open = new Set<net.Socket>();
	const upstreams = new Set<net.Socket>();
	let isCut = false;
	let accepted = 0;
	let refused = 0;

	const server = net.createServer((client) => {
		client.on('error', () => {});
		if (isCut) {
			refused++;
			client.resetAndDestroy();
			return;
		}
		accepted++;
		const upstream = net.connect(target.port, target.host);
		upstream.on('error', () => {});
		open.add(client);
		open.add(upstream);
		upstreams.add(upstream);
		const forget = () => {
			open.delete(client);
			open.delete(upstream);
			upstreams.delete(upstream);
			client.destroy();
			upstream.destroy();
		};
		client.on('close', forget);
		upstream.on('close', forget);
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as net.AddressInfo).port;

	return {
		port,
		get isCut() {
			return isCut;
		},
		get accepted() {
			return accepted;
		},
		get refused() {
			return refused;
		},
		upstreamPorts: () =>
			[...upstreams].map((socket) => socket.localPort).filter((p): p is number => !!p),
		refuse() {
			isCut = true;
		},
		cut() {
			isCut = true;
			// A reset, not a polite close: the far end learns nothing more than that the
			// connection is gone, as when the machine or the service goes away.
			for (const socket of [...open]) socket.resetAndDestroy();
			open.clear();
			upstreams.clear();
		},
		restore() {
			isCut = false;
		},
		close: async () => {
			isCut = true;
			for (const socket of [...open]) socket.destroy();
			open.clear();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
