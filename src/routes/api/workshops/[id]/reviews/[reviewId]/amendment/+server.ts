import { json } from '@sveltejs/kit';
import { readJson, requireFacilitatorOf } from '$lib/server/api';
import * as reviews from '$lib/server/reviews';
import { throwRefusal } from '$lib/server/refusals';
import { amendmentSchema } from '$lib/schemas/reviews';
import type { RequestHandler } from './$types';

/** The marked clauses become the draft of the next version, published when asked. */
export const POST: RequestHandler = async (event) => {
	const member = await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	const input = await readJson(event, amendmentSchema);
	try {
		const { published } = await reviews.amend(
			event.params.id,
			event.params.reviewId,
			input,
			`Facilitator ${member.actor.account.name}`
		);
		return json(
			{
				published: published && {
					id: published.id,
					number: published.number,
					hash: published.hash
				}
			},
			{ status: 201 }
		);
	} catch (e) {
		throwRefusal(e);
	}
};
