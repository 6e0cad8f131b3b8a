import { json } from '@sveltejs/kit';
import { readJson, requireFacilitatorOf, requireMember } from '$lib/server/api';
import * as calibration from '$lib/server/calibration';
import { answerJson, throwRefusal } from '$lib/server/refusals';
import { calibrationActionSchema } from '$lib/schemas/calibration';
import type { RequestHandler } from './$types';

/** The stage's leads and categories, as every member of the workshop sees them. */
export const GET: RequestHandler = async (event) => {
	await requireMember(event, event.params.id);
	return answerJson(() => calibration.view(event.params.id, event.params.stageKey));
};

/** The facilitator starts the next round, opens a lead for discussion, or edits the categories. */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'poll.manage');
	const input = await readJson(event, calibrationActionSchema);
	const { id, stageKey } = event.params;
	try {
		switch (input.action) {
			case 'startRound':
				return json({ id: await calibration.startRound(id, stageKey) }, { status: 201 });
			case 'focus':
				await calibration.focus(id, stageKey, input.leadId);
				return json({ focusLeadId: input.leadId });
			case 'categoriesFromTerms':
				return json({ categories: await calibration.categoriesFromTerms(id, stageKey) });
			case 'categories':
				return json({
					categories: await calibration.setCategories(id, stageKey, input.categories)
				});
		}
	} catch (e) {
		throwRefusal(e);
	}
};
