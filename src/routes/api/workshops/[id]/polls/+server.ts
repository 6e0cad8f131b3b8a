import { json } from '@sveltejs/kit';
import { readJson, requireFacilitatorOf, requireMember } from '$lib/server/api';
import * as polls from '$lib/server/polls';
import { answerJson } from '$lib/server/refusals';
import { newPollSchema } from '$lib/schemas/polls';
import type { RequestHandler } from './$types';

/**
 * The workshop's polls with their turnout, and results once revealed. The same for every
 * member: nothing here depends on who asks, so nothing can tie a result to the asker.
 */
export const GET: RequestHandler = async (event) => {
	await requireMember(event, event.params.id);
	return json({ polls: await polls.list(event.params.id) });
};

/** The facilitator drafts a poll: consent on an agreement or a term, a dot vote, a choice, a scale. */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'poll.manage');
	const input = await readJson(event, newPollSchema);
	return answerJson(async () => ({ id: await polls.create(event.params.id, input) }), 201);
};
