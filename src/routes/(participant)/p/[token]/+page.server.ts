import { error, redirect } from '@sveltejs/kit';
import { ensureDevice } from '$lib/server/auth/device';
import { startSession } from '$lib/server/auth/cookie-session';
import { invalid } from '$lib/server/forms';
import { WORKSHOP_ENDED } from '$lib/server/joining';
import * as participants from '$lib/server/participants';
import * as prework from '$lib/server/prework';
import { failRefusal } from '$lib/server/refusals';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { joinFields, joinSchema } from '$lib/schemas/workshops';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const STALE =
	'This pre-work link does not work any more (a newer one was mailed, or the workshop is gone). Use the latest mail, or ask the facilitator.';

/**
 * A personal pre-work link. Opened the first time, it asks for a name (and a team, unless the
 * facilitator gave one) and makes its person a participant, let in at once: the facilitator
 * invited them. Opened again, on this phone or another, it resumes as that participant, who
 * is the same person in the live room.
 */
async function opened(event: RequestEvent) {
	const invite = await prework.findInvite(event.params.token);
	if (!invite) error(404, STALE);
	const workshop = await workshops.get(invite.workshopId);
	if (!workshop) error(404, STALE);
	if (workshop.status === 'archived') error(410, WORKSHOP_ENDED);
	if (invite.participantId) {
		await startSession(event, { participantId: invite.participantId });
		redirect(303, `/w/${workshop.id}/prework`);
	}
	return { invite, workshop };
}

export const load: PageServerLoad = async (event) => {
	const { invite, workshop } = await opened(event);
	const given = await prework.teamOf(workshop.id, invite.teamId);
	const teams = given ? [given] : await workshops.teams(workshop.id);
	return {
		workshop: { title: workshop.title, clientOrganisation: workshop.clientOrganisation },
		givenTeam: given ? { id: given.id, name: given.name } : null,
		teams: teams.map((t) => ({ id: t.id, name: t.name, colour: t.colour }))
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { invite, workshop } = await opened(event);
		const form = await event.request.formData();
		const given = await prework.teamOf(workshop.id, invite.teamId);
		if (given) form.set('teamId', given.id);
		const parsed = parseForm(joinSchema, form, joinFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		let joined;
		try {
			joined = await participants.join({
				workshopId: workshop.id,
				...parsed.data,
				deviceHash: ensureDevice(event)
			});
		} catch (e) {
			return failRefusal(e, 'form', parsed.data);
		}
		if (!joined.isAdmitted) await participants.admit(workshop.id, joined.id);
		await prework.bindInvite(invite.id, joined.id);
		await startSession(event, { participantId: joined.id });
		redirect(303, `/w/${workshop.id}/prework`);
	}
};
