/**
 * The participants who count in a workshop: let in and not removed. They are the room's list,
 * who may vote (turnout), and whom the pre-work's completion counts. A module of its own so
 * that polls and pre-work can use it without importing the participants module (which
 * imports polls).
 */
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { participant } from './db/schema';

export function presentIn(workshopId: string) {
	return and(
		eq(participant.workshopId, workshopId),
		isNull(participant.removedAt),
		isNotNull(participant.admittedAt)
	);
}
