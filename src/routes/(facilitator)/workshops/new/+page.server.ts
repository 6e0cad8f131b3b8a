import { redirect } from '@sveltejs/kit';
import { requireAccount } from '$lib/server/guards';
import * as boards from '$lib/server/boards';
import { isFirmWorkshop } from '$lib/server/firms';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { createWorkshopFields, createWorkshopSchema } from '$lib/schemas/workshops';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireAccount(event, 'workshop.create');
	const earlier = actor.firm ? await workshops.listForFirm(actor.firm.id) : [];
	return {
		earlier: earlier.map((w) => ({
			id: w.id,
			title: w.title,
			clientOrganisation: w.clientOrganisation
		}))
	};
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
		const { startFrom, ...details } = parsed.data;
		let start: Pick<Parameters<typeof workshops.create>[0], 'stages' | 'teams'> = {};
		if (startFrom === 'blank') start = { stages: [] };
		if (startFrom.startsWith('copy:')) {
			const source = await workshops.get(startFrom.slice('copy:'.length));
			// Only the firm's workshops can be copied; another firm's is as good as unknown.
			if (!isFirmWorkshop(actor, source)) {
				return invalid(
					400,
					{ startFrom: 'Choose one of your firm’s workshops to copy.' },
					parsed.data
				);
			}
			start = await workshops.copySource(source!.id);
		}
		const created = await workshops.create({ ownerId: actor.account.id, ...details, ...start });
		if (startFrom.startsWith('copy:'))
			await boards.copy(startFrom.slice('copy:'.length), created.id);
		else await boards.prefill(created.id);
		redirect(303, `/workshops/${created.id}`);
	}
};
