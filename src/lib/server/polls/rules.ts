/** A poll's row and rules as the other poll modules read them. */
import { and, eq } from 'drizzle-orm';
import { CRITERIA } from '../../domain/calibration/fields';
import type { PollRules } from '../../domain/polls';
import { db } from '../db';
import { poll } from '../db/schema';
import * as workshops from '../workshops';
import { RuleError } from '../rules';
import { inWorkshop } from '../db/rows';

export type PollRow = typeof poll.$inferSelect;

/** The one row an insert or update … returning() wrote. */
export function written<T>(rows: T[]): T {
	const [row] = rows;
	if (!row) throw new Error('The database wrote no row.');
	return row;
}

export function rulesOf(row: PollRow): PollRules {
	return {
		kind: row.kind,
		options: row.options,
		dotBudget: row.dotBudget,
		dotMaxPerCard: row.dotMaxPerCard,
		k: row.k,
		maxObjectionPercent: row.maxObjectionPercent,
		...(row.kind === 'classification'
			? { leads: row.leads ?? [], criteria: CRITERIA.map((c) => c.key) }
			: {})
	};
}

export async function teamIdsOf(workshopId: string): Promise<string[]> {
	return (await workshops.teams(workshopId)).map((t) => t.id);
}

export async function find(workshopId: string, pollId: string): Promise<PollRow> {
	const row = await inWorkshop(poll, workshopId, pollId);
	if (!row) throw new RuleError('This workshop has no such poll.', 404);
	return row;
}

/**
 * A poll's rules (kind, options, dot budget) never change once it exists, so casting reads
 * them once per process; its status is checked by the write itself.
 */
const rulesCache = new Map<string, Promise<{ workshopId: string; rules: PollRules } | null>>();

/** Read once per poll and process, however many casts arrive at the same moment. */
function readRules(pollId: string) {
	let cached = rulesCache.get(pollId);
	if (!cached) {
		cached = (async () => {
			const [row] = await db().select().from(poll).where(eq(poll.id, pollId));
			if (!row) return null;
			return { workshopId: row.workshopId, rules: rulesOf(row) };
		})();
		if (rulesCache.size >= 1000) rulesCache.clear();
		rulesCache.set(pollId, cached);
		// Neither a failure nor "no such poll" is kept: the next cast asks again.
		cached.then(
			(found) => found ?? rulesCache.delete(pollId),
			() => rulesCache.delete(pollId)
		);
	}
	return cached;
}

/** The rules a cast is checked against, from the per-process cache. */
export async function rulesFor(workshopId: string, pollId: string): Promise<PollRules> {
	const found = await readRules(pollId);
	if (!found || found.workshopId !== workshopId) {
		throw new RuleError('This workshop has no such poll.', 404);
	}
	return found.rules;
}

/** Why a poll refused a ballot its write did not take: not open yet, closed, or gone. */
export async function notOpen(workshopId: string, pollId: string): Promise<RuleError> {
	const [row] = await db()
		.select({ status: poll.status, kind: poll.kind })
		.from(poll)
		.where(and(eq(poll.id, pollId), eq(poll.workshopId, workshopId)));
	if (!row) return new RuleError('This workshop has no such poll.', 404);
	const isRound = row.kind === 'classification';
	if (row.status === 'draft') {
		return new RuleError(`This ${isRound ? 'round' : 'poll'} is not open yet.`, 409);
	}
	return new RuleError(
		isRound
			? 'This round is closed: classifications are no longer taken.'
			: 'This poll is closed: votes are no longer taken.',
		409
	);
}
