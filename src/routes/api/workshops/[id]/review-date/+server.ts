import { readJson, requireFacilitatorOf } from '$lib/server/api';
import * as reviews from '$lib/server/reviews';
import { answerJson } from '$lib/server/refusals';
import { nextReviewSchema } from '$lib/schemas/reviews';
import type { RequestHandler } from './$types';

/** The facilitator sets the next review date (today or later). */
export const PATCH: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	const { date } = await readJson(event, nextReviewSchema);
	return answerJson(async () => {
		await reviews.setNextReview(event.params.id, date);
		return { nextReview: await reviews.nextReview(event.params.id) };
	});
};
