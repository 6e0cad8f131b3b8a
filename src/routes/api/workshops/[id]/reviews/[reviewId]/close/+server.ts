import { requireFacilitatorOf } from '$lib/server/api';
import * as reviews from '$lib/server/reviews';
import { answerJson } from '$lib/server/refusals';
import type { RequestHandler } from './$types';

/** Closes the review: every pulse is closed and its result revealed under the k rule. */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	return answerJson(async () => ({
		review: await reviews.close(event.params.id, event.params.reviewId)
	}));
};
