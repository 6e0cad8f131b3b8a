/**
 * kill -9 in the middle of a busy workshop: 50 devices (20 on PGlite) typing on five boards
 * and casting ballots when the process dies. Whatever the server acknowledged (an answered
 * sync request for board edits, a 2xx for a ballot) must be in the database; when a new
 * process comes up on the same address, the devices reconnect by themselves, each after its
 * own random delay (the app's DocConnection), resend what the crash cut off, and every device
 * ends with the server's document.
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { listCards } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import type { PublishedResult } from '../../src/lib/domain/polls';
import type { BackoffPolicy } from '../../src/lib/state/backoff';
import { facilitatorWithWorkshop, joinAsParticipant, type Participant } from '../support/actors';
import { addTerm, entries, lines, mergedText, putNow } from '../support/board-text';
import {
	createTestDatabase,
	databaseKinds,
	type DatabaseKind,
	type TestDatabase
} from '../support/databases';
import { connectDevice, type Device } from '../support/devices';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';
import { readStoredDocs } from '../support/stored-docs';
import { controlPoll, createPoll, Voter } from '../support/voting';

/**
 * Devices per run. PostgreSQL runs the full room. The embedded database runs 20 (four per
 * board): the same requests, acknowledgements, kill and reconnects on the same five boards,
 * while 50 devices there took two to three times as long as on PostgreSQL for nothing new.
 */
const CLIENTS: Record<DatabaseKind, number> = { postgres: 50, pglite: 20 };
const BOARDS = 5;
/** Acknowledged ballots the kill waits for: 30 % of the room, some still in flight. */
const BALLOTS_BEFORE_KILL = 0.3;
/**
 * The app's schedule (full jitter, 1 s doubling to 10 s) with shorter windows, so the test
 * does not wait out a long window; each attempt still comes after a random delay.
 */
const BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 1_000 };

type BallotState = 'not cast' | 'in flight' | 'acknowledged';

interface Writer {
	device: Device;
	board: string;
	/** The term whose merged wording this device types in. */
	term: string;
	prefix: string;
	/** Edits made in the device's own document (all of them reach the server eventually). */
	made: number;
	/** Edits the server had committed when it answered this device's last sync request. */
	acknowledged: number;
	voter: Voter;
	/** The 1–5 answer this person gives. */
	choice: string;
	/** After how many acknowledged rounds of typing the person votes. */
	votesAfter: number;
	ballot: BallotState;
}

function keysOf(writer: Writer, count: number): string[] {
	return Array.from({ length: count }, (_, i) => `${writer.prefix}-${i}`);
}

function tally(choices: string[]): Record<string, number> {
	const counts: Record<string, number> = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
	for (const choice of choices) counts[choice]!++;
	return counts;
}

/** Which updates of which client a document holds. */
function stateVector(doc: Y.Doc): Map<number, number> {
	return Y.decodeStateVector(Y.encodeStateVector(doc));
}

describe.each(databaseKinds())('a crash under load on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	const peers: Peer[] = [];
	const devices: Device[] = [];

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
	});
	afterAll(async () => {
		for (const d of devices) d.destroy();
		for (const p of peers) p.destroy();
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await database?.drop();
	});

	const clients = CLIENTS[kind];

	test(`kill -9 while ${clients} devices type and vote: acknowledged edits and ballots survive, and the devices come back by themselves and converge`, async () => {
		const facilitator = await facilitatorWithWorkshop(server);
		const { workshopId } = facilitator;
		const participants: Participant[] = [];
		for (let i = 0; i < clients; i++) {
			participants.push(
				await joinAsParticipant(server, facilitator, i % 2 ? 'Sales' : 'Marketing', `Writer ${i}`)
			);
		}
		// The alignment template's first five stages, each with a term the devices type in
		// (cards are the server's to create).
		const stageKeys = ['focus-value', 'shared-terms', 'connections', 'barriers', 'measures'].slice(
			0,
			BOARDS
		);
		const boards = stageKeys.map((key) => stageDocName(workshopId, key));
		const terms = await Promise.all(
			stageKeys.map((key) => addTerm(facilitator.client, workshopId, key))
		);
		const pollId = await createPoll(facilitator.client, workshopId, {
			kind: 'scale',
			question: 'How well do the two teams agree on what a qualified lead is?'
		});
		expect((await controlPoll(facilitator.client, workshopId, pollId, 'open')).status).toBe(200);

		const writers: Writer[] = participants.map((participant, i) => {
			const board = boards[i % BOARDS]!;
			const device = connectDevice(server.url, participant.client, board, { backoff: BACKOFF });
			devices.push(device);
			return {
				device,
				board,
				term: terms[i % BOARDS]!,
				prefix: `w${i}`,
				made: 0,
				acknowledged: 0,
				voter: new Voter(
					participant.client,
					workshopId,
					participant.displayName,
					participant.team.id
				),
				choice: String(1 + (i % 5)),
				votesAfter: 1 + Math.floor(Math.random() * 10),
				ballot: 'not cast'
			};
		});
		await Promise.all(writers.map((w) => w.device.whenLive()));
		await waitFor('every writer to have its term', () =>
			writers.every((w) => mergedText(w.device.doc, w.term))
		);

		// Each device writes two lines and asks for an acknowledgement, over and over; at some
		// round its person votes, while the typing goes on. Until the server dies under them.
		let crashed = false;
		const unexpected: string[] = [];
		const cast = async (writer: Writer) => {
			writer.ballot = 'in flight';
			try {
				const answer = await writer.voter.vote(pollId, writer.choice);
				if (answer.status === 201) writer.ballot = 'acknowledged';
				else unexpected.push(`${writer.prefix}: ${answer.status} ${JSON.stringify(answer.body)}`);
			} catch {
				// The process died with the request in flight: stored or not, nobody was told.
			}
		};
		const casts: Promise<void>[] = [];
		const loops = writers.map(async (writer) => {
			let rounds = 0;
			while (!crashed) {
				for (let k = 0; k < 2; k++) {
					putNow(
						mergedText(writer.device.doc, writer.term)!,
						`${writer.prefix}-${writer.made}`,
						'x'
					);
					writer.made++;
				}
				const asked = writer.made;
				try {
					await writer.device.ack();
				} catch {
					return;
				}
				if (crashed) return;
				writer.acknowledged = asked;
				if (++rounds === writer.votesAfter) casts.push(cast(writer));
			}
		});
		const ballotsAcknowledged = () => writers.filter((w) => w.ballot === 'acknowledged').length;
		// Dozens of devices typing and voting on a machine that also runs browser scenarios: the
		// wait ends at its condition, and a failure says how far the devices got.
		const ballotsBeforeKill = Math.ceil(clients * BALLOTS_BEFORE_KILL);
		await waitFor(
			'enough acknowledged edits and ballots',
			() => writers.every((w) => w.acknowledged >= 6) && ballotsAcknowledged() >= ballotsBeforeKill,
			{ timeoutMs: 60_000 }
		).catch((error: Error) => {
			const slowest = Math.min(...writers.map((w) => w.acknowledged));
			throw new Error(
				`${error.message} (the slowest device had ${slowest} edits acknowledged; ` +
					`${ballotsAcknowledged()} ballots acknowledged; unexpected answers: ` +
					`${unexpected.join('; ') || 'none'})`
			);
		});
		await server.kill();
		crashed = true;
		await Promise.all(loops);
		await Promise.all(casts);
		expect(unexpected).toEqual([]);
		const totalMade = writers.reduce((n, w) => n + w.made, 0);
		const totalAcknowledged = writers.reduce((n, w) => n + w.acknowledged, 0);
		expect(totalAcknowledged).toBeGreaterThanOrEqual(clients * 6);
		const acknowledgedBallots = writers.filter((w) => w.ballot === 'acknowledged');
		const castBallots = writers.filter((w) => w.ballot !== 'not cast');

		// With no process running: the database holds every acknowledged edit.
		const stored = await readStoredDocs(database, boards);
		for (const board of boards) {
			const keys = new Set(Object.keys(entries(stored.get(board)!)));
			for (const writer of writers.filter((w) => w.board === board)) {
				const missing = keysOf(writer, writer.acknowledged).filter((key) => !keys.has(key));
				expect({ writer: writer.prefix, missing }).toEqual({ writer: writer.prefix, missing: [] });
			}
		}

		// A new process on the same address. Nobody tells the devices: they have been retrying
		// since the crash, each on its own random schedule, and come back by themselves.
		const restartedAt = Date.now();
		server = await startServer(database, { PORT: String(server.port) });
		const listeningAfter = Date.now() - restartedAt;
		await waitFor('every device to be live again', () =>
			writers.every((w) => w.device.connection.status === 'live')
		);
		const backAt = writers.map((w) => w.device.sockets.at(-1)!.openedAt - restartedAt);
		// Spread out, not a herd: the successful attempts fall in many different moments.
		expect(new Set(backAt.map((ms) => Math.floor(ms / 50))).size).toBeGreaterThan(3);
		await Promise.all(writers.map((w) => w.device.ack()));

		// Every acknowledged ballot was counted: casting again with the device's key changes the
		// stored ballot (200), which only exists if the first cast was stored. A ballot whose
		// answer the crash cut off may or may not have been stored; now it is, exactly once.
		const poll = async () =>
			(await facilitator.client.json('GET', `/api/workshops/${workshopId}/polls/${pollId}`)).body
				.poll as { turnout: { voted: number }; result: PublishedResult | null };
		const turnoutAfterCrash = (await poll()).turnout.voted;
		let storedBeforeRestart = 0;
		for (const writer of castBallots) {
			const again = await writer.voter.vote(pollId, writer.choice);
			if (writer.ballot === 'acknowledged') expect(again.status).toBe(200);
			else expect([200, 201]).toContain(again.status);
			if (again.status === 200) storedBeforeRestart++;
		}
		expect(turnoutAfterCrash).toBe(storedBeforeRestart);
		expect(turnoutAfterCrash).toBeGreaterThanOrEqual(acknowledgedBallots.length);
		for (const step of ['close', 'reveal'] as const) {
			expect((await controlPoll(facilitator.client, workshopId, pollId, step)).status).toBe(200);
		}
		const result = (await poll()).result!;
		expect(result.voters).toBe(castBallots.length);
		expect(result.counts).toEqual(tally(castBallots.map((w) => w.choice)));

		// Every device ends with the server's document: nothing missing, nothing twice.
		for (const board of boards) {
			const reader = connectPeer(server.url, facilitator.client, board);
			peers.push(reader);
			await reader.whenSynced();
			const onBoard = writers.filter((w) => w.board === board);
			const keys = new Set(Object.keys(entries(reader.doc)));
			const missing = onBoard.flatMap((w) => keysOf(w, w.made)).filter((key) => !keys.has(key));
			expect(missing).toEqual([]);
			// Boards also hold the template's terms: count only the devices' lines.
			const written = lines(reader.doc)
				.map(([key]) => key)
				.filter((key) => /^w\d+-\d+$/.test(key));
			expect(written.length).toBe(onBoard.reduce((n, w) => n + w.made, 0));
			const served = stateVector(reader.doc);
			await waitFor(`every device on ${board} to hold the server’s state`, () =>
				onBoard.every((w) => isDeepStrictEqual(stateVector(w.device.doc), served))
			);
			for (const writer of onBoard) {
				expect(lines(writer.device.doc).sort()).toEqual(lines(reader.doc).sort());
				expect(listCards(writer.device.doc)).toEqual(listCards(reader.doc));
			}
		}
		console.log(
			`${kind}: ${totalMade} edits made, ${totalAcknowledged} acknowledged before the kill; ` +
				`${castBallots.length} ballots cast, ${acknowledgedBallots.length} acknowledged; ` +
				`the new process listened after ${listeningAfter} ms, the devices were back ` +
				`${Math.min(...backAt)}–${Math.max(...backAt)} ms after the restart began`
		);
	});
});
