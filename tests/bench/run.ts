/**
 * The frame every benchmark runs in: it logs with the time since start, cleans up its child
 * processes and databases on every way out (normal end, error, Ctrl-C, its deadline), and
 * prints its report even when it stops early, with notes saying why the figures are partial.
 */

import os from 'node:os';

/** Registers a clean-up step; `lastResort` is synchronous, for an exit that cannot wait. */
export type Track = (run: () => Promise<void>, lastResort?: () => void) => void;

export interface BenchRun {
	track: Track;
	/** Lines printed under the report (what went wrong, what was cut short). */
	notes: string[];
	log(line: string): void;
	/** Cleans up, prints the report and exits with `code`. */
	finish(code: number): Promise<void>;
	/**
	 * Clean-ups for one part of the run (e.g. one trial): `close` runs them now, newest first;
	 * whatever is still open at the end is cleaned up with the rest.
	 */
	scope(): { track: Track; close(): Promise<void> };
}

interface Cleanup {
	run: () => Promise<void>;
	lastResort?: () => void;
	isDone: boolean;
}

export function startBenchRun(options: { deadlineMs: number; report: () => void }): BenchRun {
	const startedAt = Date.now();
	const notes: string[] = [];
	const cleanups: Cleanup[] = [];
	const log = (line: string) => {
		const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
		process.stderr.write(`[${seconds}s] ${line}\n`);
	};
	// Newest first: connections close before the database they use is dropped.
	const track: Track = (run, lastResort) =>
		void cleanups.unshift({ run, lastResort, isDone: false });

	const runAll = async (steps: Cleanup[]) => {
		for (const cleanup of steps) {
			if (cleanup.isDone) continue;
			await Promise.race([
				cleanup.run().then(
					() => void (cleanup.isDone = true),
					(error) => log(`clean-up step failed: ${String(error)}`)
				),
				new Promise((resolve) => setTimeout(resolve, 15_000).unref())
			]);
		}
	};
	let cleaningUp: Promise<void> | undefined;
	const cleanUp = () => (cleaningUp ??= runAll(cleanups));
	// Whatever did not finish cleanly (an exit from a crash, or a step that hung) is forced here.
	process.on('exit', () => {
		for (const cleanup of cleanups) {
			if (cleanup.isDone || !cleanup.lastResort) continue;
			try {
				cleanup.lastResort();
			} catch {
				// Nothing more can be done while exiting.
			}
		}
	});

	let finishing: Promise<void> | undefined;
	const finish = (code: number) =>
		(finishing ??= (async () => {
			await cleanUp();
			options.report();
			process.exit(code);
		})());

	process.on('uncaughtException', (error) => {
		notes.push(`stopped on an uncaught error: ${error.stack ?? String(error)}`);
		void finish(1);
	});
	process.on('unhandledRejection', (error) => {
		notes.push(`stopped on an unhandled rejection: ${String(error)}`);
		void finish(1);
	});
	process.on('SIGINT', () => {
		notes.push('interrupted (SIGINT): figures below are partial');
		void finish(130);
	});
	process.on('SIGTERM', () => {
		notes.push('interrupted (SIGTERM): figures below are partial');
		void finish(143);
	});
	setTimeout(() => {
		notes.push(`deadline of ${options.deadlineMs / 1000} s reached: figures below are partial`);
		log('deadline reached, stopping');
		void finish(2);
	}, options.deadlineMs).unref();

	// Every stock provider registers an exit handler; hundreds of them are expected here.
	process.setMaxListeners(0);

	const scope = () => {
		const steps: Cleanup[] = [];
		let closing: Promise<void> | undefined;
		const close = () => (closing ??= runAll(steps));
		track(close, () => {
			for (const step of steps) if (!step.isDone) step.lastResort?.();
		});
		const trackInScope: Track = (run, lastResort) =>
			void steps.unshift({ run, lastResort, isDone: false });
		return { track: trackInScope, close };
	};

	return { track, notes, log, finish, scope };
}

/** The machine's load averages (1, 5, 15 min), as printed in every benchmark's report. */
export function loadAverage(): string {
	return os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' ');
}
