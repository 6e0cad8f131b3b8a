/**
 * A stage's live controls for its facilitator: lock or unlock the board, start private
 * writing, reveal the team boards. The realtime server applies each change to every open
 * connection before this answers, so "locked" means locked on every device right away.
 *
 * JSON only: a cross-site page cannot send it without a CORS preflight, which this endpoint
 * never grants (SvelteKit's CSRF check covers form posts only).
 */
import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { isStageKey } from '$lib/collab/doc-names';
import { readJson } from '$lib/server/api';
import { requireOwnedWorkshop } from '$lib/server/guards';
import * as projector from '$lib/server/projector';
import * as stageControls from '$lib/server/stage-controls';
import * as stages from '$lib/server/stages';
import { serialised } from '$lib/server/workshop-queue';
import * as workshopEvents from '$lib/server/workshop-events';
import type { RequestHandler } from './$types';

const stageControl = v.object({
	action: v.picklist(
		['lock', 'unlock', 'startPrivate', 'reveal'],
		'Say what to do: lock, unlock, startPrivate or reveal.'
	)
});

export const POST: RequestHandler = async (event) => {
	const { actor, workshop } = await requireOwnedWorkshop(event, event.params.id);
	const stageKey = event.params.key;
	if (!isStageKey(stageKey) || !(await stages.get(workshop.id, stageKey))) {
		error(404, 'This workshop has no stage with this key.');
	}
	const { action } = await readJson(event, stageControl);

	// A lock and a reveal pressed at once on two consoles: one after the other, never interleaved
	// (a reveal is three writes). See workshop-queue.ts.
	await serialised(workshop.id, async () => {
		switch (action) {
			case 'lock':
				await stageControls.setLocked(workshop.id, stageKey, true);
				break;
			case 'unlock':
				await stageControls.setLocked(workshop.id, stageKey, false);
				break;
			case 'startPrivate':
				await stageControls.setPrivateWrite(workshop.id, stageKey, true);
				await projector.refreshUnrevealed(workshop.id, stageKey);
				break;
			case 'reveal':
				await stageControls.reveal(workshop.id, stageKey);
				await projector.refreshUnrevealed(workshop.id, stageKey);
				break;
		}
		await workshopEvents.record(workshop.id, actor, action, stageKey);
	});
	return json(await stageControls.stateOf(workshop.id, stageKey));
};
