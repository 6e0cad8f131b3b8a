import { error, redirect } from '@sveltejs/kit';
import { startSession } from '$lib/server/auth/cookie-session';
import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { joinFields, joinSchema } from '$lib/schemas/workshops';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

async function openWorkshop(code: string) {
	const found = await workshops.findByJoinCode(code);
	if (!found)
		error(404, `No workshop uses the code ${code.toUpperCase()}. Check the code on the screen.`);
	if (found.status === 'archived')
		error(410, 'This workshop has ended and no longer takes participants.');
	return found;
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const workshop = await openWorkshop(params.code);
	// Returning on the same device resumes the earlier session instead of a second join.
	if (locals.participant?.participant.workshopId === workshop.id)
		redirect(303, `/w/${workshop.id}`);
	const teams = await workshops.teams(workshop.id);
	return {
		workshop: { title: workshop.title, clientOrganisation: workshop.clientOrganisation },
		teams: teams.map((t) => ({ id: t.id, name: t.name, colour: t.colour }))
	};
};

export const actions: Actions = {
	default: async ({ params, request, cookies, locals, url }) => {
		const workshop = await openWorkshop(params.code);
		if (locals.participant?.participant.workshopId === workshop.id)
			redirect(303, `/w/${workshop.id}`);
		const parsed = parseForm(joinSchema, await request.formData(), joinFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		let joined;
		try {
			joined = await participants.join({ workshopId: workshop.id, ...parsed.data });
		} catch (e) {
			if (e instanceof participants.UnknownTeamError) {
				return invalid(400, { teamId: 'Pick one of the teams listed.' }, parsed.data);
			}
			throw e;
		}
		await startSession({ cookies, url }, { participantId: joined.id });
		redirect(303, `/w/${workshop.id}`);
	}
};
