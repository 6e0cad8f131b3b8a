/** Where the pre-work stands, and the refusals every part of it shares. */
import { eq } from 'drizzle-orm';
import { db } from '../db';
import { prework } from '../db/schema';

export const PREWORK_CLOSED =
	'The facilitator has closed the pre-work, so answers are no longer taken. Your answer is still here: bring it to the session.';
export const PREWORK_NOT_OPEN = 'The facilitator has not opened the pre-work yet.';
export const PREWORK_REVEALED =
	'The facilitator has already shown this stage’s pre-work in the room, so it takes no more answers.';

export type PreworkStatus = 'not-opened' | 'open' | 'closed';

export async function status(workshopId: string): Promise<PreworkStatus> {
	const [row] = await db().select().from(prework).where(eq(prework.workshopId, workshopId));
	if (!row) return 'not-opened';
	return row.closedAt ? 'closed' : 'open';
}
