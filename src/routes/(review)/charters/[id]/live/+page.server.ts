import { requireCharterReader } from '$lib/server/charter/guards';
import * as workshops from '$lib/server/workshops';
import type { PageServerLoad } from './$types';

/** The workshop as it runs, for its leaders: read-only, live over the room and the boards. */
export const load: PageServerLoad = async (event) => {
	await requireCharterReader(event, event.params.id);
	const found = await workshops.get(event.params.id);
	return {
		workshopId: event.params.id,
		title: found?.title ?? '',
		organisation: found?.clientOrganisation ?? ''
	};
};
