/**
 * Our production server for the benchmark: build/server.js on a fresh PostgreSQL database,
 * with a facilitator, a workshop, and as many participant sessions as the largest run needs,
 * all made through the same HTTP form actions a browser uses.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import postgres from 'postgres';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import type { Endpoint } from './fleet';

export const PARTICIPANT_COOKIE = 'cg_participant';

export interface OurServer {
	server: RunningServer;
	database: TestDatabase;
	/** A connection to the server's database, for reading what it persisted. */
	sql: postgres.Sql;
	workshopId: string;
	joinCode: string;
	teamIds: string[];
	/** One participant session cookie value per bench client, reused across all N. */
	participantCookies: string[];
	/** The facilitator who owns the workshop, signed in. */
	facilitator: Client;
	/** How long each participant's join (the join form's action) took, in ms. */
	joinMs: number[];
	endpoint(docName: string): Endpoint;
	stop(): Promise<void>;
}

/** Runs `work` over `items`, at most `concurrency` at a time, keeping the order of results. */
export async function mapBounded<T, R>(
	items: readonly T[],
	concurrency: number,
	work: (item: T, index: number) => Promise<R>
): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(concurrency, items.length) }, async () => {
			while (next < items.length) {
				const index = next++;
				results[index] = await work(items[index]!, index);
			}
		})
	);
	return results;
}

export async function startOurs(options: {
	participants: number;
	env?: Record<string, string>;
	log: (line: string) => void;
	/** Called as soon as there is something to clean up, so an interrupted run still does. */
	track: (cleanup: () => Promise<void>, lastResort?: () => void) => void;
}): Promise<OurServer> {
	const database = await createTestDatabase('postgres');
	options.track(
		() => database.drop(),
		() => dropDatabaseNow(database)
	);
	// Benchmarks join hundreds to thousands into one workshop within a minute.
	const server = await startServer(database, {
		JOINS_PER_WORKSHOP_PER_MINUTE: '100000',
		...options.env
	});
	options.track(
		async () => {
			await server.stop();
		},
		() => server.child.kill('SIGKILL')
	);
	const sql = postgres(database.options.databaseUrl!, { max: 2, onnotice: () => {} });
	options.track(() => sql.end({ timeout: 2 }));

	const facilitator = new Client(server.url);
	const signedUp = await facilitator.action('/signup', {
		name: 'Bench Facilitator',
		email: 'bench@example.com',
		password: 'a long bench password'
	});
	if (signedUp.type !== 'redirect') throw new Error(`sign-up failed: ${JSON.stringify(signedUp)}`);
	const created = await facilitator.action('/workshops/new', {
		title: 'Fan-out benchmark',
		clientOrganisation: 'Bench Ltd'
	});
	const workshopId = /^\/workshops\/([^/?#]+)$/.exec(created.location ?? '')?.[1];
	if (!workshopId) throw new Error(`creating the workshop failed: ${JSON.stringify(created)}`);
	const [row] = await sql<{ join_code: string }[]>`
		select join_code from workshop where id = ${workshopId}`;
	const teams = await sql<{ id: string }[]>`
		select id from team where workshop_id = ${workshopId} order by position`;
	if (!row || teams.length === 0) throw new Error('the new workshop has no join code or teams');
	const teamIds = teams.map((t) => t.id);

	const started = Date.now();
	const joinMs: number[] = [];
	// Bounded concurrency: the server and Postgres share two cores with this process.
	const participantCookies = await mapBounded(
		Array.from({ length: options.participants }, (_, i) => i),
		16,
		async (i) => {
			const client = new Client(server.url);
			const sent = performance.now();
			const joined = await client.action(`/j/${row.join_code}`, {
				displayName: `Bench ${i + 1}`,
				teamId: teamIds[i % teamIds.length]!
			});
			joinMs[i] = performance.now() - sent;
			const cookie = client.cookies.get(PARTICIPANT_COOKIE);
			if (joined.type !== 'redirect' || !cookie) {
				throw new Error(`participant ${i} could not join: ${JSON.stringify(joined)}`);
			}
			return cookie;
		}
	);
	options.log(
		`joined ${participantCookies.length} participants over HTTP in ${((Date.now() - started) / 1000).toFixed(1)} s`
	);

	const origin = server.url;
	return {
		server,
		database,
		sql,
		workshopId,
		joinCode: row.join_code,
		teamIds,
		participantCookies,
		facilitator,
		joinMs,
		endpoint: (docName) => ({
			label: 'ours',
			serverUrl: `ws://127.0.0.1:${server.port}/realtime`,
			docName,
			capacity: participantCookies.length,
			headers: (index) => ({
				origin,
				cookie: `${PARTICIPANT_COOKIE}=${participantCookies[index]}`
			})
		}),
		stop: async () => {
			await server.stop();
		}
	};
}

/**
 * Opens one raw WebSocket to /realtime/<docName> and reports whether the upgrade succeeds,
 * so the benchmark can say precisely why our side cannot run instead of timing out 1000 times.
 */
export function probeRealtime(endpoint: Endpoint, timeoutMs = 10_000): Promise<string | null> {
	return new Promise((resolve) => {
		const socket = new WebSocket(`${endpoint.serverUrl}/${endpoint.docName}`, {
			headers: endpoint.headers(0)
		});
		const done = (problem: string | null) => {
			clearTimeout(timer);
			socket.removeAllListeners();
			socket.on('error', () => {});
			socket.terminate();
			resolve(problem);
		};
		const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
		socket.on('unexpected-response', (_req, res) =>
			done(`the upgrade was answered HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim())
		);
		// The server speaks first (sync step 1), so a message proves a working endpoint.
		socket.on('message', () => done(null));
		socket.on('close', (code, reason) =>
			done(`closed with ${code} ${reason.toString()} before any message`.trim())
		);
		socket.on('error', (error) => done(error.message));
	});
}

/**
 * Drops the benchmark's database synchronously, for a process that is exiting and can no
 * longer wait for promises: a short-lived child does the asynchronous work.
 */
function dropDatabaseNow(database: TestDatabase): void {
	const adminUrl = process.env.DATABASE_URL;
	const name = new URL(database.env.DATABASE_URL ?? 'postgres://x/').pathname.slice(1);
	if (!adminUrl || !/^cg_test_[0-9a-f]+$/.test(name)) return;
	const script = `
		const postgres = require('postgres');
		const sql = postgres(process.env.ADMIN_URL, { max: 1, onnotice: () => {} });
		sql.unsafe('drop database if exists ' + process.env.DATABASE_NAME + ' with (force)')
			.finally(() => sql.end({ timeout: 2 }));`;
	execFileSync(process.execPath, ['-e', script], {
		env: { ...process.env, ADMIN_URL: adminUrl, DATABASE_NAME: name },
		stdio: 'ignore',
		timeout: 15_000
	});
}
