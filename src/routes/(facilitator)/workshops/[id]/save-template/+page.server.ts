import { redirect } from '@sveltejs/kit';
import { requireAccount, requireOwnedWorkshop } from '$lib/server/guards';
import { invalid } from '$lib/server/forms';
import * as templates from '$lib/server/templates';
import { parseForm } from '$lib/schemas/forms';
import { saveTemplateFields, saveTemplateSchema } from '$lib/schemas/templates';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAccount(event, 'template.manage');
	const { workshop } = await requireOwnedWorkshop(event, event.params.id, 'template.manage');
	return { workshop: { id: workshop.id, title: workshop.title } };
};

export const actions: Actions = {
	default: async (event) => {
		const actor = requireAccount(event, 'template.manage');
		const { workshop } = await requireOwnedWorkshop(event, event.params.id, 'template.manage');
		const form = await event.request.formData();
		const parsed = parseForm(saveTemplateSchema, form, saveTemplateFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const saved = await templates.saveFromWorkshop(
			templates.viewerOf(actor),
			workshop.id,
			parsed.data
		);
		if (!saved.ok)
			return invalid(
				400,
				{ form: `This workshop cannot be saved as a template: ${saved.errors.join(' ')}` },
				parsed.data
			);
		redirect(303, `/templates?saved=${saved.template.id}`);
	}
};
