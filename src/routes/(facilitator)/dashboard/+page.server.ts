import { requireAccount } from '$lib/server/guards';
import * as workshops from '$lib/server/workshops';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireAccount(event, 'workshop.list');
	return { workshops: await workshops.listForOwner(actor.account.id) };
};
