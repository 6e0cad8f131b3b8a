import { error } from '@sveltejs/kit';
import { requireParticipantOf } from '$lib/server/guards';
import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireParticipantOf(event, event.params.id);
	const workshop = await workshops.get(event.params.id);
	if (!workshop) error(404, 'This workshop no longer exists.');
	const present = await participants.listPresent(workshop.id);
	return {
		workshop: { title: workshop.title, clientOrganisation: workshop.clientOrganisation },
		me: actor.participant,
		present: present.map((p) => ({
			id: p.id,
			displayName: p.displayName,
			teamName: p.teamName,
			teamColour: p.teamColour
		}))
	};
};
