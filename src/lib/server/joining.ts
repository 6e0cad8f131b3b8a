/**
 * Finding a workshop by its join code, as the join pages do. Join codes are short enough to
 * guess at, so every wrong code counts against its address (rate-limit.ts): a client trying
 * codes is slowed to about one a minute after thirty, while a room full of people behind one
 * conference address joining with the right code is never slowed down by each other.
 */
import { error } from '@sveltejs/kit';
import * as rateLimit from './rate-limit';
import * as workshops from './workshops';

export type JoinRefusal = { status: 404 | 410 | 429; message: string };

export const WORKSHOP_ENDED = 'This workshop has ended and no longer takes participants.';

export async function lookUp(
	code: string,
	address: string
): Promise<{ ok: true; workshop: workshops.Workshop } | ({ ok: false } & JoinRefusal)> {
	const key = `join:guesses:${address}`;
	const tooMany = (ms: number) => ({
		ok: false as const,
		status: 429 as const,
		message: `Too many attempts from this network; try again in ${rateLimit.describeWait(ms)}.`
	});
	const found = await workshops.findByJoinCode(code);
	if (found) {
		// A right code never counts (a whole room joins through one address), but while the
		// address waits it is refused like a wrong one: the answer must not tell them apart.
		const wait = await rateLimit.pendingWait(key);
		if (wait > 0) return tooMany(wait);
		if (found.status === 'archived') return { ok: false, status: 410, message: WORKSHOP_ENDED };
		return { ok: true, workshop: found };
	}
	// Counted in one atomic claim before answering: a burst of guesses cannot all slip past a
	// check made before any of them was counted.
	const claim = await rateLimit.claimAttempt(key, rateLimit.JOIN_GUESSES_PER_ADDRESS);
	if (!claim.allowed) return tooMany(claim.retryAfterMs);
	return {
		ok: false,
		status: 404,
		message: `No workshop uses the code ${code.toUpperCase()}. Check the code on the screen.`
	};
}

/** The workshop that takes joiners with this code; an error page (404, 410, 429) otherwise. */
export async function openWorkshop(code: string, address: string): Promise<workshops.Workshop> {
	const found = await lookUp(code, address);
	if (!found.ok) error(found.status, found.message);
	return found.workshop;
}

/** Claims one of the workshop's joins for this minute; the wait in words when there is none. */
export async function claimJoin(workshopId: string): Promise<string | null> {
	const claim = await rateLimit.claimSlot(
		`join:workshop:${workshopId}`,
		rateLimit.JOINS_PER_WORKSHOP
	);
	if (claim.allowed) return null;
	return `Many people are joining this workshop right now; try again in ${rateLimit.describeWait(claim.retryAfterMs)}.`;
}

export async function giveBackJoin(workshopId: string): Promise<void> {
	await rateLimit.refund(`join:workshop:${workshopId}`);
}
