/**
 * Receipt→commit latency of our server: how long after a client sends an update the update is
 * committed to PostgreSQL.
 *
 * The server appends each batch to `yjs_update` and, in the same transaction, sends
 * `pg_notify('cg_yjs_update', '<instance> <seq> <doc>')` for other instances; PostgreSQL
 * delivers a notification only when its transaction commits. So the benchmark LISTENs on that
 * channel and measures client write → notification received, which is receipt→commit plus one
 * loopback hop each way. If no notification ever arrives (a server that does not send them),
 * it falls back to polling the log for the document's highest sequence and says so.
 *
 * Writes are one at a time on a board nobody else writes, each after a random pause of up to
 * 150 ms so that they land at every phase of the server's batching tick.
 */
import { performance } from 'node:perf_hooks';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { Client } from '../support/http';
import { connectFleet, type Endpoint } from './fleet';
import { PARTICIPANT_COOKIE, type OurServer } from './ours';
import { percentile } from './stats';

export const NOTIFY_CHANNEL = 'cg_yjs_update';

export interface DurabilityResult {
	method: string;
	samples: number;
	missing: number;
	p50: number;
	p99: number;
}

type Waiter = { docName: string; resolve: (at: number) => void };

export async function measureDurability(
	ours: OurServer,
	boardEndpoint: Endpoint,
	samples: number,
	options: { timeoutMs?: number } = {}
): Promise<DurabilityResult> {
	const timeoutMs = options.timeoutMs ?? 5_000;
	// A board of its own (a template stage the fan-out rounds do not use): any other write to
	// it would be mistaken for ours. Clients may only type in a term the server created.
	const stageKey = 'measures';
	const docName = boardEndpoint.docName.replace(/\/stage\/[^/]+$/, `/stage/${stageKey}`);
	const endpoint: Endpoint = { ...boardEndpoint, docName };
	const author = new Client(ours.server.url);
	author.cookies.set(PARTICIPANT_COOKIE, ours.participantCookies[0]!);
	const term = await author.json(
		'POST',
		`/api/workshops/${ours.workshopId}/stages/${stageKey}/cards`,
		{
			type: 'term',
			text: 'Durability probe'
		}
	);
	if (term.status !== 201) throw new Error(`could not add the probe term: ${JSON.stringify(term)}`);
	const termId = String(term.body.id);

	let waiter: Waiter | null = null;
	const listener = await ours.sql.listen(NOTIFY_CHANNEL, (payload) => {
		const at = performance.now();
		const name = payload.split(' ').slice(2).join(' ');
		if (waiter && name === waiter.docName) waiter.resolve(at);
	});

	const fleet = await connectFleet(endpoint, { count: 1, presence: null });
	try {
		const writer = fleet.clients[0];
		if (!writer) throw new Error(`the writer could not connect: ${fleet.failures.join('; ')}`);
		const deadline = performance.now() + timeoutMs;
		while (!listCards(writer.doc, 'term').some((c) => c.id === termId)) {
			if (performance.now() > deadline) throw new Error('the probe term never reached the writer');
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		const text = termText(writer.doc, termId, TERM_TEXT.merged)!;

		const latestSeq = async () => {
			const [row] = await ours.sql<{ seq: string | null }[]>`
				select greatest(
					(select max(seq) from yjs_update where doc_name = ${docName}),
					(select max(seq) from yjs_snapshot where doc_name = ${docName})) as seq`;
			return Number(row?.seq ?? 0);
		};

		let method = 'client write → commit notification (LISTEN cg_yjs_update)';
		let useNotify = true;
		const latencies: number[] = [];
		let missing = 0;
		for (let i = 0; i < samples; i++) {
			await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
			const before = useNotify ? 0 : await latestSeq();
			let timer: NodeJS.Timeout | undefined;
			const committed = new Promise<number | null>((resolve) => {
				timer = setTimeout(() => resolve(null), timeoutMs);
				if (useNotify) waiter = { docName, resolve };
			});
			const started = performance.now();
			text.insert(text.length, `durability sample ${i}\n`);
			let at: number | null;
			if (useNotify) at = await committed;
			else {
				// Polling adds up to one query round-trip of error; it is the fallback only.
				at = null;
				const deadline = started + timeoutMs;
				while (performance.now() < deadline) {
					if ((await latestSeq()) > before) {
						at = performance.now();
						break;
					}
				}
			}
			clearTimeout(timer);
			waiter = null;
			if (at === null) {
				if (useNotify && i === 0 && latencies.length === 0 && (await latestSeq()) > 0) {
					// Committed but never announced: this server does not NOTIFY; poll instead.
					useNotify = false;
					method = 'client write → row visible in yjs_update (polling; no NOTIFY seen)';
					i--;
					continue;
				}
				missing++;
			} else latencies.push(at - started);
		}
		return {
			method,
			samples: latencies.length,
			missing,
			p50: percentile(latencies, 50),
			p99: percentile(latencies, 99)
		};
	} finally {
		await fleet.close();
		await listener.unlisten();
	}
}
