/**
 * `npm run bench:votes`: a burst of ballots through the real HTTP path.
 *
 * N participants join a workshop through the join form; the facilitator opens a consent poll;
 * then every participant casts at the same moment (one request each, all in flight at once).
 * Prints ack latency (request sent → answer received) p50/p99/max, ballots per second over the
 * whole burst, and whether the revealed tally is exactly what was cast. Runs on PGlite, and on
 * PostgreSQL when DATABASE_URL is set; the last line is for the last database run:
 *   votes N=500 db=<pglite|postgres> exact=<true|false> p99=<ms> per_s=<n>
 * Target on PostgreSQL: exact, p99 < 250 ms. This prints figures; it asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { teamsOnJoinPage } from '../factories/workshops';
import { createTestDatabase, databaseKinds, type DatabaseKind } from '../support/databases';
import { Client } from '../support/http';
import { startServer } from '../support/server';
import { mapBounded } from './ours';
import { cpuMs } from './process-stats';
import { formatMs, formatRate, percentile, table } from './stats';

const N = Number(process.env.VOTES_N || 500);
const CHOICES = ['agree', 'live', 'object'] as const;

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
		const facilitator = new Client(server.url);
		const signedUp = await facilitator.action('/signup', {
			name: 'Bench Facilitator',
			email: 'bench-votes@example.com',
			password: 'a long bench password'
		});
		if (signedUp.type !== 'redirect')
			throw new Error(`sign-up failed: ${JSON.stringify(signedUp)}`);
		const created = await facilitator.action('/workshops/new', {
			title: 'Vote burst',
			clientOrganisation: 'Bench Ltd'
		});
		const workshopId = /\/workshops\/([a-z2-7]+)$/.exec(created.location ?? '')?.[1];
		if (!workshopId) throw new Error('creating the workshop failed');
		const page = await (await facilitator.get(`/workshops/${workshopId}`)).text();
		const joinCode = /data-testid="join-code"[^>]*>\s*([A-Z0-9]{6})\s*</.exec(page)![1]!;
		const teamIds = Object.values(await teamsOnJoinPage(server.url, joinCode));

		const joinStarted = performance.now();
		const people = await mapBounded(
			Array.from({ length: N }, (_, i) => i),
			25,
			async (i) => {
				const client = new Client(server.url);
				const joined = await client.action(`/j/${joinCode}`, {
					displayName: `Voter ${i + 1}`,
					teamId: teamIds[i % teamIds.length]!
				});
				if (joined.type !== 'redirect')
					throw new Error(`join ${i} failed: ${JSON.stringify(joined)}`);
				return client;
			}
		);
		const joinMs = performance.now() - joinStarted;

		const api = `/api/workshops/${workshopId}`;
		const agreement = await facilitator.json('POST', `${api}/agreements`, {
			statement: 'An MQL is a lead scored 60 or more.'
		});
		const poll = await facilitator.json('POST', `${api}/polls`, {
			kind: 'consent',
			agreementId: agreement.body.id
		});
		const pollId = String(poll.body.id);
		await facilitator.json('POST', `${api}/polls/${pollId}`, { action: 'open' });

		const expected: Record<string, number> = { agree: 0, live: 0, object: 0 };
		const latencies: number[] = [];
		let refused = 0;
		const cpuBefore = cpuMs(server.child.pid);
		const burstStarted = performance.now();
		await Promise.all(
			people.map(async (client, i) => {
				const choice = CHOICES[i % CHOICES.length]!;
				const sent = performance.now();
				const answer = await client.json('POST', `${api}/polls/${pollId}/ballot`, {
					choice,
					secret: randomBytes(32).toString('base64url')
				});
				latencies.push(performance.now() - sent);
				if (answer.status === 201) expected[choice]! += 1;
				else refused++;
			})
		);
		const burstMs = performance.now() - burstStarted;
		const serverCpuMs = cpuMs(server.child.pid) - cpuBefore;

		await facilitator.json('POST', `${api}/polls/${pollId}`, { action: 'close' });
		await facilitator.json('POST', `${api}/polls/${pollId}`, { action: 'reveal' });
		const read = await facilitator.json('GET', `${api}/polls/${pollId}`);
		const result = (
			read.body.poll as { result: { voters: number; counts: Record<string, number> } }
		).result;
		const exact =
			refused === 0 &&
			result.voters === N &&
			CHOICES.every((c) => result.counts[c] === expected[c]);
		return {
			kind,
			joinMs,
			burstMs,
			p50: percentile(latencies, 50),
			p99: percentile(latencies, 99),
			max: Math.max(...latencies),
			perSecond: (N / burstMs) * 1000,
			refused,
			exact,
			cpuPerBallot: serverCpuMs / N
		};
	} finally {
		await server.stop();
		await database.drop();
	}
}

const results = [];
for (const kind of databaseKinds().filter(
	(k) => !process.env.VOTES_DB || k === process.env.VOTES_DB
)) {
	console.log(`votes: ${N} participants on ${kind}…`);
	results.push(await run(kind));
}
console.log(
	table(
		[
			'db',
			'N',
			'join all',
			'burst',
			'ack p50',
			'ack p99',
			'ack max',
			'ballots/s',
			'refused',
			'server CPU/ballot',
			'exact'
		],
		results.map((r) => [
			r.kind,
			String(N),
			`${(r.joinMs / 1000).toFixed(1)} s`,
			`${formatMs(r.burstMs)} ms`,
			`${formatMs(r.p50)} ms`,
			`${formatMs(r.p99)} ms`,
			`${formatMs(r.max)} ms`,
			formatRate(r.perSecond),
			String(r.refused),
			`${r.cpuPerBallot.toFixed(2)} ms`,
			String(r.exact)
		])
	)
);
for (const r of results) {
	console.log(
		`votes N=${N} db=${r.kind} exact=${r.exact} p99=${Math.round(r.p99)} per_s=${Math.round(r.perSecond)}`
	);
}
