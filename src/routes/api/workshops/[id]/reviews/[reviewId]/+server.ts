import { requireFacilitatorOf } from '$lib/server/api';
import * as reviews from '$lib/server/reviews';
import { answerJson } from '$lib/server/refusals';
import type { RequestHandler } from './$types';

/** A review with its clauses' pulses (results once closed) and the measures' actuals. */
export const GET: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	return answerJson(() => reviews.get(event.params.id, event.params.reviewId));
};
