/**
 * `npm run bench:votes`: a room of N voting at once through the real paths, with the machine's
 * own insert ceiling measured in the same run.
 *
 * 1. N participants join through the join form; the facilitator creates a consent poll. Each
 *    device blinds its token request as soon as the poll's key is in the room (the draft), as
 *    the phones do.
 * 2. Tokens: the facilitator opens the poll and every device asks for its blind signature at
 *    once, with its session. Per device, "token" is the time from the open request until that
 *    device holds a verified token: its blind signature's arrival plus its own unblinding
 *    (finalize), which a phone does on its own processor. All N devices share this process's
 *    one thread, so the unblinding is timed per device and added, not queued behind the others;
 *    the wall time until the last device in this process holds its token is printed beside it.
 * 3. Casts: every device casts at the same moment, with its token and no cookie, through a
 *    proxy's connection pool or a connection each (VIA, below). Ack latency
 *    (sent → answered, which the server gives once the ballot's batch is committed), ballots
 *    per second over the burst, and whether the revealed tally and the bulletin are exactly
 *    what was cast.
 *    The burst's CPU per ballot is read for the server, the clients (this process) and, on
 *    PostgreSQL, every process of the database; "cores carry" is the rate at which that much
 *    work per ballot would keep all the machine's cores busy with nothing else.
 *    Steps 1 (the poll) to 3 run for VOTES_ROUNDS polls (2 by default), as a workshop votes
 *    many times: the first poll is the server's first vote since it started, with its ballot
 *    code not yet optimized by V8; later polls show the steady state.
 * 4. Ceiling (PostgreSQL): pgbench inserts the same row into a scratch table, one row per
 *    transaction from 16 connections, for 5 s; the ratio is ballots/s over that rate. pgbench's
 *    rate is a steady state, so the last poll's ratio is the like-for-like one; every poll's
 *    figures are printed.
 * 5. HTTP floor (via the pool): the same casts' bytes, poll by poll, sent the same way to a bare
 *    node:http server that parses each body and answers it (http-floor.ts). The app's rate over
 *    that one is how much of node:http's own rate on this machine the ballot path keeps, and the
 *    bare server's own ratio ("its ratio") is the most that any ballot path served by one Node
 *    process could reach against the insert ceiling in this run.
 *
 * Runs on PostgreSQL when DATABASE_URL is set, else PGlite (`VOTES_DB` picks one). Prints
 * figures, asserts nothing. A line per poll; the last line is the last poll's:
 *   votes N=500 db=postgres poll=<n> via=<pool|direct> exact=<bool> p99=<ms> per_s=<n> token_p99=<ms> ceiling_ratio=<x>
 * Targets on a 2-core machine with the clients on it: exact, p99 < 250 ms, token_p99 < 2000 ms,
 * ceiling_ratio ≥ 0.5.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import {
	castBody,
	finalize,
	keyFor,
	prepare,
	type KeptToken
} from '../../src/lib/client/voting-token';
import type { TokenKey } from '../../src/lib/domain/voting-token';
import { facilitatorWithWorkshop } from '../factories/workshops';
import { createTestDatabase, databaseKinds, type DatabaseKind } from '../support/databases';
import { Client } from '../support/http';
import { startServer } from '../support/server';
import { mapBounded } from './ours';
import { httpFloor } from './http-floor';
import { encode, openPool, type RawPool } from './raw-pool';
import { cpuMs, postgresCpuMs } from './process-stats';
import { formatMs, formatRate, percentile, table } from './stats';

const N = Number(process.env.VOTES_N || 500);
const ROUNDS = Number(process.env.VOTES_ROUNDS || 2);
/**
 * How casts reach the app. `pool` (the default): through a TLS proxy's pool of kept-alive
 * connections, as the README's deployment has it (HAProxy's `maxconn`, Envoy's connection
 * pool; raw-pool.ts): at most VOTES_POOL requests at once, the rest wait their turn in the
 * proxy, and no connection is set up during the burst. `direct`: each phone opens its own
 * connection to the app, as without a proxy.
 */
const VIA = process.env.VOTES_VIA === 'direct' ? 'direct' : 'pool';
const POOL = Number(process.env.VOTES_POOL || 64);
const CHOICES = ['agree', 'live', 'object'] as const;

type Pending = NonNullable<KeptToken['pending']>;

function pgbenchCeiling(databaseUrl: string): number {
	const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
	const candidates = [
		path.join(bindir, 'pgbench'),
		...fs.readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`)
	];
	const pgbench = candidates.find((c) => fs.existsSync(c));
	if (!pgbench) return Number.NaN;
	const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-pgbench-')), 'ballot.sql');
	fs.writeFileSync(
		script,
		`insert into bench_ballot (poll_id, token_hash, team_id, choice, reason)
values ('poll', md5(random()::text || clock_timestamp()::text) || md5(random()::text), 'team', '{"v":"agree"}', null);\n`
	);
	const output = execFileSync(
		pgbench,
		['-n', '-f', script, '-c', '16', '-j', '2', '-T', '5', databaseUrl],
		{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
	);
	return Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? Number.NaN);
}

/**
 * A cast as a phone sends it on a connection of its own (JSON, no cookie; VIA=direct), through
 * node:http rather than fetch: all the phones share this one process, and fetch's own CPU per
 * request (about 1.5 ms here) would make the burst measure this process instead of the server.
 */
function postJson(url: string, body: unknown): Promise<number> {
	return new Promise((resolve, reject) => {
		const text = JSON.stringify(body);
		const req = http.request(
			url,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			}
		);
		req.on('error', reject);
		req.end(text);
	});
}

async function run(kind: DatabaseKind) {
	const database = await createTestDatabase(kind);
	const server = await startServer(database, {
		// VOTES_N people join one workshop within a minute.
		JOINS_PER_WORKSHOP_PER_MINUTE: '100000',
		...(process.env.VOTES_SERVER_NODE_OPTIONS
			? { NODE_OPTIONS: process.env.VOTES_SERVER_NODE_OPTIONS }
			: {})
	});
	try {
		const made = await facilitatorWithWorkshop(server.url, 'Vote burst');
		const { facilitator, workshopId, joinCode } = made;
		const teamIds = made.teamList.map((team) => team.id);

		const joinStarted = performance.now();
		const people = await mapBounded(
			Array.from({ length: N }, (_, i) => i),
			25,
			async (i) => {
				const client = new Client(server.url);
				const teamId = teamIds[i % teamIds.length]!;
				const joined = await client.action(`/j/${joinCode}`, {
					displayName: `Voter ${i + 1}`,
					teamId
				});
				if (joined.type !== 'redirect')
					throw new Error(`join ${i} failed: ${JSON.stringify(joined)}`);
				return { client, teamId };
			}
		);
		const joinMs = performance.now() - joinStarted;

		const api = `/api/workshops/${workshopId}`;
		const rounds = [];
		/** Each poll's casts as the pool sent them, for the HTTP floor. */
		const bursts: Buffer[][] = [];
		for (let round = 1; round <= ROUNDS; round++) {
			const agreement = await facilitator.json('POST', `${api}/agreements`, {
				statement: `An MQL is a lead scored ${50 + round * 10} or more.`
			});
			const poll = await facilitator.json('POST', `${api}/polls`, {
				kind: 'consent',
				agreementId: agreement.body.id
			});
			const pollId = String(poll.body.id);
			const keys = (
				(await facilitator.json('GET', `${api}/polls/${pollId}`)).body.poll as {
					keys: TokenKey[];
				}
			).keys;

			// The draft: every device blinds its request (not timed; a phone does this on its own).
			const blindStarted = performance.now();
			const pending: Pending[] = [];
			for (const person of people) pending.push(await prepare(keyFor(keys, person.teamId)!));
			const blindMsPerDevice = (performance.now() - blindStarted) / N;

			// Tokens.
			const cpuBeforeTokens = cpuMs(server.child.pid);
			const opened = performance.now();
			await facilitator.json('POST', `${api}/polls/${pollId}`, { action: 'open' });
			const signatures = await Promise.all(
				people.map(async (person, i) => {
					const answer = await person.client.json('POST', `${api}/polls/${pollId}/token`, {
						keyId: pending[i]!.key.id,
						blindedMessage: pending[i]!.blinded
					});
					if (answer.status !== 200) throw new Error(`token ${i}: ${JSON.stringify(answer)}`);
					return {
						at: performance.now() - opened,
						blindSignature: String(answer.body.blindSignature)
					};
				})
			);
			const serverTokenCpuMs = cpuMs(server.child.pid) - cpuBeforeTokens;
			const tokens = [];
			const tokenMs: number[] = [];
			const finalizeMs: number[] = [];
			for (const [i, signed] of signatures.entries()) {
				const started = performance.now();
				tokens.push(await finalize(pending[i]!, signed.blindSignature));
				const own = performance.now() - started;
				finalizeMs.push(own);
				tokenMs.push(signed.at + own);
			}
			const tokensWallMs = performance.now() - opened;

			// Casts.
			const ballotPath = `${api}/polls/${pollId}/ballot`;
			const choices = tokens.map((_, i) => CHOICES[i % CHOICES.length]!);
			let pool: RawPool | undefined;
			let requests: Buffer[] = [];
			if (VIA === 'pool') {
				pool = await openPool(server.url, POOL);
				const host = new URL(server.url).host;
				// The pool's connections have each served a request before the burst.
				await pool.send(
					Array.from({ length: POOL }, () => encode(host, { method: 'GET', path: ballotPath }))
				);
				requests = tokens.map((token, i) =>
					encode(host, {
						method: 'POST',
						path: ballotPath,
						body: JSON.stringify(castBody(token, choices[i]!))
					})
				);
				bursts.push(requests);
			}
			const expected: Record<string, number> = { agree: 0, live: 0, object: 0 };
			let latencies: number[] = [];
			let refused = 0;
			const count = (status: number, i: number) => {
				if (status === 201) expected[choices[i]!]! += 1;
				else refused++;
			};
			const cpuBefore = cpuMs(server.child.pid);
			const mainCpuBefore = cpuMs(server.child.pid, server.child.pid);
			const clientCpuBefore = process.cpuUsage();
			const postgresCpuBefore = kind === 'postgres' ? postgresCpuMs() : Number.NaN;
			const burstStarted = performance.now();
			if (pool) {
				const answered = await pool.send(requests);
				answered.forEach((a, i) => count(a.status, i));
				latencies = answered.map((a) => a.ms);
			} else {
				await Promise.all(
					tokens.map(async (token, i) => {
						const sent = performance.now();
						const status = await postJson(
							`${server.url}${ballotPath}`,
							castBody(token, choices[i]!)
						);
						latencies.push(performance.now() - sent);
						count(status, i);
					})
				);
			}
			const burstMs = performance.now() - burstStarted;
			pool?.close();
			const serverCpuMs = cpuMs(server.child.pid) - cpuBefore;
			const mainCpuMs = cpuMs(server.child.pid, server.child.pid) - mainCpuBefore;
			const clientCpu = process.cpuUsage(clientCpuBefore);
			const clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;
			const postgresCpuPerBallot = (postgresCpuMs() - postgresCpuBefore) / N;

			await facilitator.json('POST', `${api}/polls/${pollId}`, { action: 'close' });
			await facilitator.json('POST', `${api}/polls/${pollId}`, { action: 'reveal' });
			const read = await facilitator.json('GET', `${api}/polls/${pollId}`);
			const result = (
				read.body.poll as { result: { voters: number; counts: Record<string, number> } }
			).result;
			const bulletin = (await facilitator.json('GET', `${api}/polls/${pollId}/bulletin`)).body
				.ballots as { tracker: string }[];
			const onBulletin = new Set(bulletin.map((b) => b.tracker));
			const exact =
				refused === 0 &&
				result.voters === N &&
				CHOICES.every((c) => result.counts[c] === expected[c]) &&
				bulletin.length === N &&
				tokens.every((t) => onBulletin.has(t.tracker));
			rounds.push({
				round,
				blindMsPerDevice,
				tokenP50: percentile(tokenMs, 50),
				tokenP99: percentile(tokenMs, 99),
				tokensWallMs,
				finalizeP50: percentile(finalizeMs, 50),
				serverTokenCpuPer: serverTokenCpuMs / N,
				burstMs,
				p50: percentile(latencies, 50),
				p99: percentile(latencies, 99),
				max: Math.max(...latencies),
				perSecond: (N / burstMs) * 1000,
				refused,
				exact,
				cpuPerBallot: serverCpuMs / N,
				mainCpuPerBallot: mainCpuMs / N,
				clientCpuPerBallot: clientCpuMs / N,
				postgresCpuPerBallot,
				// The rate at which the machine's cores would be busy with nothing else.
				// PGlite runs in the server's process, its CPU already counted there; a PostgreSQL
				// whose processes could not be read leaves the figure out (NaN, printed "–").
				cpuBound:
					(os.cpus().length * 1000) /
					(serverCpuMs / N + clientCpuMs / N + (kind === 'pglite' ? 0 : postgresCpuPerBallot))
			});
		}

		let ceiling = Number.NaN;
		if (kind === 'postgres') {
			const admin = postgres(database.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
			await admin`create table bench_ballot (poll_id text not null, token_hash text not null,
				team_id text not null, choice jsonb not null, reason text, primary key (poll_id, token_hash))`;
			await admin.end();
			ceiling = pgbenchCeiling(database.env.DATABASE_URL!);
		}
		// The app's server is idle by now, so the two never share the cores.
		const floors = bursts.length > 0 ? await httpFloor(bursts, POOL) : [];
		return rounds.map((r, i) => ({
			kind,
			joinMs,
			...r,
			ceiling,
			ratio: r.perSecond / ceiling,
			floor: floors[i] ?? Number.NaN
		}));
	} finally {
		await server.stop();
		await database.drop();
	}
}

const kinds = databaseKinds().filter((k) =>
	process.env.VOTES_DB
		? k === process.env.VOTES_DB
		: k === (process.env.DATABASE_URL ? 'postgres' : 'pglite')
);
const results = [];
for (const kind of kinds) {
	console.log(
		`votes: ${N} participants on ${kind}, casts via ${VIA === 'pool' ? `a proxy's pool of ${POOL} connections` : 'a connection each'}, load average ${os.loadavg()[0]!.toFixed(2)}…`
	);
	results.push(...(await run(kind)));
}
console.log(
	table(
		[
			'db',
			'poll',
			'N',
			'join all',
			'blind/device',
			'token p50',
			'token p99',
			'tokens (one process)',
			'finalize/device',
			'server CPU/token'
		],
		results.map((r) => [
			r.kind,
			String(r.round),
			String(N),
			`${(r.joinMs / 1000).toFixed(1)} s`,
			`${formatMs(r.blindMsPerDevice)} ms`,
			`${formatMs(r.tokenP50)} ms`,
			`${formatMs(r.tokenP99)} ms`,
			`${formatMs(r.tokensWallMs)} ms`,
			`${formatMs(r.finalizeP50)} ms`,
			`${r.serverTokenCpuPer.toFixed(2)} ms`
		])
	)
);
console.log(
	table(
		[
			'db',
			'poll',
			'burst',
			'ack p50',
			'ack p99',
			'ack max',
			'ballots/s',
			'refused',
			'server CPU/ballot',
			'of it request thread',
			'clients CPU/ballot',
			'PostgreSQL CPU/ballot',
			'cores carry',
			'exact',
			'insert ceiling',
			'ratio',
			'bare HTTP',
			'its ratio',
			'of bare HTTP'
		],
		results.map((r) => [
			r.kind,
			String(r.round),
			`${formatMs(r.burstMs)} ms`,
			`${formatMs(r.p50)} ms`,
			`${formatMs(r.p99)} ms`,
			`${formatMs(r.max)} ms`,
			formatRate(r.perSecond),
			String(r.refused),
			`${r.cpuPerBallot.toFixed(2)} ms`,
			`${r.mainCpuPerBallot.toFixed(2)} ms`,
			`${r.clientCpuPerBallot.toFixed(2)} ms`,
			Number.isNaN(r.postgresCpuPerBallot) ? '–' : `${r.postgresCpuPerBallot.toFixed(2)} ms`,
			Number.isNaN(r.cpuBound) ? '–' : `${formatRate(r.cpuBound)}/s`,
			String(r.exact),
			Number.isNaN(r.ceiling) ? '–' : `${formatRate(r.ceiling)} tx/s`,
			Number.isNaN(r.ratio) ? '–' : r.ratio.toFixed(2),
			Number.isNaN(r.floor) ? '–' : `${formatRate(r.floor)}/s`,
			Number.isNaN(r.floor / r.ceiling) ? '–' : (r.floor / r.ceiling).toFixed(2),
			Number.isNaN(r.floor) ? '–' : (r.perSecond / r.floor).toFixed(2)
		])
	)
);
console.log(`load average after: ${os.loadavg()[0]!.toFixed(2)}`);
for (const r of results) {
	console.log(
		`votes N=${N} db=${r.kind} poll=${r.round} via=${VIA} exact=${r.exact} p99=${Math.round(r.p99)} per_s=${Math.round(r.perSecond)} token_p99=${Math.round(r.tokenP99)} ceiling_ratio=${Number.isNaN(r.ratio) ? 'n/a' : r.ratio.toFixed(2)}`
	);
}
