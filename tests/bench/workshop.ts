/**
 * `npm run bench:workshop`: one live workshop of N participants on one instance of our server
 * (build/server.js, PostgreSQL), driven the way people drive it.
 *
 *   npm run build
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:workshop
 *
 * - N participants join through the join form (half Sales, half Marketing);
 * - each opens the room document and the current stage's board with the stock y-websocket
 *   provider, and moves its board provider to the new stage whenever the room shows one;
 * - for WORKSHOP_DURATION_MS each does one thing every 5–20 s (jittered): a card through the
 *   HTTP card API (the server creates cards) or an edit of a term's wording (a word typed into,
 *   or a few characters deleted from, a Y.Text on the board);
 * - the facilitator moves everyone to the next stage WORKSHOP_STAGE_CHANGES times meanwhile;
 * - then everyone casts a ballot at the same moment (consent poll, opened, closed, revealed).
 *
 * Then, with the room quiet, stage changes on our server alternate with the same room-document
 * change on the reference y-websocket server (@y/websocket-server), N stock clients on each.
 *
 * It prints figures and asserts nothing. The last line is
 *   workshop N=<n> stage_p99=<ms> vote_p99=<ms> exact=<true|false> rss_mb=<n>
 * (stage_p99: stage changes during the activity; rss_mb: the server's peak resident memory).
 *
 * Knobs: WORKSHOP_N (300), WORKSHOP_DURATION_MS (60000), WORKSHOP_STAGE_CHANGES (5),
 * WORKSHOP_ACTION_MS ("5000-20000"), WORKSHOP_CARD_SHARE (0.3), WORKSHOP_COMPARE_ROUNDS (10),
 * WORKSHOP_DEADLINE_MS (900000).
 */
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type * as Y from 'yjs';
import { listCards, termText, TERM_TEXT, type CardType } from '../../src/lib/collab/cards';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import { LIVE_KEYS } from '../../src/lib/collab/live';
import { ROOM_KEYS } from '../../src/lib/collab/room';
import { ALIGNMENT_TEMPLATE, type StageKind } from '../../src/lib/domain/template';
import { addTerm } from '../support/board-text';
import { Client } from '../support/http';
import { createPoll, runPoll, Voter } from '../support/voting';
import {
	connectClient,
	connectFleet,
	destroyClient,
	type BenchClient,
	type Endpoint,
	type Fleet,
	type Traffic
} from './fleet';
import { mapBounded, PARTICIPANT_COOKIE, startOurs, type OurServer } from './ours';
import { cpuMs, peakRssMb, serverMetrics, type ServerMetrics } from './process-stats';
import { startReference } from './reference';
import { loadAverage, startBenchRun } from './run';
import { formatMs, percentile, table } from './stats';

const env = process.env;
const N = Number(env.WORKSHOP_N || 300);
const DURATION_MS = Number(env.WORKSHOP_DURATION_MS || 60_000);
const STAGE_CHANGES = Number(env.WORKSHOP_STAGE_CHANGES || 5);
const [ACTION_MIN_MS, ACTION_MAX_MS] = (env.WORKSHOP_ACTION_MS || '5000-20000')
	.split('-')
	.map(Number) as [number, number];
const CARD_SHARE = Number(env.WORKSHOP_CARD_SHARE || 0.3);
const COMPARE_ROUNDS = Number(env.WORKSHOP_COMPARE_ROUNDS || 10);
const DEADLINE_MS = Number(env.WORKSHOP_DEADLINE_MS || 15 * 60_000);
/** A client whose room has not shown a new stage by then counts as missing for that change. */
const STAGE_TIMEOUT_MS = 30_000;
const CHOICES = ['agree', 'live', 'object'] as const;

const STAGES = ALIGNMENT_TEMPLATE.map((s) => s.key);
const CARD_TYPES: Record<StageKind, CardType[]> = {
	'focus-value': ['focus', 'value-driver', 'outcome', 'need'],
	'shared-terms': ['note'],
	calibration: ['note'],
	connections: ['step'],
	barriers: ['barrier', 'incentive'],
	measures: ['measure', 'cadence'],
	agreements: ['note'],
	open: ['note']
};
const WORDS = (
	'lead score budget authority need timeline demo trial webinar pipeline forecast ' +
	'handoff follow-up nurture campaign source engagement qualified accepted within hours'
).split(' ');

let serverOutput = () => '';
let stopping = false;

const loadAtStart = loadAverage();
const { track, notes, log, finish } = startBenchRun({
	deadlineMs: DEADLINE_MS,
	report: printReport
});

// ---------------------------------------------------------------------------------------------
// Figures, filled in as the run goes.

interface StageChange {
	stage: string;
	/** The facilitator's request: sent → answered. */
	answerMs: number;
	/** Per client: request sent → its room document shows the stage. */
	samples: number[];
	missing: number;
}

const figures = {
	joinMs: [] as number[],
	joinAllMs: 0,
	connectMs: 0,
	connectFailures: [] as string[],
	stageChanges: [] as StageChange[],
	/** Seeing a new stage → the new board synced. */
	boardMoveMs: [] as number[],
	boardMoveFailures: 0,
	cardMs: [] as number[],
	cardRefused: new Map<number, number>(),
	edits: 0,
	actionErrors: [] as string[],
	ballotMs: [] as number[],
	ballotsRefused: 0,
	exact: undefined as boolean | undefined,
	tally: '',
	serverCpuJoinS: Number.NaN,
	serverCpuLiveS: Number.NaN,
	rssMb: Number.NaN,
	serverJoin: null as ServerMetrics | null,
	serverLive: null as ServerMetrics | null,
	/** During the comparison with the reference (the room quiet). */
	serverQuiet: null as ServerMetrics | null,
	clientEventLoopP99: Number.NaN,
	/** CPU this process (all the clients) used during the live workshop, in s. */
	clientCpuLiveS: Number.NaN,
	activityMs: 0,
	/** The live workshop: activity and vote. */
	liveMs: 0,
	room: { bytesIn: 0, messagesIn: 0, awarenessBytesIn: 0 } as Traffic,
	board: { bytesIn: 0, messagesIn: 0, awarenessBytesIn: 0 } as Traffic,
	compare: {
		ours: [] as StageChange[],
		reference: [] as StageChange[]
	}
};

// ---------------------------------------------------------------------------------------------

function between(min: number, max: number): number {
	return min + Math.random() * (max - min);
}

function pick<T>(items: readonly T[]): T {
	return items[Math.floor(Math.random() * items.length)]!;
}

function stageIn(doc: Y.Doc): unknown {
	return doc.getMap(ROOM_KEYS.current).get(LIVE_KEYS.stage);
}

interface RoomProbe {
	/** When the change was sent; set it just before sending. */
	sentAt: number;
	/** Each room's delay from `sentAt` until it shows the stage, and how many never did. */
	done: Promise<{ samples: number[]; missing: number }>;
}

/** Watches rooms for `stage`; made before the change is sent, so no arrival is missed. */
function whenRoomsShow(rooms: Y.Doc[], stage: string): RoomProbe {
	const probe = { sentAt: performance.now() } as RoomProbe;
	const samples: number[] = [];
	let remaining = rooms.length;
	const stops = new Map<Y.Doc, () => void>();
	probe.done = new Promise((resolve) => {
		const finish = () => {
			clearTimeout(timer);
			for (const stop of stops.values()) stop();
			stops.clear();
			resolve({ samples, missing: remaining });
		};
		const timer = setTimeout(finish, STAGE_TIMEOUT_MS);
		for (const doc of rooms) {
			const current = doc.getMap(ROOM_KEYS.current);
			const observer = () => {
				if (stageIn(doc) !== stage || !stops.has(doc)) return;
				samples.push(performance.now() - probe.sentAt);
				stops.get(doc)!();
				stops.delete(doc);
				if (--remaining === 0) finish();
			};
			current.observe(observer);
			stops.set(doc, () => current.unobserve(observer));
		}
		if (rooms.length === 0) finish();
	});
	return probe;
}

// ---------------------------------------------------------------------------------------------
// One participant: an HTTP client with the session, the room, and the current stage's board.

interface Participant {
	index: number;
	teamId: string;
	http: Client;
	room: BenchClient;
	board: BenchClient | null;
	/** The stage whose board this participant has (or is opening). */
	boardStage: string;
	moving: Promise<void>;
}

function boardEndpoint(ours: OurServer, stage: string): Endpoint {
	return ours.endpoint(stageDocName(ours.workshopId, stage));
}

async function openBoard(ours: OurServer, p: Participant, stage: string): Promise<void> {
	const previous = p.board;
	p.board = null;
	if (previous) void destroyClient(previous);
	const opened = await connectClient(boardEndpoint(ours, stage), p.index, {
		presence: 'stock',
		timeoutMs: 30_000,
		traffic: figures.board
	});
	if ('failure' in opened) {
		figures.boardMoveFailures++;
		if (figures.boardMoveFailures <= 3) notes.push(`a board did not open: ${opened.failure}`);
		return;
	}
	if (p.boardStage !== stage) {
		// The facilitator moved on while this board was opening.
		void destroyClient(opened.client);
		return;
	}
	p.board = opened.client;
}

/** Follows the room: a new stage there moves the board provider to that stage's board. */
function followRoom(ours: OurServer, p: Participant): void {
	p.room.doc.getMap(ROOM_KEYS.current).observe(() => {
		const stage = stageIn(p.room.doc);
		if (typeof stage !== 'string' || stage === p.boardStage) return;
		p.boardStage = stage;
		const seenAt = performance.now();
		p.moving = p.moving.then(async () => {
			// Each phone moves on its own; here all clients share one event loop, so the move
			// waits until the messages already received (other clients' rooms) are handled.
			await new Promise((resolve) => setImmediate(resolve));
			if (p.boardStage !== stage) return;
			await openBoard(ours, p, stage);
			if (p.board && p.boardStage === stage) figures.boardMoveMs.push(performance.now() - seenAt);
		});
	});
}

function phrase(): string {
	return Array.from({ length: 2 + Math.floor(Math.random() * 4) }, () => pick(WORDS)).join(' ');
}

/** One human action on the current stage: a card through HTTP, or an edit of a wording. */
async function act(ours: OurServer, p: Participant): Promise<void> {
	const board = p.board;
	if (!board) return; // Between boards: the person waits for the new stage to load.
	const stage = p.boardStage;
	const terms = listCards(board.doc, 'term');
	if (Math.random() < CARD_SHARE || terms.length === 0) {
		const kind = ALIGNMENT_TEMPLATE.find((s) => s.key === stage)?.kind ?? 'open';
		const sent = performance.now();
		const answer = await p.http.json(
			'POST',
			`/api/workshops/${ours.workshopId}/stages/${stage}/cards`,
			{ type: pick(CARD_TYPES[kind]), text: phrase() }
		);
		figures.cardMs.push(performance.now() - sent);
		if (answer.status !== 201) {
			figures.cardRefused.set(answer.status, (figures.cardRefused.get(answer.status) ?? 0) + 1);
		}
		return;
	}
	const term = pick(terms);
	const key = Math.random() < 0.5 ? TERM_TEXT.merged : TERM_TEXT.wording(p.teamId);
	const text = termText(board.doc, term.id, key);
	if (!text) return;
	if (text.length > 40 && Math.random() < 0.2) {
		const length = 1 + Math.floor(Math.random() * 5);
		text.delete(Math.floor(Math.random() * (text.length - length)), length);
	} else {
		// A word typed at a word boundary (or at the end) of the shared wording.
		const content = text.toString();
		const spaces = [...content.matchAll(/ /g)].map((m) => m.index!);
		const at = spaces.length && Math.random() < 0.7 ? pick(spaces) : content.length;
		text.insert(at, ` ${pick(WORDS)}`);
	}
	figures.edits++;
}

// ---------------------------------------------------------------------------------------------

async function goTo(ours: OurServer, participants: Participant[], stage: string) {
	const probe = whenRoomsShow(
		participants.map((p) => p.room.doc),
		stage
	);
	probe.sentAt = performance.now();
	const answer = await ours.facilitator.json('POST', `/api/workshops/${ours.workshopId}/live`, {
		action: 'goTo',
		stageKey: stage
	});
	const answerMs = performance.now() - probe.sentAt;
	if (answer.status !== 200) throw new Error(`goTo ${stage} failed: ${JSON.stringify(answer)}`);
	const { samples, missing } = await probe.done;
	return { stage, answerMs, samples, missing };
}

/** A pause that ends early when `stop` resolves (the activity is over). */
function pause(ms: number, stop: Promise<void>): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
		stop
	]).finally(() => clearTimeout(timer));
}

async function activity(ours: OurServer, participants: Participant[], firstStage: number) {
	let stopActivity!: () => void;
	const stopped = new Promise<void>((resolve) => (stopActivity = resolve));
	const startedAt = performance.now();
	const loops = participants.map(async (p) => {
		// People do not start in step: the first action comes anywhere in the first interval.
		await pause(between(0, ACTION_MAX_MS), stopped);
		while (performance.now() - startedAt < DURATION_MS) {
			try {
				await act(ours, p);
			} catch (error) {
				figures.actionErrors.push(String(error));
			}
			await pause(between(ACTION_MIN_MS, ACTION_MAX_MS), stopped);
		}
	});
	const facilitator = (async () => {
		for (let k = 1; k <= STAGE_CHANGES; k++) {
			await pause(startedAt + (DURATION_MS * k) / (STAGE_CHANGES + 1) - performance.now(), stopped);
			const stage = STAGES[(firstStage + k) % STAGES.length]!;
			const change = await goTo(ours, participants, stage);
			figures.stageChanges.push(change);
			log(
				`stage → ${stage}: answered in ${formatMs(change.answerMs)} ms, every room in ${formatMs(Math.max(...change.samples))} ms` +
					(change.missing ? ` (${change.missing} never)` : '')
			);
		}
	})();
	await pause(DURATION_MS, new Promise(() => {}));
	stopActivity();
	await facilitator;
	await Promise.all(loops);
	figures.activityMs = performance.now() - startedAt;
	await Promise.all(participants.map((p) => p.moving));
}

async function voteBurst(ours: OurServer, participants: Participant[]) {
	const api = `/api/workshops/${ours.workshopId}`;
	const agreement = await ours.facilitator.json('POST', `${api}/agreements`, {
		statement: 'Sales follows up every MQL within 24 hours.'
	});
	if (agreement.status !== 201) throw new Error(`agreement: ${JSON.stringify(agreement)}`);
	const pollId = await createPoll(ours.facilitator, ours.workshopId, {
		kind: 'consent',
		agreementId: agreement.body.id
	});
	const expected: Record<string, number> = { agree: 0, live: 0, object: 0 };
	const poll = await runPoll(ours.facilitator, ours.workshopId, pollId, async () => {
		await Promise.all(
			participants.map(async (p, i) => {
				const choice = CHOICES[i % CHOICES.length]!;
				const voter = new Voter(p.http, ours.workshopId, `participant ${i}`);
				const sent = performance.now();
				const answer = await voter.vote(pollId, choice);
				figures.ballotMs.push(performance.now() - sent);
				if (answer.status === 201) expected[choice]! += 1;
				else figures.ballotsRefused++;
			})
		);
	});
	const result = poll.result as { voters: number; counts: Record<string, number> };
	const cast = participants.length - figures.ballotsRefused;
	figures.exact =
		figures.ballotsRefused === 0 &&
		result.voters === cast &&
		CHOICES.every((c) => result.counts[c] === expected[c]);
	figures.tally =
		`cast ${CHOICES.map((c) => `${c} ${expected[c]}`).join(', ')}; ` +
		`revealed ${result.voters} voters, ${CHOICES.map((c) => `${c} ${result.counts[c]}`).join(', ')}`;
}

/**
 * With the room quiet: a stage change on our server (the facilitator's request, all the way to
 * every room), then the same change on the reference server (one client sets the same keys of
 * the same room document; the reference has no server API), alternating, so both see the same
 * background load. Our clients keep moving their boards after each change (awaited before the
 * next round), as they would.
 */
async function compareWithReference(
	ours: OurServer,
	participants: Participant[],
	firstStage: number
) {
	const reference = await startReference();
	track(
		() => reference.stop(),
		() => reference.child.kill('SIGKILL')
	);
	log(`reference server (@y/websocket-server) on port ${reference.port}: connecting ${N + 1}`);
	const fleet: Fleet = await connectFleet(
		{
			label: 'reference',
			serverUrl: `ws://127.0.0.1:${reference.port}/realtime`,
			docName: roomDocName(ours.workshopId),
			capacity: Number.POSITIVE_INFINITY,
			headers: () => ({ origin: `http://127.0.0.1:${reference.port}` })
		},
		{ count: N + 1, presence: null }
	);
	try {
		if (fleet.failures.length) {
			notes.push(`reference: ${fleet.failures.length} of ${N + 1} clients did not connect`);
		}
		const [writer, ...receivers] = fleet.clients;
		if (!writer) throw new Error('no reference client connected');
		for (let round = 0; round < COMPARE_ROUNDS; round++) {
			const stage = STAGES[(firstStage + round) % STAGES.length]!;
			const runOurs = async () => {
				const change = await goTo(ours, participants, stage);
				figures.compare.ours.push(change);
				await Promise.all(participants.map((p) => p.moving));
			};
			const runReference = async () => {
				const probe = whenRoomsShow(
					receivers.map((c) => c.doc),
					stage
				);
				probe.sentAt = performance.now();
				writer.doc.transact(() => {
					const current = writer.doc.getMap(ROOM_KEYS.current);
					current.set(LIVE_KEYS.stage, stage);
					current.set(LIVE_KEYS.spotlight, null);
					current.set(LIVE_KEYS.timer, {
						stageKey: stage,
						durationMs: 30 * 60_000,
						remainingMs: 30 * 60_000,
						startedAt: null
					});
				});
				const { samples, missing } = await probe.done;
				figures.compare.reference.push({ stage, answerMs: 0, samples, missing });
			};
			for (const step of round % 2 === 0 ? [runOurs, runReference] : [runReference, runOurs]) {
				await step();
			}
		}
	} finally {
		await fleet.close();
		await reference.stop();
	}
}

// ---------------------------------------------------------------------------------------------

async function main() {
	if (!env.DATABASE_URL) {
		throw new Error('Set DATABASE_URL: this benchmark runs our server on PostgreSQL.');
	}
	log(
		`workshop of ${N} for ${DURATION_MS / 1000} s, ${STAGE_CHANGES} stage changes, deadline ${DEADLINE_MS / 1000} s`
	);
	const joinStarted = performance.now();
	const ours = await startOurs({
		participants: N,
		env: { BENCH_METRICS: '1' },
		log,
		track
	});
	figures.joinAllMs = performance.now() - joinStarted;
	figures.joinMs = ours.joinMs;
	const pid = ours.server.child.pid;
	serverOutput = () => ours.server.output();
	ours.server.child.once('exit', (code, signal) => {
		if (!stopping) notes.push(`our server exited during the run (code ${code}, signal ${signal})`);
	});
	const cpuAfterJoin = cpuMs(pid);
	figures.serverCpuJoinS = cpuAfterJoin / 1000;
	figures.serverJoin = await serverMetrics(ours.server);

	// Every stage gets a term to word together (Shared terms has the template's eight).
	for (const stage of STAGES) {
		if (stage !== 'shared-terms') await addTerm(ours.facilitator, ours.workshopId, stage, 'Ours');
	}
	const firstStage = 0;
	const firstAnswer = await ours.facilitator.json(
		'POST',
		`/api/workshops/${ours.workshopId}/live`,
		{ action: 'goTo', stageKey: STAGES[firstStage] }
	);
	if (firstAnswer.status !== 200) throw new Error(`goTo: ${JSON.stringify(firstAnswer)}`);

	const clientDelay = monitorEventLoopDelay({ resolution: 10 });
	clientDelay.enable();
	log(`connecting ${N} participants to the room and the ${STAGES[firstStage]} board`);
	const connectStarted = performance.now();
	const roomEndpoint = ours.endpoint(roomDocName(ours.workshopId));
	const participants = (
		await mapBounded(
			Array.from({ length: N }, (_, i) => i),
			50,
			async (index): Promise<Participant | null> => {
				const http = new Client(ours.server.url);
				http.cookies.set(PARTICIPANT_COOKIE, ours.participantCookies[index]!);
				const room = await connectClient(roomEndpoint, index, {
					presence: 'stock',
					timeoutMs: 60_000,
					traffic: figures.room
				});
				if ('failure' in room) {
					figures.connectFailures.push(`room ${index}: ${room.failure}`);
					return null;
				}
				const p: Participant = {
					index,
					teamId: ours.teamIds[index % ours.teamIds.length]!,
					http,
					room: room.client,
					board: null,
					boardStage: STAGES[firstStage]!,
					moving: Promise.resolve()
				};
				await openBoard(ours, p, p.boardStage);
				followRoom(ours, p);
				return p;
			}
		)
	).filter((p): p is Participant => p !== null);
	track(async () => {
		await Promise.all(
			participants.flatMap((p) => (p.board ? [p.room, p.board] : [p.room])).map(destroyClient)
		);
	});
	figures.connectMs = performance.now() - connectStarted;
	log(`${participants.length}/${N} connected in ${(figures.connectMs / 1000).toFixed(1)} s`);

	// The live workshop: everything from here to the reveal of the vote is what is measured.
	await serverMetrics(ours.server);
	clientDelay.reset();
	const clientCpuBefore = process.cpuUsage();
	const liveStarted = performance.now();
	for (const traffic of [figures.room, figures.board]) {
		traffic.bytesIn = traffic.messagesIn = traffic.awarenessBytesIn = 0;
	}
	log(`activity for ${DURATION_MS / 1000} s`);
	await activity(ours, participants, firstStage);
	const roomTraffic = { ...figures.room };
	const boardTraffic = { ...figures.board };
	log(`vote: ${participants.length} ballots at once`);
	await voteBurst(ours, participants);
	figures.serverCpuLiveS = (cpuMs(pid) - cpuAfterJoin) / 1000;
	figures.serverLive = await serverMetrics(ours.server);
	const clientCpu = process.cpuUsage(clientCpuBefore);
	figures.clientCpuLiveS = (clientCpu.user + clientCpu.system) / 1e6;
	figures.liveMs = performance.now() - liveStarted;
	figures.rssMb = peakRssMb(pid);
	figures.clientEventLoopP99 = clientDelay.percentile(99) / 1e6;
	figures.room = roomTraffic;
	figures.board = boardTraffic;
	log(`vote exact: ${figures.exact}; comparing stage changes with the reference server`);

	await serverMetrics(ours.server);
	await compareWithReference(ours, participants, firstStage + STAGE_CHANGES + 1);
	figures.serverQuiet = await serverMetrics(ours.server);
	stopping = true;
	await finish(0);
}

// ---------------------------------------------------------------------------------------------

function stats(samples: number[]): string[] {
	return [
		formatMs(percentile(samples, 50)),
		formatMs(percentile(samples, 99)),
		formatMs(samples.length ? Math.max(...samples) : undefined)
	];
}

function printReport() {
	const out: string[] = [''];
	const load = loadAverage();
	out.push(
		`Workshop benchmark · N=${N} · ${os.cpus().length} cores · Node ${process.version} · load average at start ${loadAtStart}, at end ${load}`
	);
	out.push(
		`One instance of our server on PostgreSQL; all ${N}×2 stock y-websocket clients live in this process (their own event-loop delay p99 during the workshop: ${formatMs(figures.clientEventLoopP99)} ms), so client-side figures include this process's queueing.`
	);
	out.push('');
	out.push(
		`Join (the join form's action over HTTP, 16 at a time): p50 ${formatMs(percentile(figures.joinMs, 50))} ms, p99 ${formatMs(percentile(figures.joinMs, 99))} ms, all ${figures.joinMs.length} (with sign-up and workshop set-up) in ${(figures.joinAllMs / 1000).toFixed(1)} s`
	);
	out.push(
		`Connect room + board for every participant: ${(figures.connectMs / 1000).toFixed(1)} s` +
			(figures.connectFailures.length ? `, ${figures.connectFailures.length} failed` : '')
	);
	const cardRefused = [...figures.cardRefused].map(([s, n]) => `${n}× HTTP ${s}`).join(', ');
	out.push(
		`Activity: ${(figures.activityMs / 1000).toFixed(1)} s, one action per participant every ${ACTION_MIN_MS / 1000}–${ACTION_MAX_MS / 1000} s: ` +
			`${figures.cardMs.length} cards through HTTP (answer p50 ${formatMs(percentile(figures.cardMs, 50))} ms, p99 ${formatMs(percentile(figures.cardMs, 99))} ms${cardRefused ? `; refused ${cardRefused}` : ''}), ` +
			`${figures.edits} wording edits over Yjs` +
			(figures.actionErrors.length ? `, ${figures.actionErrors.length} actions failed` : '')
	);
	out.push('');
	out.push(
		`Stage changes during the activity: facilitator's request sent → each client's room document shows the new stage, ms`
	);
	const pooled = figures.stageChanges.flatMap((c) => c.samples);
	out.push(
		table(
			['stage', 'answer', 'p50', 'p99', 'max', 'clients', 'missing'],
			[
				...figures.stageChanges.map((c) => [
					c.stage,
					formatMs(c.answerMs),
					...stats(c.samples),
					String(c.samples.length),
					String(c.missing)
				]),
				[
					'all',
					formatMs(
						percentile(
							figures.stageChanges.map((c) => c.answerMs),
							50
						)
					),
					...stats(pooled),
					String(pooled.length),
					String(figures.stageChanges.reduce((n, c) => n + c.missing, 0))
				]
			]
		)
	);
	out.push(
		`Board move (new stage seen → new board synced): p50 ${formatMs(percentile(figures.boardMoveMs, 50))} ms, p99 ${formatMs(percentile(figures.boardMoveMs, 99))} ms over ${figures.boardMoveMs.length} moves` +
			(figures.boardMoveFailures ? `, ${figures.boardMoveFailures} failed` : '')
	);
	out.push('');
	out.push(
		`Vote burst: ${figures.ballotMs.length} ballots at once over HTTP: ack p50 ${formatMs(percentile(figures.ballotMs, 50))} ms, p99 ${formatMs(percentile(figures.ballotMs, 99))} ms, max ${formatMs(figures.ballotMs.length ? Math.max(...figures.ballotMs) : undefined)} ms, refused ${figures.ballotsRefused}, exact ${figures.exact} (${figures.tally})`
	);
	out.push('');
	const minutes = figures.activityMs / 60_000;
	const perMinute = (bytes: number) => (minutes > 0 ? bytes / N / minutes : Number.NaN);
	const kb = (bytes: number) => (Number.isNaN(bytes) ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`);
	out.push(
		`Server: CPU ${figures.serverCpuLiveS.toFixed(1)} s during the live workshop (activity + vote), ${figures.serverCpuJoinS.toFixed(1)} s for start-up and joins; peak RSS ${figures.rssMb.toFixed(0)} MB`
	);
	const eld = (m: ServerMetrics | null) => {
		const d = m?.eventLoopDelayMs;
		return d ? `p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms` : 'not reported';
	};
	out.push(
		`Server event-loop delay: live workshop ${eld(figures.serverLive)}; start-up and joins ${eld(figures.serverJoin)}`
	);
	const requests = figures.serverLive?.requestsMs ?? {};
	const routes = Object.keys(requests).sort((a, b) => requests[b]!.count - requests[a]!.count);
	if (routes.length) {
		out.push(
			`Requests during the live workshop as the server timed them (received → answered), ms:`
		);
		out.push(
			table(
				['request', 'count', 'p50', 'p99', 'max'],
				routes.map((route) => {
					const r = requests[route]!;
					return [route, String(r.count), formatMs(r.p50), formatMs(r.p99), formatMs(r.max)];
				})
			)
		);
	}
	const clientShare = figures.liveMs > 0 ? (figures.clientCpuLiveS * 1000) / figures.liveMs : NaN;
	out.push(
		`This process (all the clients): CPU ${figures.clientCpuLiveS.toFixed(1)} s during the live workshop, ${(clientShare * 100).toFixed(0)}% of one core`
	);
	const { room, board } = figures;
	const messages = (room.messagesIn + board.messagesIn) / N / minutes;
	out.push(
		`Server → participant per minute of activity (WebSocket frames received, as on the wire): ` +
			`room ${kb(perMinute(room.bytesIn))} (presence ${kb(perMinute(room.awarenessBytesIn))}), ` +
			`board ${kb(perMinute(board.bytesIn))} (presence ${kb(perMinute(board.awarenessBytesIn))}), ` +
			`total ${kb(perMinute(room.bytesIn + board.bytesIn))} in ${minutes > 0 ? messages.toFixed(0) : 'n/a'} messages`
	);
	out.push('');
	out.push(
		`Stage change with the room quiet, alternating with the reference y-websocket server (@y/websocket-server, no auth, no persistence) in the same run, ${COMPARE_ROUNDS} rounds each, ms per client:`
	);
	out.push(
		`  ours: facilitator's HTTP request → checked, written to the room document, committed to PostgreSQL → every room; reference: one client writes the same keys → every other client.`
	);
	const compareRow = (server: string, changes: StageChange[]) => {
		const samples = changes.flatMap((c) => c.samples);
		const last = changes.map((c) => (c.samples.length ? Math.max(...c.samples) : Number.NaN));
		return [
			server,
			String(changes.length),
			...stats(samples),
			formatMs(percentile(last, 50)),
			String(changes.reduce((n, c) => n + c.missing, 0))
		];
	};
	out.push(
		table(
			['server', 'rounds', 'p50', 'p99', 'max', 'last client p50', 'missing'],
			[compareRow('ours', figures.compare.ours), compareRow('reference', figures.compare.reference)]
		)
	);
	const quietGoTo = figures.serverQuiet?.requestsMs['POST /api/workshops/:id/live'];
	if (quietGoTo) {
		out.push(
			`Our server's own time for those stage-change requests (received → answered): p50 ${formatMs(quietGoTo.p50)} ms, p99 ${formatMs(quietGoTo.p99)} ms.`
		);
	}
	const problems = serverOutput()
		.split('\n')
		.filter((line) => /error|failed|refused|dropped/i.test(line));
	if (problems.length) {
		out.push(`Our server logged ${problems.length} problem lines, the first:`);
		for (const line of problems.slice(0, 5)) out.push(`  ${line.slice(0, 300)}`);
	}
	for (const note of notes) out.push(`note: ${note}`);
	out.push('');
	out.push(
		`workshop N=${N} stage_p99=${Math.round(percentile(pooled, 99))} vote_p99=${Math.round(percentile(figures.ballotMs, 99))} exact=${figures.exact ?? false} rss_mb=${Math.round(figures.rssMb)}`
	);
	process.stdout.write(out.join('\n') + '\n');
}

main().catch(async (error) => {
	notes.push(`stopped on an error: ${error instanceof Error ? error.stack : String(error)}`);
	await finish(1);
});
