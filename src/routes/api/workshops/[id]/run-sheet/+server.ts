/**
 * The run-sheet's changes from the console: a stage's planned duration and private notes, or
 * the planned start of the day. Only those who pass the workshop's facilitator guard reach
 * this; the notes are stored in the database and never written to a shared document.
 */
import { error, json } from '@sveltejs/kit';
import { readJson, requireFacilitatorOf } from '$lib/server/api';
import * as live from '$lib/server/live';
import * as runSheet from '$lib/server/run-sheet';
import * as stages from '$lib/server/stages';
import { serialised } from '$lib/server/workshop-queue';
import * as workshopEvents from '$lib/server/workshop-events';
import { runSheetChange } from '$lib/schemas/run-sheet';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const { id } = event.params;
	const { actor } = await requireFacilitatorOf(event, id);
	const input = await readJson(event, runSheetChange);
	await serialised(id, async () => {
		if (input.action === 'stage') {
			if (!(await stages.get(id, input.stageKey))) {
				error(404, 'This workshop has no such stage.');
			}
			await runSheet.saveStage(
				id,
				input.stageKey,
				{ plannedMinutes: input.plannedMinutes, notes: input.notes },
				actor.account.id
			);
			await workshopEvents.record(id, actor, 'runSheet.stage', input.stageKey, {
				plannedMinutes: input.plannedMinutes
			});
		} else {
			await runSheet.setDayStart(id, input.startsAt ? new Date(input.startsAt) : null);
			await workshopEvents.record(id, actor, 'runSheet.dayStart', null, {
				startsAt: input.startsAt
			});
		}
	});
	const current = (await live.state(id)).stageKey;
	return json(await runSheet.load(id, current));
};

/** The run-sheet as it is now (with the notes): for the console's refresh. */
export const GET: RequestHandler = async (event) => {
	const { id } = event.params;
	await requireFacilitatorOf(event, id);
	const current = (await live.state(id)).stageKey;
	return json(await runSheet.load(id, current));
};
