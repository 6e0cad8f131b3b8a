import { error, redirect } from '@sveltejs/kit';
import { deviceHash } from '$lib/server/auth/device';
import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import type { PageServerLoad } from './$types';

/**
 * Where a joiner waits until the facilitator lets them in. The page asks again every few
 * seconds; once they are in, this sends them on to the room. Refused, their session is gone
 * and their device is told so.
 */
export const load: PageServerLoad = async ({ params, locals, cookies }) => {
	const actor = locals.participant;
	if (!actor || actor.participant.workshopId !== params.id) {
		const device = deviceHash(cookies);
		if (device && (await participants.byDevice(params.id, device))?.kind === 'removed') {
			error(403, 'The facilitator did not let you in. Ask them if you think this is a mistake.');
		}
		error(401, 'Join this workshop with its code or link first.');
	}
	if (actor.participant.isAdmitted) redirect(303, `/w/${params.id}`);
	const workshop = await workshops.get(params.id);
	if (!workshop) error(404, 'This workshop no longer exists.');
	return {
		workshop: { title: workshop.title, clientOrganisation: workshop.clientOrganisation },
		me: { displayName: actor.participant.displayName, teamName: actor.participant.teamName }
	};
};
