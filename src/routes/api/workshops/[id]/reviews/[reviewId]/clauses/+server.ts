import { readJson, requireFacilitatorOf } from '$lib/server/api';
import * as reviews from '$lib/server/reviews';
import { answerJson } from '$lib/server/refusals';
import { markClauseSchema } from '$lib/schemas/reviews';
import type { RequestHandler } from './$types';

/** Marks a clause for change with the room's wording, or takes the mark off. */
export const PATCH: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	const input = await readJson(event, markClauseSchema);
	return answerJson(async () => {
		await reviews.mark(event.params.id, event.params.reviewId, input.clauseId, input.proposedText);
		return { clauses: await reviews.clauses(event.params.reviewId) };
	});
};
