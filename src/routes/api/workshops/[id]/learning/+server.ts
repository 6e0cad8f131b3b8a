import { json } from '@sveltejs/kit';
import { readJson } from '$lib/server/api';
import * as learning from '$lib/server/learning';
import { requireProposer } from '$lib/server/review-guards';
import { answerJson } from '$lib/server/refusals';
import { learningItemSchema } from '$lib/schemas/reviews';
import type { RequestHandler } from './$types';

/** The shared learning agenda, for anyone of the workshop and its leaders. */
export const GET: RequestHandler = async (event) => {
	await requireProposer(event, event.params.id);
	return json({ items: await learning.list(event.params.id) });
};

/** Proposes an item; the facilitator's and leaders' own items are accepted at once. */
export const POST: RequestHandler = async (event) => {
	const proposer = await requireProposer(event, event.params.id);
	const input = await readJson(event, learningItemSchema);
	return answerJson(
		async () => ({ item: await learning.propose(event.params.id, input, proposer) }),
		201
	);
};
