/**
 * The facilitator's live controls: move everyone to a stage, the shared timer, the spotlight.
 * JSON only: a cross-site page cannot send it without a CORS preflight, which is never granted.
 */
import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireFacilitatorOf, readJson } from '$lib/server/api';
import * as live from '$lib/server/live';
import * as runSheet from '$lib/server/run-sheet';
import { serialised } from '$lib/server/workshop-queue';
import * as workshopEvents from '$lib/server/workshop-events';
import { throwRefusal } from '$lib/server/refusals';
import { stageKeyField } from '$lib/schemas/stages';
import type { RequestHandler } from './$types';

const stageKey = stageKeyField;

const control = v.variant(
	'action',
	[
		v.object({ action: v.literal('goTo'), stageKey }),
		v.object({
			action: v.literal('timer'),
			stageKey,
			timer: v.picklist(['start', 'pause', 'addMinute'], 'The timer can start, pause or addMinute.')
		}),
		v.object({
			action: v.literal('spotlight'),
			stageKey,
			itemId: v.nullable(v.pipe(v.string(), v.maxLength(64))),
			text: v.string('Say what to put in the spotlight.'),
			teamId: v.nullable(v.pipe(v.string(), v.maxLength(64)))
		}),
		v.object({ action: v.literal('clearSpotlight') }),
		v.object({ action: v.literal('finish') })
	],
	'Say what to do: goTo, timer, spotlight, clearSpotlight or finish.'
);

export const POST: RequestHandler = async (event) => {
	const { id } = event.params;
	const { actor } = await requireFacilitatorOf(event, id);
	const input = await readJson(event, control);
	try {
		// Two consoles pressing at once: one intervention after the other (workshop-queue.ts).
		await serialised(id, async () => {
			switch (input.action) {
				case 'goTo':
					await live.goTo(id, input.stageKey);
					await workshopEvents.record(id, actor, 'goTo', input.stageKey);
					break;
				case 'timer':
					await live.timer(id, input.stageKey, input.timer);
					await workshopEvents.record(id, actor, `timer.${input.timer}`, input.stageKey);
					break;
				case 'spotlight':
					await live.spotlight(id, input);
					await workshopEvents.record(id, actor, 'spotlight', input.stageKey, {
						itemId: input.itemId
					});
					break;
				case 'clearSpotlight':
					await live.spotlight(id, null);
					await workshopEvents.record(id, actor, 'clearSpotlight', null);
					break;
				case 'finish':
					if (await runSheet.finish(id, new Date())) {
						await workshopEvents.record(id, actor, 'finish', null);
					}
					break;
			}
		});
	} catch (e) {
		throwRefusal(e);
	}
	return json(await live.state(id));
};
