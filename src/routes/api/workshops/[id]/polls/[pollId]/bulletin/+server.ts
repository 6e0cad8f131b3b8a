import { json } from '@sveltejs/kit';
import { requireMember } from '$lib/server/api';
import * as polls from '$lib/server/polls';
import { throwRefusal } from '$lib/server/refusals';
import type { RequestHandler } from './$types';

/**
 * The bulletin of a revealed poll: every counted ballot's tracker and choice, for the room's
 * members. A device checks its own ballot here; anyone can recount the overall result.
 */
export const GET: RequestHandler = async (event) => {
	await requireMember(event, event.params.id);
	try {
		const ballots = await polls.bulletin(event.params.id, event.params.pollId);
		return json({ ballots });
	} catch (e) {
		throwRefusal(e);
	}
};
