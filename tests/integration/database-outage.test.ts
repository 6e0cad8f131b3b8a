/**
 * PostgreSQL restarts in the middle of a workshop: the app says it is degraded, the room stays
 * live, writes wait and are retried, and once the database is back nothing is lost.
 *
 * How the restart is made. The machine's PostgreSQL is shared with every other test file
 * running at the same time, so it cannot be restarted. Instead the server under test reaches
 * its database through a TCP proxy (tests/support/tcp-proxy.ts), and the test restarts
 * "PostgreSQL" for that server alone, the way a restart looks from the app:
 *   1. the proxy stops taking connections (a restarting server's port refuses them);
 *   2. every backend serving the app through the proxy is ended with pg_terminate_backend,
 *      which sends each connection the FATAL 57P01 "terminating connection due to
 *      administrator command" a shutting-down PostgreSQL sends, then closes it;
 *   3. whatever the proxy still holds is reset;
 *   4. later the proxy takes connections again (the server is back up).
 * The data itself stays where it is, as across a real restart. Only the app's own
 * connections are touched: the test reads the database directly (not through the proxy), and
 * a second instance later runs directly on it.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stageDocName } from '../../src/lib/collab/doc-names';
import {
	facilitatorWithWorkshop,
	joinAsParticipant,
	type FacilitatorWithWorkshop,
	type Participant
} from '../support/actors';
import { addTerm, entries, mergedText, put } from '../support/board-text';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { connectPeer, headersOf, upgradeStatus, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';
import { readStoredDocs } from '../support/stored-docs';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { openDatabase } from '../../src/lib/server/db/open';
import { createPoll, controlPoll, Voter } from '../support/voting';

// PostgreSQL only: PGlite is embedded, there is no connection to lose. Skipped (not empty)
// without DATABASE_URL, so a run on the embedded database alone still finds a suite here.
const kind = 'postgres' as const;
describe.skipIf(!databaseKinds().includes(kind))(
	'PostgreSQL restarting mid-workshop (postgres)',
	() => {
		let database: TestDatabase;
		let proxy: TcpProxy;
		let server: RunningServer;
		const others: RunningServer[] = [];
		const peers: Peer[] = [];

		/** The test database's URL with the proxy in place of PostgreSQL's own port. */
		function throughProxy(): string {
			const url = new URL(database.env.DATABASE_URL!);
			url.host = `127.0.0.1:${proxy.port}`;
			return url.toString();
		}

		/** Steps 1–3 of the header: PostgreSQL goes down for this server. */
		async function stopPostgres() {
			proxy.refuse();
			const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
			try {
				const ports = proxy.upstreamPorts();
				if (ports.length > 0) {
					await admin`
						select pg_terminate_backend(pid) from pg_stat_activity
						where client_port in ${admin(ports)} and client_addr = '127.0.0.1'`;
				}
			} finally {
				await admin.end();
			}
			proxy.cut();
		}

		function peer(on: RunningServer, client: Participant['client'], docName: string): Peer {
			const created = connectPeer(on.url, client, docName);
			peers.push(created);
			return created;
		}

		async function health(on: RunningServer) {
			const response = await fetch(`${on.url}/healthz`);
			return { status: response.status, body: (await response.json()) as { status: string } };
		}

		beforeAll(async () => {
			database = await createTestDatabase(kind);
			const target = new URL(database.env.DATABASE_URL!);
			proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
			server = await startServer(database, { DATABASE_URL: throughProxy() });
		});
		afterAll(async () => {
			for (const p of peers) p.destroy();
			if (process.env.DEBUG_SERVER) console.log(server?.output());
			await Promise.all([server?.stop(), ...others.map((o) => o.stop())]);
			await proxy?.close();
			await database?.drop();
		});

		test('the room stays live, the app says it is degraded, and every edit made meanwhile is stored once PostgreSQL is back', async () => {
			const facilitator: FacilitatorWithWorkshop = await facilitatorWithWorkshop(server);
			const sales = await joinAsParticipant(server, facilitator, 'Sales', 'Sam');
			const marketing = await joinAsParticipant(server, facilitator, 'Marketing', 'Mia');
			const latecomer = await joinAsParticipant(server, facilitator, 'Sales', 'Lee');
			const { workshopId } = facilitator;
			const board = stageDocName(workshopId, 'shared-terms');
			const unopened = stageDocName(workshopId, 'measures');
			const term = await addTerm(facilitator.client, workshopId, 'shared-terms', 'MQL');
			const pollId = await createPoll(facilitator.client, workshopId, {
				kind: 'scale',
				question: 'How sure are you the hand-off SLA will hold?'
			});
			expect((await controlPoll(facilitator.client, workshopId, pollId, 'open')).status).toBe(200);
			const voter = new Voter(sales.client, workshopId, 'Sam');
			// The device holds its token before the outage; the cast itself meets the outage.
			await voter.token(pollId);

			const a = peer(server, sales.client, board);
			const b = peer(server, marketing.client, board);
			await Promise.all([a.whenSynced(), b.whenSynced()]);
			await put(a, term, 'before', 'written before the restart');
			await a.ack();
			expect(await health(server)).toMatchObject({ status: 200, body: { status: 'ok' } });

			await stopPostgres();

			// The app says so.
			const degraded = await waitFor('healthz to report degraded', async () => {
				const answer = await health(server);
				return answer.status === 503 ? answer : null;
			});
			expect(degraded.body).toMatchObject({ status: 'degraded', db: 'postgres' });

			// The room stays live: connected devices keep relaying edits to each other.
			for (let i = 0; i < 5; i++) {
				await put(a, term, `sales-${i}`, 'typed while the database was down');
				await put(b, term, `marketing-${i}`, 'typed while the database was down');
			}
			const written = (p: Peer) =>
				Object.keys(entries(p.doc)).filter((key) => /^(sales|marketing)-\d$/.test(key));
			await waitFor('both devices to see all ten lines', () =>
				[a, b].every((p) => written(p).length === 10)
			);

			// Everything that needs the database answers a clear 503, never a 500.
			const ballot = await voter.vote(pollId, '3');
			expect(ballot.status).toBe(503);
			expect(ballot.body.message).toMatch(/database/i);
			const card = await marketing.client.json(
				'POST',
				`/api/workshops/${workshopId}/stages/shared-terms/cards`,
				{ type: 'term', text: 'SQL' }
			);
			expect(card.status).toBe(503);
			const page = await latecomer.client.get(`/w/${workshopId}`);
			expect(page.status).toBe(503);
			// Pages anyone may open say so too, with Retry-After, whether or not a session has
			// to be checked first; and the secrets in their paths never reach the log.
			const reviewToken = 'leaderreviewtoken'.padEnd(32, 'q');
			const reviewPath = `/review/${workshopId}/${reviewToken}`;
			const pages = [
				['/', {}],
				['/signin', {}],
				[reviewPath, {}],
				[`/j/${facilitator.joinCode}`, {}],
				['/', { cookie: latecomer.client.cookieHeader() }],
				[reviewPath, { cookie: latecomer.client.cookieHeader() }]
			] as const;
			const requestIds = new Map<string, string>();
			for (const [path, headers] of pages) {
				const answer = await fetch(server.url + path, {
					redirect: 'manual',
					headers: { accept: 'text/html', ...headers }
				});
				const what = `${path}${'cookie' in headers ? ' with a session' : ''}`;
				expect(answer.status, what).toBe(503);
				expect(answer.headers.get('retry-after'), what).toBe('5');
				expect(answer.headers.get('content-type'), what).toMatch(/^text\/html/);
				const html = await answer.text();
				expect(html, what).toContain('Temporarily unavailable');
				expect(html, what).toContain('database is not reachable');
				requestIds.set(what, answer.headers.get('x-request-id')!);
			}
			const logLines = server
				.output()
				.split('\n')
				.filter(Boolean)
				.map((line) => JSON.parse(line) as Record<string, unknown>);
			const output = server.output();
			expect(output).not.toContain(reviewToken);
			expect(output).not.toContain(facilitator.joinCode);
			for (const cookie of latecomer.client.cookies.values()) expect(output).not.toContain(cookie);
			// The lines of those requests are there, found by their request id, with the path
			// blanked where it held the secret.
			expect(
				logLines.filter((line) => line.reqId === requestIds.get(reviewPath)).map((l) => l.path)
			).toContain(`/review/${workshopId}/[redacted]`);
			expect(
				logLines
					.filter((line) => line.reqId === requestIds.get(`/j/${facilitator.joinCode}`))
					.map((l) => l.path)
			).toContain('/j/[redacted]');
			// A device that connects now (a document not loaded yet, or a loaded one) is told to
			// come back, not that the server failed; nothing of the failure is kept.
			const headers = headersOf(latecomer.client, server.url);
			expect(await upgradeStatus(server.url, unopened, headers)).toBe(503);
			expect(await upgradeStatus(server.url, board, headers)).toBe(503);
			expect(await health(server)).toMatchObject({ status: 503 });

			// A restart takes a while: PostgreSQL stays down until the server has retried its
			// appends three times (by then it has also tried to listen for other instances again,
			// which it does as soon as that connection drops).
			await waitFor(
				'the appends to fail three times',
				() => (server.output().match(/persisting updates failed/g)?.length ?? 0) >= 3
			);
			expect(await health(server)).toMatchObject({ status: 503 });
			expect(written(a).length + written(b).length).toBe(20);

			proxy.restore();

			await waitFor(
				'healthz to report ok again',
				async () => (await health(server)).status === 200
			);
			// The edits typed during the outage reach the database by themselves (the store
			// retries), without anyone reconnecting or typing again.
			await waitFor(
				'the outage’s edits to be committed',
				async () => {
					const stored = (await readStoredDocs(database, [board])).get(board)!;
					return (
						Object.keys(entries(stored)).filter((k) => /^(sales|marketing)-\d$/.test(k)).length ===
						10
					);
				},
				{ timeoutMs: 15_000, intervalMs: 200 }
			);

			// The HTTP API and new connections work again.
			expect((await voter.vote(pollId, '4')).status).toBe(201);
			expect(
				(
					await marketing.client.json(
						'POST',
						`/api/workshops/${workshopId}/stages/shared-terms/cards`,
						{ type: 'term', text: 'SQL' }
					)
				).status
			).toBe(201);
			expect((await latecomer.client.get(`/w/${workshopId}`)).status).toBe(200);
			const late = peer(server, latecomer.client, unopened);
			await late.whenSynced();

			// Other instances' changes reach this one again: its LISTEN connection came back.
			const second = await startServer(database);
			others.push(second);
			const elsewhere = peer(second, latecomer.client, board);
			await elsewhere.whenSynced();
			expect(written(elsewhere).length).toBe(10);
			await put(elsewhere, term, 'from-the-other-instance', 'relayed through the log');
			await waitFor('an edit made on another instance to reach this one’s devices', () =>
				[a, b].every((p) => entries(p.doc)['from-the-other-instance'])
			);

			// A fresh process on the same database serves all of it, with the first one gone
			// without a chance to flush anything (kill -9).
			await server.kill();
			const fresh = await startServer(database);
			others.push(fresh);
			const reader = peer(fresh, facilitator.client.at(fresh.url), board);
			await reader.whenSynced();
			const stored = entries(reader.doc);
			expect(stored.before).toBe('written before the restart');
			for (let i = 0; i < 5; i++) {
				expect(stored[`sales-${i}`]).toBe('typed while the database was down');
				expect(stored[`marketing-${i}`]).toBe('typed while the database was down');
			}
			expect(stored['from-the-other-instance']).toBe('relayed through the log');
			expect(mergedText(reader.doc, term)).not.toBeNull();
		});

		test('every query made while the connections break gets an answer, and the pool recovers', async () => {
			// The pool of one process, through a proxy of its own (the suite's is in use above).
			const target = new URL(database.env.DATABASE_URL!);
			const own = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
			const url = new URL(database.env.DATABASE_URL!);
			url.host = `127.0.0.1:${own.port}`;
			const opened = await openDatabase({ databaseUrl: url.toString(), migrationsDir: 'drizzle' });
			try {
				await Promise.all(Array.from({ length: 5 }, () => opened.ping()));
				own.cut();
				// Requests keep coming while the pooled connections learn, one event at a time,
				// that they are gone. Each query must fail (or succeed), not hang: a query that
				// never settles is a request that never answers.
				const outcomes: string[] = [];
				for (let i = 0; i < 8; i++) outcomes.push(await settledWithin(opened.ping(), 3_000));
				expect(outcomes).not.toContain('no answer');
				expect(outcomes).toContain('failed');
				own.restore();
				await waitFor('the pool to answer again', async () => {
					await opened.ping();
					return true;
				});
			} finally {
				await opened.close();
				await own.close();
			}
		});
	}
);

/** 'answered', 'failed', or 'no answer' when the promise has not settled within `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<string> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const deadline = new Promise<string>((resolve) => {
		timer = setTimeout(() => resolve('no answer'), ms);
	});
	try {
		return await Promise.race([
			promise.then(
				() => 'answered',
				() => 'failed'
			),
			deadline
		]);
	} finally {
		clearTimeout(timer);
	}
}
