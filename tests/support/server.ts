/**
 * Starts the real production server (build/server.js, built by `npm run build` before the
 * tests) as a child process on a random port, and waits for it to say it is listening.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestDatabase } from './databases';

const SERVER_ENTRY = path.resolve('build/server.js');

export interface RunningServer {
	url: string;
	port: number;
	child: ChildProcess;
	/** Everything the server printed so far. */
	output(): string;
	/** SIGTERM and wait for the exit (graceful shutdown). */
	stop(): Promise<number | null>;
	/** SIGKILL: the crash case. */
	kill(): Promise<void>;
}

export async function startServer(
	database: TestDatabase,
	env: Record<string, string> = {},
	/** Another build's entry (the version-skew test's older build). */
	{ entry = SERVER_ENTRY }: { entry?: string } = {}
): Promise<RunningServer> {
	if (!fs.existsSync(entry)) {
		throw new Error('build/server.js is missing: run `npm run build` first (npm test does).');
	}
	// e.g. SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a benchmark's server.
	const nodeArgs = process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
	const child = spawn(process.execPath, [...nodeArgs, entry], {
		env: {
			...process.env,
			DATABASE_URL: '',
			DATA_DIR: '',
			...database.env,
			PORT: '0',
			HOST: '127.0.0.1',
			ORIGIN: '',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => resolve(code))
	);

	const port = await new Promise<number>((resolve, reject) => {
		const onData = () => {
			const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
			if (match) {
				child.stdout!.off('data', onData);
				resolve(Number(match[1]));
			}
		};
		child.stdout!.on('data', onData);
		void exited.then((code) =>
			reject(new Error(`server exited with ${code} before listening:\n${output}`))
		);
	});

	return {
		url: `http://127.0.0.1:${port}`,
		port,
		child,
		output: () => output,
		stop: async () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			return exited;
		},
		kill: async () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			await exited;
		}
	};
}

/** Runs the server entry to completion (for start-up failures) and returns code and output. */
export function runServerToExit(
	env: Record<string, string>
): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		// e.g. SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a benchmark's server.
		const nodeArgs = process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
		const child = spawn(process.execPath, [...nodeArgs, SERVER_ENTRY], {
			env: {
				...process.env,
				DATABASE_URL: '',
				DATA_DIR: '',
				ORIGIN: '',
				HOST: '127.0.0.1',
				...env
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.once('exit', (code) => resolve({ code, output }));
	});
}
