import { redirect } from '@sveltejs/kit';
import { requireAccount } from '$lib/server/guards';
import * as boards from '$lib/server/boards';
import * as templates from '$lib/server/templates';
import { isFirmWorkshop } from '$lib/server/firms';
import * as workshops from '$lib/server/workshops';
import { BUILT_IN_TEMPLATES, builtInTemplate } from '$lib/domain/template-library';
import type { TemplateContent } from '$lib/domain/template-library';
import { parseForm } from '$lib/schemas/forms';
import { createWorkshopFields, createWorkshopSchema } from '$lib/schemas/workshops';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireAccount(event, 'workshop.create');
	const [earlier, saved] = await Promise.all([
		actor.firm ? workshops.listForFirm(actor.firm.id) : [],
		templates.list(templates.viewerOf(actor))
	]);
	return {
		earlier: earlier.map((w) => ({
			id: w.id,
			title: w.title,
			clientOrganisation: w.clientOrganisation
		})),
		builtIn: BUILT_IN_TEMPLATES.filter((t) => t.id !== 'alignment').map((t) => ({
			id: t.id,
			name: t.content.name,
			description: t.content.description,
			stages: t.content.stages.map((s) => s.title)
		})),
		saved: saved.map((t) => ({ id: t.id, name: t.name, description: t.description })),
		/** Preselected from the Templates page's "Use" link. */
		startFrom: event.url.searchParams.get('from') ?? null
	};
};

export const actions: Actions = {
	default: async (event) => {
		const actor = requireAccount(event, 'workshop.create');
		const form = await event.request.formData();
		const parsed = parseForm(createWorkshopSchema, form, createWorkshopFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const { startFrom, ...details } = parsed.data;
		let start: Pick<Parameters<typeof workshops.create>[0], 'stages' | 'teams'> = {};
		let template: TemplateContent | null = builtInTemplate('alignment')!.content;
		if (startFrom === 'blank') start = { stages: [] };
		if (startFrom.startsWith('builtin:')) {
			template = builtInTemplate(startFrom.slice('builtin:'.length))?.content ?? null;
			if (!template)
				return invalid(400, { startFrom: 'Choose one of the templates offered.' }, parsed.data);
		}
		if (startFrom.startsWith('saved:')) {
			const row = await templates.findVisible(
				templates.viewerOf(actor),
				startFrom.slice('saved:'.length)
			);
			// Another's private template is as good as unknown.
			if (!row)
				return invalid(
					400,
					{ startFrom: 'Choose one of the templates in your library.' },
					parsed.data
				);
			template = templates.contentOf(row);
		}
		if (startFrom.startsWith('builtin:') || startFrom.startsWith('saved:')) {
			start = { stages: template!.stages, teams: template!.teams };
		}
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
		else if (startFrom !== 'blank' && template) await boards.prefill(created.id, template);
		redirect(303, `/workshops/${created.id}`);
	}
};
