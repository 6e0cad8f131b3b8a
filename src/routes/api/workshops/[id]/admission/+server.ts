import { error, json } from '@sveltejs/kit';
import { readJson, requireFacilitatorOf } from '$lib/server/api';
import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import { admissionActionSchema } from '$lib/schemas/admission';
import type { RequestEvent, RequestHandler } from './$types';

async function state(workshopId: string) {
	const [workshop, waiting] = await Promise.all([
		workshops.get(workshopId),
		participants.listWaiting(workshopId)
	]);
	return {
		requireAdmission: workshop?.requireAdmission ?? false,
		waiting: waiting.map((p) => ({ id: p.id, displayName: p.displayName, teamId: p.teamId }))
	};
}

/** Whether joiners wait, and who is waiting, for the facilitator's console. */
export const GET: RequestHandler = async (event: RequestEvent) => {
	await requireFacilitatorOf(event, event.params.id);
	return json(await state(event.params.id));
};

/** Admit one or all, refuse one, or change whether joiners wait; answers the new state. */
export const POST: RequestHandler = async (event: RequestEvent) => {
	await requireFacilitatorOf(event, event.params.id);
	const input = await readJson(event, admissionActionSchema);
	const workshopId = event.params.id;
	switch (input.action) {
		case 'admit':
			if ((await participants.admit(workshopId, input.participantId)) === 0)
				error(404, 'Nobody of that id is waiting to join this workshop.');
			break;
		case 'refuse':
			if (!(await participants.refuse(workshopId, input.participantId)))
				error(404, 'Nobody of that id is waiting to join this workshop.');
			break;
		case 'admitAll':
			await participants.admit(workshopId);
			break;
		case 'requireAdmission':
			await workshops.setRequireAdmission(workshopId, input.required);
			// Anyone waiting could join again without waiting now; they are let in instead.
			if (!input.required) await participants.admit(workshopId);
			break;
	}
	return json(await state(workshopId));
};
