/**
 * What the benchmarks read about the server process under test: CPU time and peak memory from
 * /proc (Linux only; NaN elsewhere), and the event loop's delay and request times, which the
 * server reports on SIGUSR2 when started with BENCH_METRICS=1 (server/bench-metrics.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { METRICS_LINE } from '../../server/bench-metrics';
import type { RunningServer } from '../support/server';

/**
 * CPU time (user + system) the process has used so far, in ms (in 10 ms ticks). With `thread`,
 * that thread's only: the process's own id names its main thread, the one that parses and
 * answers every request.
 */
export function cpuMs(pid: number | undefined, thread?: number): number {
	try {
		const file = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
		const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return Number.NaN;
	}
}

/**
 * CPU time every process of the local PostgreSQL (user `postgres`) has used so far, in ms: its
 * backends, WAL writer and checkpointer together. NaN when there is none to read.
 */
export function postgresCpuMs(): number {
	try {
		const pids = execFileSync('pgrep', ['-u', 'postgres'], { encoding: 'utf8' })
			.split('\n')
			.filter(Boolean)
			.map(Number);
		// A process that ended between the listing and the read counts nothing.
		return pids.reduce((sum, pid) => sum + (cpuMs(pid) || 0), 0);
	} catch {
		return Number.NaN;
	}
}

/** The process's peak resident memory so far (VmHWM), in MB. */
export function peakRssMb(pid: number | undefined): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
		return kb === undefined ? Number.NaN : Number(kb) / 1024;
	} catch {
		return Number.NaN;
	}
}

export interface EventLoopDelay {
	p50: number;
	p99: number;
	max: number;
	mean: number;
}

/** Per kind of request (e.g. "POST /api/workshops/:id/live"), as the server timed it. */
export type RequestTimes = Record<string, { count: number; p50: number; p99: number; max: number }>;

export interface ServerMetrics {
	eventLoopDelayMs: EventLoopDelay;
	requestsMs: RequestTimes;
}

/**
 * Asks the server for its figures since the previous call (or since it started) and resolves
 * with them once the server has printed them; null when the server does not answer within
 * `timeoutMs` (started without BENCH_METRICS=1, or not on a POSIX system).
 */
export function serverMetrics(
	server: RunningServer,
	timeoutMs = 5_000
): Promise<ServerMetrics | null> {
	const stdout = server.child.stdout!;
	return new Promise((resolve) => {
		let seen = '';
		const done = (value: ServerMetrics | null) => {
			clearTimeout(timer);
			stdout.off('data', onData);
			resolve(value);
		};
		const onData = (chunk: Buffer) => {
			seen += chunk.toString();
			const line = seen.split('\n').find((l) => l.startsWith(METRICS_LINE) && l.endsWith('}'));
			if (line) done(JSON.parse(line.slice(METRICS_LINE.length)) as ServerMetrics);
		};
		const timer = setTimeout(() => done(null), timeoutMs);
		stdout.on('data', onData);
		if (!server.child.kill('SIGUSR2')) done(null);
	});
}
