/**
 * The machine's HTTP floor for a burst, measured in the same run as the app: a bare node:http
 * server in a process of its own that reads each request's JSON body, parses it, and answers
 * 201 with a body of the same size and the same headers as a cast's, all the requests read in
 * one turn of the event loop answered together (a group commit whose write costs nothing). No
 * routing, validation, token check or database. The same pool sends it the same requests'
 * bytes, so the gap between its rate and the app's is the app's own work per ballot.
 *
 * Run as `tsx tests/bench/http-floor.ts serve` it is that server; `httpFloor` starts it.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { encode, openPool } from './raw-pool';

const ANSWER = JSON.stringify({ voted: true, tracker: '0'.repeat(64), changed: false });

function serve() {
	let queue: http.ServerResponse[] = [];
	const flush = () => {
		const answering = queue;
		queue = [];
		for (const res of answering) {
			res.writeHead(201, {
				'content-type': 'application/json',
				'content-length': Buffer.byteLength(ANSWER),
				'cache-control': 'no-store',
				'x-content-type-options': 'nosniff'
			});
			res.end(ANSWER);
		}
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
			if (queue.push(res) === 1) setImmediate(flush);
		});
	});
	server.keepAliveTimeout = 65_000;
	server.listen(0, '127.0.0.1', () => {
		const address = server.address();
		process.send!(typeof address === 'object' && address ? address.port : 0);
	});
	process.on('disconnect', () => process.exit(0));
}

/**
 * Sends each burst of requests (a poll's casts) in turn to one fresh bare server through a
 * pool of `poolSize` connections, as the app's bursts were sent; the rate of each, per second.
 */
export async function httpFloor(bursts: Buffer[][], poolSize: number): Promise<number[]> {
	const child = fork(fileURLToPath(import.meta.url), ['serve'], {
		execArgv: ['--import', 'tsx'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc']
	});
	try {
		const port = await new Promise<number>((resolve, reject) => {
			child.once('message', (m) => resolve(Number(m)));
			child.once('exit', (code) => reject(new Error(`the bare server exited (${code})`)));
		});
		const rates: number[] = [];
		for (const requests of bursts) {
			const pool = await openPool(`http://127.0.0.1:${port}`, poolSize);
			// Each connection serves a request first, as the app's pool did before its burst.
			const host = `127.0.0.1:${port}`;
			await pool.send(
				Array.from({ length: poolSize }, () => encode(host, { method: 'GET', path: '/' }))
			);
			const started = performance.now();
			const answers = await pool.send(requests);
			const ms = performance.now() - started;
			pool.close();
			if (answers.some((a) => a.status !== 201)) throw new Error('the bare server refused');
			rates.push((requests.length / ms) * 1000);
		}
		return rates;
	} finally {
		child.kill();
	}
}

if (process.argv[2] === 'serve') serve();
