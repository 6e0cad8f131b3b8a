/**
 * The postgres.js client, with its sockets opened here so that a broken connection always
 * fails the queries it holds.
 *
 * postgres.js (3.4.9) fails what a connection is running when its socket reports an error,
 * but when the socket then closes "with an error" it fails nothing more. A query handed to
 * the connection between the two events (they are separate ticks: when PostgreSQL restarts,
 * every pooled connection is reset at once while requests keep coming) is written to a dead
 * socket and never settles: a health check, a sign-in or a realtime append hangs for good, or
 * is later resolved with an empty result when the connection is reused. Reporting every close
 * as a plain close makes postgres.js fail whatever is still in flight with CONNECTION_CLOSED,
 * which callers see as "database unavailable" and retry (see ./availability.ts). The same
 * defect is reported upstream to postgres.js; drop this once a release fixes it.
 */
import net from 'node:net';
import postgres from 'postgres';

/** What postgres.js passes to a `socket` factory (not in its published types). */
interface SocketOptions {
	host: string[];
	port: number[];
	path?: string | false;
}

function openSocket(options: SocketOptions): net.Socket {
	const socket = options.path
		? net.connect(options.path)
		: net.connect(options.port[0] ?? 5432, options.host[0] ?? 'localhost');
	const emit = socket.emit.bind(socket);
	socket.emit = ((event: string | symbol, ...args: unknown[]) =>
		event === 'close' ? emit('close', false) : emit(event, ...args)) as typeof socket.emit;
	return socket;
}

/** `postgres(url, options)` with sockets that never leave a query hanging. */
export function connectPostgres(
	url: string,
	options: postgres.Options<Record<string, postgres.PostgresType>>
): postgres.Sql {
	return postgres(url, { ...options, socket: openSocket } as typeof options);
}
