import { requireAccount } from '$lib/server/guards';
import { can } from '$lib/domain/permissions';
import * as workshops from '$lib/server/workshops';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireAccount(event, 'workshop.list');
	return {
		firm: actor.firm,
		mayCreate: can(actor.role, 'workshop.create'),
		workshops: actor.firm ? await workshops.listForFirm(actor.firm.id) : []
	};
};
