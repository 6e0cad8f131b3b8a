import { error, redirect } from '@sveltejs/kit';
import { requireJoinedOf } from '$lib/server/guards';
import * as clock from '$lib/server/clock';
import * as learning from '$lib/server/learning';
import { proposeAction } from '$lib/server/learning-forms';
import { requireProposer } from '$lib/server/review-guards';
import * as workshops from '$lib/server/workshops';
import type { Actions, PageServerLoad } from './$types';

/** The shared learning agenda on a phone: what is on it, what waits, and a proposal form. */
export const load: PageServerLoad = async (event) => {
	const actor = requireJoinedOf(event, event.params.id);
	if (!actor.participant.isAdmitted) redirect(303, `/w/${event.params.id}/waiting`);
	const workshop = await workshops.get(event.params.id);
	if (!workshop) error(404, 'This workshop no longer exists.');
	const [items, teams] = await Promise.all([
		learning.agenda(workshop.id),
		workshops.teams(workshop.id)
	]);
	return {
		workshop: { id: workshop.id, title: workshop.title },
		me: { teamId: actor.participant.teamId, teamName: actor.participant.teamName },
		items,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		today: clock.today()
	};
};

export const actions: Actions = {
	/** A participant's proposal waits for the facilitator or a leader, and never names them. */
	proposeItem: async (event) =>
		proposeAction(event.request, event.params.id, await requireProposer(event, event.params.id))
};
