/** The charter's health over time: per clause, the pulse at each closed review. */
import { asc, eq, inArray } from 'drizzle-orm';
import { PULSE_OPTIONS } from '../../domain/polls';
import { db } from '../db';
import { poll, reviewClause } from '../db/schema';
import { list } from './sessions';

export interface ClauseHealth {
	clauseId: string;
	text: string;
	/** Per review, oldest first: the published counts (null below k) and how many pulsed. */
	pulses: {
		review: number;
		startedAt: string;
		voters: number;
		counts: Record<string, number> | null;
		markedForChange: boolean;
	}[];
}

/** Per clause, the pulse at each closed review: the charter's health over time. */
export async function health(workshopId: string): Promise<{
	reviews: { number: number; startedAt: string; status: string }[];
	clauses: ClauseHealth[];
}> {
	const sessions = await list(workshopId);
	const byClause = new Map<string, ClauseHealth>();
	const rows = sessions.length
		? await db()
				.select({ clause: reviewClause, result: poll.result, status: poll.status })
				.from(reviewClause)
				.innerJoin(poll, eq(poll.id, reviewClause.pollId))
				.where(
					inArray(
						reviewClause.reviewId,
						sessions.map((s) => s.id)
					)
				)
				.orderBy(asc(reviewClause.position))
		: [];
	for (const s of sessions) {
		for (const { clause, result, status } of rows.filter((r) => r.clause.reviewId === s.id)) {
			const entry = byClause.get(clause.clauseId) ?? {
				clauseId: clause.clauseId,
				text: clause.text,
				pulses: []
			};
			entry.text = clause.text;
			if (status === 'revealed' && result) {
				entry.pulses.push({
					review: s.number,
					startedAt: s.startedAt.toISOString(),
					voters: result.voters,
					counts: result.counts
						? Object.fromEntries(PULSE_OPTIONS.map((o) => [o, result.counts![o] ?? 0]))
						: null,
					markedForChange: clause.proposedText !== null
				});
			}
			byClause.set(clause.clauseId, entry);
		}
	}
	return {
		reviews: sessions.map((s) => ({
			number: s.number,
			startedAt: s.startedAt.toISOString(),
			status: s.status
		})),
		clauses: [...byClause.values()]
	};
}
