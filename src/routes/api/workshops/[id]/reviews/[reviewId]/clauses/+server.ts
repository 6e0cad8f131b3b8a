import { json } from '@sveltejs/kit';
import { readJson, requireFacilitatorOf } from '$lib/server/api';
import * as reviews from '$lib/server/reviews';
import { throwRefusal } from '$lib/server/refusals';
import { markClauseSchema } from '$lib/schemas/reviews';
import type { RequestHandler } from './$types';

/** Marks a clause for change with the room's wording, or takes the mark off. */
export const PATCH: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	const input = await readJson(event, markClauseSchema);
	try {
		await reviews.mark(event.params.id, event.params.reviewId, input.clauseId, input.proposedText);
		return json({ clauses: await reviews.clauses(event.params.reviewId) });
	} catch (e) {
		throwRefusal(e);
	}
};
