import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { readJson } from '$lib/server/api';
import * as learning from '$lib/server/learning';
import { requireCurator } from '$lib/server/review-guards';
import { throwRefusal } from '$lib/server/refusals';
import { takeawaysSchema } from '$lib/schemas/reviews';
import type { RequestHandler } from './$types';

const actionSchema = v.union(
	[v.strictObject({ action: v.literal('accept') }), takeawaysSchema],
	'Send { "action": "accept" } or { "takeaways": "…" }.'
);

/** The facilitator or a leader accepts an item, or records its takeaways. */
export const PATCH: RequestHandler = async (event) => {
	await requireCurator(event, event.params.id);
	const input = await readJson(event, actionSchema);
	try {
		if ('action' in input) {
			return json({ item: await learning.accept(event.params.id, event.params.itemId) });
		}
		if (!('takeaways' in input)) error(400, 'Nothing to change.');
		return json({
			item: await learning.recordTakeaways(event.params.id, event.params.itemId, input.takeaways)
		});
	} catch (e) {
		throwRefusal(e);
	}
};
