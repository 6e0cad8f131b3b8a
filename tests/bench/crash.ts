/**
 * `npm run bench:crash`: kill -9 under load, CRASH_TRIALS times (20), each on a fresh PostgreSQL
 * database.
 *
 *   npm run build
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:crash
 *
 * Each trial: CRASH_N participants (100) join, open their board (three stages) and the room
 * with the stock y-websocket provider, and then, as fast as people in a hurry, add cards
 * through the HTTP card API, type lines into terms' merged wordings (cards included that other
 * participants have just added) and cast ballots in three open polls. What the server
 * acknowledged is recorded: a card or a ballot when its request was answered 201, a line
 * when the server answered a sync request sent after it (it answers only once everything it
 * received before is committed; tests/support/realtime.ts `Peer.ack`). At a random moment the
 * server gets SIGKILL and is started again on the same database. Then:
 *
 * - before any client comes back, every acknowledged card and line must be on its board, and
 *   every poll must hold at least its acknowledged ballots and no more than were sent;
 * - the clients reconnect, each after a random 0–1 s, and resend what the crash cut off, as
 *   the stock provider does: every line any client made must then be stored exactly once,
 *   and every client's board and room must equal the server's (same state vector and delete
 *   set), and the revealed polls must count what was stored.
 *
 * A trial "lost" something when any of these fails. It prints one line per trial and ends with
 *   crash trials=<n> lost=<trials that lost anything> reconnect_p99=<ms>
 * (reconnect: from a client's reconnect attempt to its documents being synced). It prints
 * figures and asserts nothing. CRASH_DEADLINE_MS (1800000) bounds the run.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { listCards } from '../../src/lib/collab/cards';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import { addTerm, lines, mergedText, putNow } from '../support/board-text';
import { Client } from '../support/http';
import { connectPeer, movePeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';
import { controlPoll, createPoll, Voter } from '../support/voting';
import { PARTICIPANT_COOKIE, startOurs, type OurServer } from './ours';
import { loadAverage, startBenchRun } from './run';
import { formatMs, percentile } from './stats';

const env = process.env;
const TRIALS = Number(env.CRASH_TRIALS || 20);
const N = Number(env.CRASH_N || 100);
const DEADLINE_MS = Number(env.CRASH_DEADLINE_MS || 30 * 60_000);
const STAGES = ['focus-value', 'shared-terms', 'connections'];
const POLLS = 3;
const CHOICES = ['agree', 'live', 'object'] as const;
/** A client that has not converged with the server by then counts as diverged. */
const CONVERGE_TIMEOUT_MS = 20_000;

const loadAtStart = loadAverage();
const run = startBenchRun({ deadlineMs: DEADLINE_MS, report: printReport });
const { notes, log, finish } = run;

interface TrialResult {
	trial: number;
	loadMs: number;
	sent: { lines: number; cards: number; ballots: number };
	acked: { lines: number; cards: number; ballots: number };
	/** Acknowledged, yet missing from the restarted server before any client came back. */
	lost: { lines: number; cards: number; ballots: number };
	/** More ballots stored than were sent. */
	invented: number;
	/** Made by a client but not stored exactly once after every client reconnected. */
	missingAfterReconnect: number;
	duplicated: number;
	/** Client documents (board or room) not equal to the server's after reconnecting. */
	diverged: number;
	/** Revealed voters outside [acknowledged, sent] for some poll. */
	tallyOff: number;
	/** SIGKILL → the new process listening; → the committed state checked. */
	restartMs: number;
	checkedMs: number;
	reconnectMs: number[];
	convergedMs: number;
	problems: string[];
}

const results: TrialResult[] = [];

interface Writer {
	index: number;
	prefix: string;
	stage: string;
	http: Client;
	board: Peer;
	room: Peer;
	voter: Voter;
	/** Lines typed into merged wordings, and how many of them the server acknowledged. */
	made: number;
	acknowledged: number;
	cardsSent: number;
	cardsAcked: string[];
	/** Per poll: sent, and answered 201. */
	ballotsSent: Set<string>;
	ballotsAcked: Set<string>;
}

function between(min: number, max: number): number {
	return min + Math.random() * (max - min);
}

function pick<T>(items: readonly T[]): T {
	return items[Math.floor(Math.random() * items.length)]!;
}

function sameState(a: Y.Doc, b: Y.Doc): boolean {
	return Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b));
}

/** One participant in a hurry: one action after another until the server dies under it. */
async function load(
	ours: OurServer,
	writer: Writer,
	pollIds: string[],
	isCrashed: () => boolean
): Promise<void> {
	const api = `/api/workshops/${ours.workshopId}`;
	while (!isCrashed()) {
		const roll = Math.random();
		const unvoted = pollIds.filter((id) => !writer.ballotsSent.has(id));
		try {
			if (roll < 0.15) {
				writer.cardsSent++;
				const answer = await writer.http.json('POST', `${api}/stages/${writer.stage}/cards`, {
					type: 'term',
					text: `${writer.prefix} card ${writer.cardsSent}`
				});
				if (answer.status === 201) writer.cardsAcked.push(String(answer.body.id));
			} else if (roll < 0.25 && unvoted.length > 0) {
				const pollId = pick(unvoted);
				writer.ballotsSent.add(pollId);
				const answer = await writer.voter.vote(pollId, pick(CHOICES));
				if (answer.status === 201) writer.ballotsAcked.add(pollId);
			} else {
				// Two lines into a term on the board, the newest ones (just added by someone) too.
				const terms = listCards(writer.board.doc, 'term');
				const term = Math.random() < 0.5 ? terms[terms.length - 1] : pick(terms);
				const text = term && mergedText(writer.board.doc, term.id);
				if (text) {
					for (let k = 0; k < 2; k++) putNow(text, `${writer.prefix}-${writer.made++}`, 'x');
				}
				const asked = writer.made;
				await writer.board.ack();
				writer.acknowledged = asked;
			}
		} catch {
			// The server went away mid-request: that action is not acknowledged.
			if (isCrashed()) return;
		}
		await new Promise((resolve) => setTimeout(resolve, between(10, 100)));
	}
}

async function runTrial(trial: number): Promise<TrialResult> {
	const scope = run.scope();
	const result: TrialResult = {
		trial,
		loadMs: 0,
		sent: { lines: 0, cards: 0, ballots: 0 },
		acked: { lines: 0, cards: 0, ballots: 0 },
		lost: { lines: 0, cards: 0, ballots: 0 },
		invented: 0,
		missingAfterReconnect: 0,
		duplicated: 0,
		diverged: 0,
		tallyOff: 0,
		restartMs: 0,
		checkedMs: 0,
		reconnectMs: [],
		convergedMs: 0,
		problems: []
	};
	const peers: Peer[] = [];
	try {
		const ours = await startOurs({ participants: N, log: () => {}, track: scope.track });
		const api = `/api/workshops/${ours.workshopId}`;
		for (const stage of STAGES) {
			for (let k = 0; k < 2; k++) {
				await addTerm(ours.facilitator, ours.workshopId, stage, `Term ${k + 1}`);
			}
		}
		const pollIds: string[] = [];
		for (let k = 0; k < POLLS; k++) {
			const agreement = await ours.facilitator.json('POST', `${api}/agreements`, {
				statement: `Agreement ${k + 1} of the crash benchmark.`
			});
			const pollId = await createPoll(ours.facilitator, ours.workshopId, {
				kind: 'consent',
				agreementId: agreement.body.id
			});
			const opened = await controlPoll(ours.facilitator, ours.workshopId, pollId, 'open');
			if (opened.status !== 200) throw new Error(`opening a poll: ${JSON.stringify(opened)}`);
			pollIds.push(pollId);
		}

		const writers: Writer[] = ours.participantCookies.map((cookie, index) => {
			const http = new Client(ours.server.url);
			http.cookies.set(PARTICIPANT_COOKIE, cookie);
			const stage = STAGES[index % STAGES.length]!;
			const board = connectPeer(ours.server.url, http, stageDocName(ours.workshopId, stage));
			const room = connectPeer(ours.server.url, http, roomDocName(ours.workshopId));
			peers.push(board, room);
			return {
				index,
				prefix: `w${index}`,
				stage,
				http,
				board,
				room,
				voter: new Voter(http, ours.workshopId, `participant ${index}`),
				made: 0,
				acknowledged: 0,
				cardsSent: 0,
				cardsAcked: [],
				ballotsSent: new Set(),
				ballotsAcked: new Set()
			};
		});
		await Promise.all(writers.flatMap((w) => [w.board.whenSynced(), w.room.whenSynced()]));

		let crashed = false;
		const loadStarted = performance.now();
		const loops = writers.map((w) => load(ours, w, pollIds, () => crashed));
		// Kill once every kind of write has been acknowledged a good number of times, then at a
		// random moment within the next second, so the kill lands anywhere in the server's cycle.
		await waitFor(
			'acknowledged writes of every kind',
			() =>
				writers.reduce((n, w) => n + w.acknowledged, 0) >= N * 4 &&
				writers.reduce((n, w) => n + w.cardsAcked.length, 0) >= N / 4 &&
				writers.reduce((n, w) => n + w.ballotsAcked.size, 0) >= N / 2,
			{ timeoutMs: 60_000 }
		);
		await new Promise((resolve) => setTimeout(resolve, between(0, 1_000)));
		const killedAt = performance.now();
		await ours.server.kill();
		crashed = true;
		result.loadMs = performance.now() - loadStarted;
		await Promise.all(loops);
		// Each client keeps its documents, unacknowledged edits included, but stays away for now.
		for (const w of writers) {
			w.board.provider.disconnect();
			w.room.provider.disconnect();
		}
		for (const w of writers) {
			result.sent.lines += w.made;
			result.acked.lines += w.acknowledged;
			result.sent.cards += w.cardsSent;
			result.acked.cards += w.cardsAcked.length;
			result.sent.ballots += w.ballotsSent.size;
			result.acked.ballots += w.ballotsAcked.size;
		}

		const server: RunningServer = await startServer(ours.database);
		scope.track(async () => void (await server.stop()));
		const restartedAt = performance.now();
		result.restartMs = restartedAt - killedAt;
		const facilitator = ours.facilitator.at(server.url);

		// What the new process serves before any client is back is what was committed.
		const readBoard = async (stage: string) => {
			const reader = connectPeer(server.url, facilitator, stageDocName(ours.workshopId, stage));
			peers.push(reader);
			await reader.whenSynced();
			return reader;
		};
		for (const stage of STAGES) {
			const reader = await readBoard(stage);
			const keys = new Set(lines(reader.doc).map(([key]) => key));
			const cards = new Set(listCards(reader.doc).map((c) => c.id));
			for (const w of writers.filter((w) => w.stage === stage)) {
				for (let i = 0; i < w.acknowledged; i++) {
					if (!keys.has(`${w.prefix}-${i}`)) result.lost.lines++;
				}
				result.lost.cards += w.cardsAcked.filter((id) => !cards.has(id)).length;
			}
			reader.destroy();
		}
		const stored = await ours.sql<{ poll_id: string; n: number }[]>`
			select poll_id, count(*)::int as n from ballot group by poll_id`;
		for (const pollId of pollIds) {
			const n = stored.find((r) => r.poll_id === pollId)?.n ?? 0;
			const acked = writers.filter((w) => w.ballotsAcked.has(pollId)).length;
			const sent = writers.filter((w) => w.ballotsSent.has(pollId)).length;
			if (n < acked) result.lost.ballots += acked - n;
			if (n > sent) result.invented += n - sent;
		}

		result.checkedMs = performance.now() - restartedAt;

		// The clients come back, each after its own random delay, and resend what was cut off.
		await Promise.all(
			writers.map(async (w) => {
				await new Promise((resolve) => setTimeout(resolve, between(0, 1_000)));
				const started = performance.now();
				for (const peer of [w.board, w.room]) {
					movePeer(peer, server.url);
					peer.provider.connect();
				}
				await Promise.all([w.board.whenSynced(), w.room.whenSynced()]);
				result.reconnectMs.push(performance.now() - started);
				await w.board.ack();
			})
		);

		// Every client's board and room equal the server's, and every line made is stored once.
		const readers = new Map<string, Peer>();
		for (const stage of STAGES) readers.set(stage, await readBoard(stage));
		const roomReader = connectPeer(server.url, facilitator, roomDocName(ours.workshopId));
		peers.push(roomReader);
		await roomReader.whenSynced();
		await Promise.all(
			writers.flatMap((w) =>
				(
					[
						[w.board, readers.get(w.stage)!],
						[w.room, roomReader]
					] as const
				).map(async ([peer, reference]) => {
					try {
						await waitFor(
							'a client to equal the server',
							() => sameState(peer.doc, reference.doc),
							{ timeoutMs: CONVERGE_TIMEOUT_MS }
						);
					} catch {
						result.diverged++;
						if (result.problems.length < 3) {
							result.problems.push(`${w.prefix} on ${peer.provider.roomname} differs`);
						}
					}
				})
			)
		);
		// What the restarted server refused or dropped says why a client could not converge.
		const refusals = server
			.output()
			.split('\n')
			.filter((line) => /refused|dropped|failed/.test(line));
		for (const line of refusals.slice(0, 3)) result.problems.push(`server: ${line.slice(0, 240)}`);
		result.convergedMs = performance.now() - restartedAt;
		for (const stage of STAGES) {
			const counts = new Map<string, number>();
			for (const [key] of lines(readers.get(stage)!.doc)) {
				counts.set(key, (counts.get(key) ?? 0) + 1);
			}
			for (const w of writers.filter((w) => w.stage === stage)) {
				for (let i = 0; i < w.made; i++) {
					const n = counts.get(`${w.prefix}-${i}`) ?? 0;
					if (n === 0) result.missingAfterReconnect++;
					if (n > 1) result.duplicated += n - 1;
				}
			}
		}

		// The polls close and reveal what was stored.
		for (const pollId of pollIds) {
			for (const step of ['close', 'reveal'] as const) {
				const answer = await controlPoll(facilitator, ours.workshopId, pollId, step);
				if (answer.status !== 200) throw new Error(`${step}: ${JSON.stringify(answer)}`);
			}
			const read = await facilitator.json('GET', `${api}/polls/${pollId}`);
			const voters = (read.body.poll as { result: { voters: number } }).result.voters;
			const acked = writers.filter((w) => w.ballotsAcked.has(pollId)).length;
			const sent = writers.filter((w) => w.ballotsSent.has(pollId)).length;
			if (voters < acked || voters > sent) {
				result.tallyOff++;
				result.problems.push(
					`poll ${pollId}: revealed ${voters}, acknowledged ${acked}, sent ${sent}`
				);
			}
		}
	} catch (error) {
		result.problems.push(`the trial stopped: ${error instanceof Error ? error.message : error}`);
	} finally {
		// The clients go first, so that stopping the server does not send them reconnecting.
		for (const peer of peers) peer.destroy();
		await scope.close();
	}
	return result;
}

function lostAnything(r: TrialResult): boolean {
	return (
		r.lost.lines + r.lost.cards + r.lost.ballots > 0 ||
		r.invented + r.missingAfterReconnect + r.duplicated + r.diverged + r.tallyOff > 0 ||
		r.problems.length > 0
	);
}

function describe(r: TrialResult): string {
	const parts = [
		`trial ${String(r.trial).padStart(2)}: killed after ${(r.loadMs / 1000).toFixed(1)} s of load;`,
		`acknowledged ${r.acked.lines}/${r.sent.lines} lines, ${r.acked.cards}/${r.sent.cards} cards, ${r.acked.ballots}/${r.sent.ballots} ballots;`,
		`lost ${r.lost.lines} lines, ${r.lost.cards} cards, ${r.lost.ballots} ballots;`,
		`after reconnect: ${r.missingAfterReconnect} lines missing, ${r.duplicated} twice, ${r.diverged} documents diverged;`,
		`restart ${(r.restartMs / 1000).toFixed(1)} s, committed state read ${(r.checkedMs / 1000).toFixed(1)} s later; reconnect p50 ${formatMs(percentile(r.reconnectMs, 50))} ms, p99 ${formatMs(percentile(r.reconnectMs, 99))} ms, all converged ${(r.convergedMs / 1000).toFixed(1)} s after the restart`
	];
	if (r.invented) parts.push(`; ${r.invented} ballots more than sent`);
	if (r.tallyOff) parts.push(`; ${r.tallyOff} revealed tallies out of bounds`);
	const verdict = lostAnything(r) ? 'LOST' : 'ok';
	return `${parts.join(' ')} [${verdict}]${r.problems.map((p) => `\n    ${p}`).join('')}`;
}

function printReport() {
	const out: string[] = [''];
	const load = loadAverage();
	out.push(
		`Crash benchmark · ${results.length} of ${TRIALS} trials · N=${N} · ${os.cpus().length} cores · Node ${process.version} · load average at start ${loadAtStart}, at end ${load}`
	);
	out.push(
		`Each trial: a fresh PostgreSQL database, ${N} participants on ${STAGES.length} boards and the room, SIGKILL under load, a restart, reconnects with 0–1 s jitter.`
	);
	for (const r of results) out.push(describe(r));
	const total = (f: (r: TrialResult) => number) => results.reduce((n, r) => n + f(r), 0);
	out.push(
		`Totals: acknowledged ${total((r) => r.acked.lines)} lines, ${total((r) => r.acked.cards)} cards, ${total((r) => r.acked.ballots)} ballots; ` +
			`lost ${total((r) => r.lost.lines)} lines, ${total((r) => r.lost.cards)} cards, ${total((r) => r.lost.ballots)} ballots; ` +
			`${total((r) => r.missingAfterReconnect)} lines missing after reconnect; ${total((r) => r.diverged)} documents diverged`
	);
	for (const note of notes) out.push(`note: ${note}`);
	const reconnects = results.flatMap((r) => r.reconnectMs);
	out.push('');
	out.push(
		`crash trials=${results.length} lost=${results.filter(lostAnything).length} reconnect_p99=${Math.round(percentile(reconnects, 99))}`
	);
	process.stdout.write(out.join('\n') + '\n');
}

async function main() {
	if (!env.DATABASE_URL) {
		throw new Error('Set DATABASE_URL: every trial runs on a fresh PostgreSQL database.');
	}
	log(`${TRIALS} trials of ${N} participants`);
	for (let trial = 1; trial <= TRIALS; trial++) {
		const result = await runTrial(trial);
		results.push(result);
		log(describe(result));
	}
	await finish(0);
}

main().catch(async (error) => {
	notes.push(`stopped on an error: ${error instanceof Error ? error.stack : String(error)}`);
	await finish(1);
});
