import { requireFacilitatorOf } from '$lib/server/api';
import * as calibration from '$lib/server/calibration';
import { throwRefusal } from '$lib/server/refusals';
import type { RequestHandler } from './$types';

/** Removes a lead from the sample (before the first round only). */
export const DELETE: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'poll.manage');
	try {
		await calibration.removeLead(event.params.id, event.params.stageKey, event.params.leadId);
		return new Response(null, { status: 204 });
	} catch (e) {
		throwRefusal(e);
	}
};
