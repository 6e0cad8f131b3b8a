/**
 * Turnout: who may vote (participants let in and not removed) and how many ballots each team's
 * tokens cast. Counts of people only, never choices, and never the tokens issued: moving a
 * person between teams while a poll is open moves an eligible count, never a vote.
 */
import { and, count, eq, inArray } from 'drizzle-orm';
import { roomDocName } from '../../collab/doc-names';
import { writeTurnout } from '../../collab/polls';
import type { Turnout } from '../../domain/polls';
import { db } from '../db';
import { ballot, participant, poll } from '../db/schema';
import { presentIn } from '../present';
import * as rooms from '../rooms';
import * as workshops from '../workshops';

/**
 * Who may vote and how many ballots each team's tokens cast. Counts only; moving a person
 * between teams moves an eligible count, never a vote.
 */
export async function turnout(workshopId: string, pollId: string): Promise<Turnout> {
	const teamIds = (await workshops.teams(workshopId)).map((t) => t.id);
	const [eligible, voted] = await Promise.all([
		db()
			.select({ teamId: participant.teamId, n: count() })
			.from(participant)
			.where(presentIn(workshopId))
			.groupBy(participant.teamId),
		db()
			.select({ teamId: ballot.teamId, n: count() })
			.from(ballot)
			.where(eq(ballot.pollId, pollId))
			.groupBy(ballot.teamId)
	]);
	const teams: Turnout['teams'] = Object.fromEntries(
		teamIds.map((id) => [id, { voted: 0, eligible: 0 }])
	);
	for (const row of eligible) (teams[row.teamId] ??= { voted: 0, eligible: 0 }).eligible = row.n;
	for (const row of voted) (teams[row.teamId] ??= { voted: 0, eligible: 0 }).voted = row.n;
	const all = Object.values(teams);
	return {
		voted: all.reduce((s, t) => s + t.voted, 0),
		eligible: all.reduce((s, t) => s + t.eligible, 0),
		teams
	};
}

/**
 * Turnout after casts, written to the room at most once per poll at a time and at most every
 * TURNOUT_INTERVAL_MS: a burst of 300 casts becomes a handful of room updates, each with the
 * count as it then stands, and the last one always follows the last cast.
 */
const TURNOUT_INTERVAL_MS = 250;
const turnoutWrites = new Map<string, { running: Promise<void>; again: boolean }>();

export function publishTurnout(workshopId: string, pollId: string): Promise<void> {
	const pending = turnoutWrites.get(pollId);
	if (pending) {
		pending.again = true;
		return pending.running;
	}
	const entry = { running: Promise.resolve(), again: false };
	entry.running = (async () => {
		try {
			do {
				const started = Date.now();
				entry.again = false;
				const current = await turnout(workshopId, pollId);
				await rooms.change(roomDocName(workshopId), (doc) => writeTurnout(doc, pollId, current));
				const wait = TURNOUT_INTERVAL_MS - (Date.now() - started);
				if (entry.again && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			} while (entry.again);
		} finally {
			turnoutWrites.delete(pollId);
		}
	})();
	turnoutWrites.set(pollId, entry);
	return entry.running;
}

/** Re-publishes every poll's turnout: after people join, leave or move team. */
export async function refreshTurnout(workshopId: string): Promise<void> {
	const open = await db()
		.select({ id: poll.id })
		.from(poll)
		.where(and(eq(poll.workshopId, workshopId), inArray(poll.status, ['draft', 'open'])));
	for (const row of open) await publishTurnout(workshopId, row.id);
}
