/**
 * A proxy's pool of kept-alive HTTP/1.1 connections, as lean as a load generator's (wrk,
 * autocannon): each request's bytes are made before the burst, as a phone makes its own on its
 * own processor, and during the burst this process only writes them and reads the status line
 * and body length of each answer. One request at a time per connection (no pipelining), the
 * rest wait their turn, as in HAProxy's or Envoy's pool. With node:http's client the clients'
 * own CPU per request was 0.2–0.3 ms, taken from the same two cores the server runs on.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RawRequest {
	method: 'GET' | 'POST';
	path: string;
	body?: string;
}

export interface RawAnswer {
	status: number;
	/** ms from `send` (all requests are sent at once) to this answer's last byte. */
	ms: number;
}

/** The request's bytes, as a proxy forwards them. */
export function encode(host: string, request: RawRequest): Buffer {
	const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
	const head =
		`${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n` +
		(request.body === undefined
			? ''
			: `content-type: application/json\r\ncontent-length: ${body.length}\r\n`) +
		'\r\n';
	return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Reads answers off one connection: calls `done` with each answer's status once its body
 * (by content-length, which every answer of the app's JSON endpoints carries) is in.
 */
function answers(socket: net.Socket, done: (status: number) => void) {
	let pending: Buffer = Buffer.alloc(0);
	socket.on('data', (chunk: Buffer) => {
		pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
		for (;;) {
			const headEnd = pending.indexOf(HEAD_END);
			if (headEnd < 0) return;
			const head = pending.subarray(0, headEnd).toString('latin1');
			const status = Number(head.slice(9, 12));
			const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
			const end = headEnd + HEAD_END.length + length;
			if (pending.length < end) return;
			pending = pending.subarray(end);
			done(status);
		}
	});
}

export interface RawPool {
	/** Sends every request at once; answers in the same order, with their latency. */
	send(requests: Buffer[]): Promise<RawAnswer[]>;
	close(): void;
}

/** Opens `size` connections to the app (before the burst, as a proxy's are). */
export async function openPool(url: string, size: number): Promise<RawPool> {
	const { hostname, port } = new URL(url);
	const sockets = await Promise.all(
		Array.from(
			{ length: size },
			() =>
				new Promise<net.Socket>((resolve, reject) => {
					const socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
					socket.once('connect', () => resolve(socket));
					socket.once('error', reject);
				})
		)
	);
	return {
		send(requests) {
			const results: RawAnswer[] = new Array(requests.length);
			let next = 0;
			const started = performance.now();
			return new Promise((resolve, reject) => {
				let left = requests.length;
				if (left === 0) resolve(results);
				for (const socket of sockets) {
					let current = -1;
					const take = () => {
						if (next >= requests.length) return;
						current = next++;
						socket.write(requests[current]!);
					};
					socket.removeAllListeners('data');
					socket.removeAllListeners('error');
					socket.once('error', reject);
					answers(socket, (status) => {
						results[current] = { status, ms: performance.now() - started };
						left--;
						if (left === 0) resolve(results);
						else take();
					});
					take();
				}
			});
		},
		close() {
			for (const socket of sockets) socket.destroy();
		}
	};
}
