/**
 * The facilitator's controls of the room's shared screen: hide a stage's board from the
 * projector or show it again, put a term in focus, turn the page, put a revealed result away.
 * JSON only: a cross-site page cannot send it without a CORS preflight, which is never granted.
 */
import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { readProjectorView } from '$lib/collab/projector';
import { readStageState } from '$lib/collab/room';
import { roomDocName } from '$lib/collab/doc-names';
import { can } from '$lib/domain/permissions';
import { readJson, requireFacilitatorOf } from '$lib/server/api';
import { serialised } from '$lib/server/workshop-queue';
import * as workshopEvents from '$lib/server/workshop-events';
import * as projector from '$lib/server/projector';
import * as rooms from '$lib/server/rooms';
import { throwRefusal } from '$lib/server/refusals';
import { stageKeyField } from '$lib/schemas/stages';
import type { RequestHandler } from './$types';

const stageKey = stageKeyField;

const control = v.variant(
	'action',
	[
		v.object({ action: v.literal('hide'), stageKey }),
		v.object({ action: v.literal('show'), stageKey }),
		v.object({
			action: v.literal('focusTerm'),
			stageKey,
			termId: v.nullable(
				v.pipe(v.string('Say which term, or null to follow the typing.'), v.maxLength(64))
			)
		}),
		v.object({
			action: v.literal('turnPage'),
			stageKey,
			step: v.picklist([1, -1], 'Turn one page at a time: step 1 (next) or -1 (previous).')
		}),
		v.object({ action: v.literal('showBoard'), stageKey })
	],
	'Say what to do: hide, show, focusTerm, turnPage or showBoard.'
);

export const POST: RequestHandler = async (event) => {
	const { id } = event.params;
	const member = await requireFacilitatorOf(event, id);
	if (!can(member.actor.role, 'projector.run'))
		error(403, 'Only the facilitator runs the projector.');
	const input = await readJson(event, control);
	try {
		await serialised(id, async () => {
			switch (input.action) {
				case 'hide':
				case 'show':
					await projector.setHidden(id, input.stageKey, input.action === 'hide');
					break;
				case 'focusTerm':
					await projector.focusTerm(id, input.stageKey, input.termId);
					break;
				case 'turnPage':
					await projector.turnPage(id, input.stageKey, input.step);
					break;
				case 'showBoard':
					await projector.showBoard(id, input.stageKey);
					break;
			}
			await workshopEvents.record(id, member.actor, `projector.${input.action}`, input.stageKey);
		});
	} catch (e) {
		throwRefusal(e);
	}
	return json(
		await rooms.read(roomDocName(id), (doc) => ({
			stage: readStageState(doc, input.stageKey),
			view: readProjectorView(doc, input.stageKey)
		}))
	);
};
