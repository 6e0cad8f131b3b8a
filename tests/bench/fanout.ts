/**
 * Fan-out benchmark: our realtime server (auth and PostgreSQL persistence on) against the
 * reference y-websocket server, in one run, on this machine.
 *
 *   npm run build
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:fanout
 *
 * It prints figures and asserts nothing. It talks only to 127.0.0.1, stops by itself (see
 * BENCH_DEADLINE_MS), and removes its child processes and its database on every way out.
 *
 * Knobs (environment): BENCH_SIZES (default "50,200,500,1000"), BENCH_ROUNDS (50),
 * BENCH_PRESENCE_N (300), BENCH_PRESENCE_WINDOW_MS (30000), BENCH_DURABILITY_SAMPLES (200),
 * BENCH_FANOUT_PRESENCE=1 (clients keep the stock awareness heartbeat during fan-out rounds),
 * BENCH_DEADLINE_MS (900000).
 *
 * With BENCH_FANOUT_PRESENCE=1 the reference's N² presence relay makes its N=1000 join take
 * minutes on two cores; the connect budget then cuts it short and the table says so.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { connectFleet, createFanoutProbe, measurePresence, type Endpoint } from './fleet';
import type { FanoutProbe, FanoutResult, Fleet, PresenceResult, PresenceState } from './fleet';
import { measureDurability, type DurabilityResult } from './durability';
import { probeRealtime, startOurs, type OurServer } from './ours';
import { startReference, type ReferenceServer } from './reference';
import { loadAverage, startBenchRun } from './run';
import { formatMs, formatRate, percentile, table } from './stats';

const env = process.env;
const SIZES = (env.BENCH_SIZES ?? '50,200,500,1000').split(',').map(Number);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 50);
/** Rounds not counted: the first writes load the document and warm up the JIT. */
const WARMUP = 3;
const PRESENCE_N = Number(env.BENCH_PRESENCE_N ?? 300);
const PRESENCE_WINDOW_MS = Number(env.BENCH_PRESENCE_WINDOW_MS ?? 30_000);
const DURABILITY_SAMPLES = Number(env.BENCH_DURABILITY_SAMPLES ?? 200);
const FANOUT_PRESENCE = env.BENCH_FANOUT_PRESENCE === '1';
const DEADLINE_MS = Number(env.BENCH_DEADLINE_MS ?? 15 * 60_000);
/** No single connect phase may take longer (the reference with presence at N=1000 would). */
const CONNECT_BUDGET_MS = 120_000;
/** Time kept back for presence, durability and clean-up when fan-out runs long. */
const RESERVE_MS = 3 * 60_000;
const deadlineAt = Date.now() + DEADLINE_MS;
const timeLeft = () => deadlineAt - Date.now();
/** The stage board every client opens; participants may write it while it is unlocked. */
const STAGE_KEY = env.BENCH_STAGE ?? 'shared-terms';

type ServerName = 'ours' | 'reference';
const SERVERS: ServerName[] = ['ours', 'reference'];

interface FanoutRow {
	n: number;
	server: ServerName;
	connected: number;
	connectMs?: number;
	result?: FanoutResult;
	note?: string;
}

const fanoutRows: FanoutRow[] = [];
const presence = new Map<ServerName, PresenceResult | string>();
let durability: DurabilityResult | string = 'not measured';

const loadAtStart = loadAverage();
const { track, notes, log, finish } = startBenchRun({
	deadlineMs: DEADLINE_MS,
	report: printReport
});

// ---------------------------------------------------------------------------------------------

function fileDescriptorLimit(): string {
	try {
		return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
	} catch {
		return 'unknown';
	}
}

function presenceOf(index: number): PresenceState {
	return {
		name: `Bench ${index + 1}`,
		team: index % 2 === 0 ? 'Sales' : 'Marketing',
		colour: index % 2 === 0 ? '#1d4ed8' : '#b45309',
		stage: STAGE_KEY
	};
}

/**
 * Connects N clients to each available server, then runs the rounds alternately (ours,
 * reference, reference, ours, …) so that both see the same background load on this machine.
 */
async function runFanout(
	endpoints: Partial<Record<ServerName, Endpoint>>,
	n: number
): Promise<void> {
	const fleets: Array<{
		server: ServerName;
		fleet: Fleet;
		probe: FanoutProbe;
		row: FanoutRow;
		consecutiveTimeouts?: number;
	}> = [];
	try {
		for (const server of SERVERS) {
			const endpoint = endpoints[server];
			if (!endpoint) {
				fanoutRows.push({ n, server, connected: 0, note: 'server not available' });
				continue;
			}
			if (n > endpoint.capacity) {
				fanoutRows.push({ n, server, connected: 0, note: `only ${endpoint.capacity} sessions` });
				continue;
			}
			log(`${server}: connecting ${n} clients`);
			let fleet: Fleet;
			try {
				fleet = await connectFleet(endpoint, {
					count: n,
					presence: FANOUT_PRESENCE ? presenceOf : null,
					budgetMs: Math.min(CONNECT_BUDGET_MS, timeLeft())
				});
			} catch (error) {
				fanoutRows.push({ n, server, connected: 0, note: `failed: ${String(error)}` });
				continue;
			}
			const row: FanoutRow = {
				n,
				server,
				connected: fleet.clients.length,
				connectMs: fleet.connectMs
			};
			if (fleet.failures.length) {
				row.note = `${fleet.failures.length} failed to connect, e.g. ${summariseFailures(fleet.failures)}`;
			}
			fanoutRows.push(row);
			log(
				`${server}: ${fleet.clients.length}/${n} synced in ${(fleet.connectMs / 1000).toFixed(1)} s`
			);
			const probe = createFanoutProbe(fleet, { warmup: WARMUP, tag: `${server}-${n}` });
			fleets.push({ server, fleet, probe, row });
		}
		const active = [...fleets];
		for (let round = 0; round < WARMUP + ROUNDS && active.length > 0; round++) {
			if (timeLeft() < RESERVE_MS) {
				notes.push(`N=${n}: stopped after ${round} rounds to finish before the deadline`);
				break;
			}
			const order = round % 2 === 0 ? [...active] : [...active].reverse();
			for (const entry of order) {
				const timeoutsBefore = entry.probe.result.timeouts;
				await entry.probe.round();
				// A server that cannot deliver within the round timeout twice running will not
				// start to; waiting out the remaining rounds would only burn the time budget.
				if (entry.probe.result.timeouts > timeoutsBefore) {
					entry.consecutiveTimeouts = (entry.consecutiveTimeouts ?? 0) + 1;
					if (entry.consecutiveTimeouts >= 2) {
						entry.row.note = [entry.row.note, 'stopped after 2 timed-out rounds in a row']
							.filter(Boolean)
							.join('; ');
						active.splice(active.indexOf(entry), 1);
					}
				} else entry.consecutiveTimeouts = 0;
				// Let the round's trailing work (acknowledgements, the commit) finish first.
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
		}
		for (const { server, probe, row } of fleets) {
			row.result = probe.result;
			const s = probe.result.samples;
			log(
				`${server}: N=${n} p50 ${formatMs(percentile(s, 50))} ms, p90 ${formatMs(percentile(s, 90))} ms`
			);
		}
	} finally {
		for (const { fleet, probe } of fleets) {
			probe.dispose();
			await fleet.close();
		}
	}
}

async function runPresence(endpoint: Endpoint, server: ServerName): Promise<void> {
	if (PRESENCE_N > endpoint.capacity) {
		presence.set(server, `only ${endpoint.capacity} sessions`);
		return;
	}
	log(`${server}: presence with ${PRESENCE_N} clients, ${PRESENCE_WINDOW_MS / 1000} s window`);
	let fleet: Fleet | undefined;
	try {
		fleet = await connectFleet(endpoint, { count: PRESENCE_N, presence: presenceOf });
		if (fleet.failures.length) {
			notes.push(
				`presence on ${server}: ${fleet.failures.length} of ${PRESENCE_N} failed to connect (${summariseFailures(fleet.failures)})`
			);
		}
		const result = await measurePresence(fleet, {
			windowMs: PRESENCE_WINDOW_MS,
			settleMs: 3_000
		});
		presence.set(server, result);
		log(`${server}: ${formatRate(result.receivedPerSecond)} presence msgs/s received`);
	} catch (error) {
		presence.set(server, `failed: ${String(error)}`);
	} finally {
		await fleet?.close();
	}
}

function summariseFailures(failures: string[]): string {
	const reasons = new Map<string, number>();
	for (const f of failures) {
		const reason = f.replace(/^client \d+: /, '');
		reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
	}
	return [...reasons]
		.map(([reason, count]) => `${count}× ${reason}`)
		.slice(0, 3)
		.join('; ');
}

// ---------------------------------------------------------------------------------------------

function p90Of(n: number, server: ServerName): number | undefined {
	const row = fanoutRows.find((r) => r.n === n && r.server === server);
	if (!row?.result || row.result.samples.length === 0) return undefined;
	return percentile(row.result.samples, 90);
}

function printReport() {
	const out: string[] = [];
	out.push('');
	const load = loadAverage();
	out.push(
		`Fan-out benchmark · ${os.cpus().length} cores · Node ${process.version} · open-file limit ${fileDescriptorLimit()} · load average at start ${loadAtStart}, at end ${load}`
	);
	out.push(
		`Clients, our server, PostgreSQL and the reference share this machine; rounds alternate between the servers so both see the same background load.`
	);
	out.push(
		`All clients live in this one process, so a round also includes every client applying the update in turn; both servers pay that alike.`
	);
	out.push(
		`Time until every other client has one client's write, in ms, over ${ROUNDS} rounds after ${WARMUP} warm-up rounds (presence ${FANOUT_PRESENCE ? 'on' : 'off'} during rounds).`
	);
	const rows = [...fanoutRows]
		.sort((a, b) => a.n - b.n || SERVERS.indexOf(a.server) - SERVERS.indexOf(b.server))
		.map((r) => {
			const s = r.result?.samples ?? [];
			return [
				String(r.n),
				r.server,
				`${r.connected}/${r.n}`,
				r.connectMs === undefined ? 'n/a' : (r.connectMs / 1000).toFixed(1),
				formatMs(percentile(s, 50)),
				formatMs(percentile(s, 90)),
				formatMs(s.length ? Math.max(...s) : undefined),
				String(r.result?.samples.length ?? 0),
				String(r.result?.timeouts ?? 0),
				r.note ?? ''
			];
		});
	out.push(
		table(
			['N', 'server', 'synced', 'connect s', 'p50', 'p90', 'max', 'rounds', 'timeouts', 'note'],
			rows
		)
	);
	out.push('');
	out.push(
		`Presence at N=${PRESENCE_N}: awareness frames per second, all clients together, over ${PRESENCE_WINDOW_MS / 1000} s after the join burst` +
			` (every client runs the stock 15 s heartbeat; the stock provider also sends back every change it receives, hence "sent").`
	);
	out.push(
		table(
			['server', 'received/s', 'sent/s', 'states seen per client (mean)'],
			SERVERS.map((server) => {
				const p = presence.get(server);
				if (!p || typeof p === 'string') return [server, 'n/a', 'n/a', p ?? 'not measured'];
				return [
					server,
					formatRate(p.receivedPerSecond),
					formatRate(p.sentPerSecond),
					p.meanPeersSeen.toFixed(1)
				];
			})
		)
	);
	out.push(
		`States seen: the awareness states each client holds besides its own (on ours one of them is the server's who-is-here entry).`
	);
	const ours = presence.get('ours');
	const reference = presence.get('reference');
	if (typeof ours === 'object' && typeof reference === 'object' && reference.receivedPerSecond) {
		out.push(
			`presence received ours/reference = ${(ours.receivedPerSecond / reference.receivedPerSecond).toFixed(3)}`
		);
	}
	out.push('');
	if (typeof durability === 'string') out.push(`Durability (ours): ${durability}`);
	else {
		out.push(
			`Durability (ours), ${durability.method}: p50 ${formatMs(durability.p50)} ms, p99 ${formatMs(durability.p99)} ms over ${durability.samples} writes` +
				(durability.missing ? ` (${durability.missing} never seen)` : '')
		);
	}
	for (const note of notes) out.push(`note: ${note}`);
	out.push('');
	const oursP90 = p90Of(500, 'ours');
	const referenceP90 = p90Of(500, 'reference');
	const ratio =
		oursP90 !== undefined && referenceP90 !== undefined && referenceP90 > 0
			? (oursP90 / referenceP90).toFixed(2)
			: 'n/a';
	out.push(
		`fanout N=500 p90 ours=${formatMs(oursP90)} reference=${formatMs(referenceP90)} ratio=${ratio}`
	);
	process.stdout.write(out.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
	const maxN = Math.max(...SIZES, PRESENCE_N);
	log(`sizes ${SIZES.join(', ')}; presence at ${PRESENCE_N}; deadline ${DEADLINE_MS / 1000} s`);
	// Each client holds one socket here and one in the server process under test.
	const limit = Number(fileDescriptorLimit());
	if (Number.isFinite(limit) && limit < maxN + 200) {
		notes.push(
			`the open-file limit (${limit}) is below ${maxN + 200}: runs near N=${maxN} will fail to connect (EMFILE); raise it with \`ulimit -n 4096\``
		);
	}

	const reference: ReferenceServer = await startReference();
	track(
		() => reference.stop(),
		() => reference.child.kill('SIGKILL')
	);
	log(`reference server (@y/websocket-server 0.1.1) on port ${reference.port}`);

	let ours: OurServer | undefined;
	let oursProblem: string | null = null;
	if (!env.DATABASE_URL) {
		oursProblem = 'DATABASE_URL is not set: our server runs on PostgreSQL in this benchmark';
	} else {
		try {
			ours = await startOurs({ participants: maxN, log, track });
			log(`our server on port ${ours.server.port}, workshop ${ours.workshopId}`);
		} catch (error) {
			oursProblem = `our server could not be prepared: ${String(error)}`;
		}
	}
	// Both servers get the same names: our pattern, which the reference accepts like any other.
	const workshopId = ours?.workshopId ?? 'bench';
	const docName = `workshop/${workshopId}/stage/${STAGE_KEY}`;
	// Presence lives on the room document, which every screen of a workshop has open.
	const presenceDocName = `workshop/${workshopId}/room`;
	const endpoints: Partial<Record<ServerName, Endpoint>> = {
		reference: {
			label: 'reference',
			serverUrl: `ws://127.0.0.1:${reference.port}/realtime`,
			docName,
			capacity: Number.POSITIVE_INFINITY,
			headers: () => ({ origin: `http://127.0.0.1:${reference.port}` })
		}
	};
	if (ours) {
		const endpoint = ours.endpoint(docName);
		oursProblem = await probeRealtime(endpoint);
		if (oursProblem) oursProblem = `our /realtime/${docName} does not work: ${oursProblem}`;
		else endpoints.ours = endpoint;
	}
	if (oursProblem) {
		notes.push(oursProblem);
		log(oursProblem);
	}

	for (const n of SIZES) {
		await runFanout(endpoints, n);
	}
	for (const server of SERVERS) {
		const endpoint = endpoints[server];
		if (endpoint) await runPresence({ ...endpoint, docName: presenceDocName }, server);
		else presence.set(server, 'server not available');
	}
	if (ours && endpoints.ours) {
		log(`ours: durability over ${DURABILITY_SAMPLES} writes`);
		try {
			durability = await measureDurability(ours, endpoints.ours, DURABILITY_SAMPLES);
		} catch (error) {
			durability = `failed: ${String(error)}`;
		}
	} else durability = 'server not available';

	await finish(0);
}

main().catch(async (error) => {
	notes.push(`stopped on an error: ${error instanceof Error ? error.stack : String(error)}`);
	await finish(1);
});
