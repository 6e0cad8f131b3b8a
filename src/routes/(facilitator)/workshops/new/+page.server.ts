import { redirect } from '@sveltejs/kit';
import { requireAccount } from '$lib/server/guards';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { createWorkshopFields, createWorkshopSchema } from '$lib/schemas/workshops';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireAccount(event, 'workshop.create');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const actor = requireAccount(event, 'workshop.create');
		const parsed = parseForm(
			createWorkshopSchema,
			await event.request.formData(),
			createWorkshopFields
		);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const created = await workshops.create({ ownerId: actor.account.id, ...parsed.data });
		redirect(303, `/workshops/${created.id}`);
	}
};
