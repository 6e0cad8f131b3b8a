import { error } from '@sveltejs/kit';
import * as calibration from '$lib/server/calibration';
import { requireOwnedWorkshop } from '$lib/server/guards';
import * as stages from '$lib/server/stages';
import type { PageServerLoad } from './$types';

/**
 * Preparing a calibration stage: its leads (uploaded or typed in) and its categories. Every
 * change goes through the calibration endpoints; this page reads what they stored.
 */
export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireOwnedWorkshop(event, event.params.id, 'poll.manage');
	const stage = await stages.get(workshop.id, event.params.stageKey);
	if (!stage || stage.kind !== 'calibration')
		error(404, 'This workshop has no such calibration stage.');
	return {
		workshop: { id: workshop.id, title: workshop.title },
		stage: { key: stage.key, title: stage.title },
		calibration: await calibration.view(workshop.id, stage.key)
	};
};
