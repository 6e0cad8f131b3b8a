/**
 * The facilitator's live controls: move everyone to a stage, the shared timer, the spotlight.
 * JSON only: a cross-site page cannot send it without a CORS preflight, which is never granted.
 */
import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireFacilitatorOf, readJson } from '$lib/server/api';
import * as live from '$lib/server/live';
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
		v.object({ action: v.literal('clearSpotlight') })
	],
	'Say what to do: goTo, timer, spotlight or clearSpotlight.'
);

export const POST: RequestHandler = async (event) => {
	const { id } = event.params;
	await requireFacilitatorOf(event, id);
	const input = await readJson(event, control);
	try {
		switch (input.action) {
			case 'goTo':
				await live.goTo(id, input.stageKey);
				break;
			case 'timer':
				await live.timer(id, input.stageKey, input.timer);
				break;
			case 'spotlight':
				await live.spotlight(id, input);
				break;
			case 'clearSpotlight':
				await live.spotlight(id, null);
				break;
		}
	} catch (e) {
		if (e instanceof live.LiveRuleError) error(e.status, e.message);
		throw e;
	}
	return json(await live.state(id));
};
