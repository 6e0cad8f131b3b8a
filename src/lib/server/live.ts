/**
 * Running a workshop: moving everyone to a stage, the shared timer, the spotlight and the
 * "I'm done" signals. Each is checked here and then written to the room document through
 * rooms.change, which every screen follows.
 */
import { and, count, eq } from 'drizzle-orm';
import { cardsOf } from '../collab/cards';
import { roomDocName, stageDocName } from '../collab/doc-names';
import {
	readLive,
	writeAgenda,
	writeCurrentStage,
	writeDone,
	writeSpotlight,
	writeTimer,
	type AgendaStage,
	type AgendaTeam,
	type LiveState
} from '../collab/live';
import * as timers from '../domain/timer';
import { db } from './db';
import { participant, stageDone } from './db/schema';
import * as rooms from './rooms';
import * as runSheet from './run-sheet';
import * as stages from './stages';
import * as workshops from './workshops';
import { RuleError } from './rules';

export function state(workshopId: string): Promise<LiveState> {
	return rooms.read(roomDocName(workshopId), readLive);
}

/**
 * The stages and teams as the database has them, in the shape the room carries them: what
 * the room gets, and what a screen paints first while the room connects.
 */
export async function agenda(
	workshopId: string
): Promise<{ stages: AgendaStage[]; teams: AgendaTeam[] }> {
	const [stageRows, teamRows] = await Promise.all([
		stages.list(workshopId),
		workshops.teams(workshopId)
	]);
	return {
		stages: stageRows.map(stages.describe),
		teams: teamRows.map((t) => ({ id: t.id, name: t.name, colour: t.colour }))
	};
}

/** Copies the stages and teams from the database into the room, when they differ. */
export async function publishAgenda(workshopId: string): Promise<void> {
	const [stored, current] = await Promise.all([agenda(workshopId), state(workshopId)]);
	if (
		JSON.stringify([stored.stages, stored.teams]) ===
		JSON.stringify([current.stages, current.teams])
	) {
		return;
	}
	await rooms.change(roomDocName(workshopId), (doc) =>
		writeAgenda(doc, stored.stages, stored.teams)
	);
}

/** The stage, or a 404 refusal of the live run. */
export async function requireStage(workshopId: string, stageKey: string) {
	const found = await stages.get(workshopId, stageKey);
	if (!found) throw new RuleError('This workshop has no such stage.', 404);
	return found;
}

/** Moves everyone to a stage. The spotlight goes out; the timer is set to the stage's timebox. */
export async function goTo(workshopId: string, stageKey: string): Promise<void> {
	const target = await requireStage(workshopId, stageKey);
	await publishAgenda(workshopId);
	await rooms.change(roomDocName(workshopId), (doc) => {
		writeCurrentStage(doc, target.key);
		writeSpotlight(doc, null);
		// Read inside the change: a second "Bring everyone here" keeps the timer it started.
		if (readLive(doc).timer?.stageKey !== target.key) {
			writeTimer(doc, timers.newTimer(target.key, target.timeboxMinutes * 60_000));
		}
	});
	await runSheet.arrive(workshopId, target.key, new Date());
}

export type TimerAction = 'start' | 'pause' | 'addMinute';

/** Timers run only on the current stage: a stale console cannot start another stage's. */
export async function timer(
	workshopId: string,
	stageKey: string,
	action: TimerAction
): Promise<void> {
	await requireStage(workshopId, stageKey);
	const now = await state(workshopId);
	if (now.stageKey !== stageKey || !now.timer || now.timer.stageKey !== stageKey) {
		throw new RuleError(
			'The timer runs on the current stage only: move everyone there first.',
			409
		);
	}
	await rooms.change(roomDocName(workshopId), (doc) => {
		// The timer as it is when this write applies, so two presses at once both count
		// (two "+1 min" add two minutes; a second start keeps the first one's start time).
		const current = readLive(doc).timer;
		if (!current || current.stageKey !== stageKey) return;
		const at = Date.now();
		const next =
			action === 'start'
				? timers.start(current, at)
				: action === 'pause'
					? timers.pause(current, at)
					: timers.addTime(current, 60_000, at);
		if (next !== current) writeTimer(doc, next);
	});
}

const MAX_SPOTLIGHT_LENGTH = 500;

export async function spotlight(
	workshopId: string,
	input: { stageKey: string; itemId: string | null; text: string; teamId: string | null } | null
): Promise<void> {
	if (input) {
		await requireStage(workshopId, input.stageKey);
		const text = input.text.trim();
		if (!text) throw new RuleError('There is nothing to put in the spotlight.');
		if (text.length > MAX_SPOTLIGHT_LENGTH) {
			throw new RuleError(`A spotlight shows at most ${MAX_SPOTLIGHT_LENGTH} characters.`);
		}
		// Every phone and the projector show the spotlight: a card still on its team's private
		// board would reach the other teams before the reveal.
		const itemId = input.itemId;
		if (itemId !== null) {
			const isShared = await rooms.read(stageDocName(workshopId, input.stageKey), (doc) =>
				cardsOf(doc).has(itemId)
			);
			if (!isShared) {
				throw new RuleError(
					'This card is not on the shared board: a card still private to its team can go in the spotlight once the round is revealed.',
					409
				);
			}
		}
		input = { ...input, text };
	}
	await rooms.change(roomDocName(workshopId), (doc) => writeSpotlight(doc, input));
}

/** A participant says they are done with a stage (or takes it back); counts go per team. */
export async function markDone(
	who: { participantId: string; workshopId: string },
	stageKey: string,
	isDone: boolean
): Promise<Record<string, number>> {
	await requireStage(who.workshopId, stageKey);
	if (isDone) {
		await db()
			.insert(stageDone)
			.values({ workshopId: who.workshopId, stageKey, participantId: who.participantId })
			.onConflictDoNothing();
	} else {
		await db()
			.delete(stageDone)
			.where(
				and(
					eq(stageDone.workshopId, who.workshopId),
					eq(stageDone.stageKey, stageKey),
					eq(stageDone.participantId, who.participantId)
				)
			);
	}
	const rows = await db()
		.select({ teamId: participant.teamId, n: count() })
		.from(stageDone)
		.innerJoin(participant, eq(participant.id, stageDone.participantId))
		.where(and(eq(stageDone.workshopId, who.workshopId), eq(stageDone.stageKey, stageKey)))
		.groupBy(participant.teamId);
	const counts = Object.fromEntries(rows.map((r) => [r.teamId, r.n]));
	await rooms.change(roomDocName(who.workshopId), (doc) => writeDone(doc, stageKey, counts));
	return counts;
}
