import { json } from '@sveltejs/kit';
import { readJson, requireFacilitatorOf } from '$lib/server/api';
import { startReviewSchema } from '$lib/schemas/reviews';
import * as reviews from '$lib/server/reviews';
import { answerJson } from '$lib/server/refusals';
import type { RequestHandler } from './$types';

/** The charter's review sessions, oldest first. */
export const GET: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	return json({ reviews: await reviews.list(event.params.id) });
};

/** Starts a review session from the signed charter: one open pulse per clause. */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	const input = await readJson(event, startReviewSchema);
	return answerJson(async () => ({ review: await reviews.start(event.params.id, input) }), 201);
};
