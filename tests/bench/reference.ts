/**
 * The reference: `@y/websocket-server` 0.1.1 exactly as it ships (its own `bin` entry, its own
 * bundled `ws`), as a child process so it gets a core of its own like our server does, on a
 * free port on 127.0.0.1. No persistence (the reference's default): it is the speed to beat.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface ReferenceServer {
	port: number;
	child: ChildProcess;
	output(): string;
	stop(): Promise<void>;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

export function referenceEntry(): string {
	const require = createRequire(import.meta.url);
	const pkg = require.resolve('@y/websocket-server/package.json');
	return path.join(path.dirname(pkg), 'src', 'server.js');
}

export async function startReference(): Promise<ReferenceServer> {
	// The shipped entry reads PORT and cannot listen on 0, so ask the OS for a free port first;
	// another program grabbing it in between is possible but rare, hence one retry.
	for (let attempt = 0; ; attempt++) {
		const port = await freePort();
		const child = spawn(process.execPath, [referenceEntry()], {
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout!.on('data', (chunk) => (output += chunk));
		child.stderr!.on('data', (chunk) => (output += chunk));
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		const listening = await new Promise<boolean>((resolve) => {
			const onData = () => {
				if (/running at .* on port \d+/.test(output)) resolve(true);
			};
			child.stdout!.on('data', onData);
			void exited.then(() => resolve(false));
		});
		if (listening) {
			return {
				port,
				child,
				output: () => output,
				stop: async () => {
					if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
					await exited;
				}
			};
		}
		if (attempt >= 1 || !/EADDRINUSE/.test(output)) {
			throw new Error(`the reference server did not start:\n${output}`);
		}
	}
}
