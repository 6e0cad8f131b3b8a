import { json } from '@sveltejs/kit';
import { requireFacilitatorOf } from '$lib/server/api';
import * as reviews from '$lib/server/reviews';
import { throwRefusal } from '$lib/server/refusals';
import type { RequestHandler } from './$types';

/** Closes the review: every pulse is closed and its result revealed under the k rule. */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	try {
		return json({ review: await reviews.close(event.params.id, event.params.reviewId) });
	} catch (e) {
		throwRefusal(e);
	}
};
