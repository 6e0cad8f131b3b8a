import { requireAccount, requireVisibleTemplate } from '$lib/server/guards';
import { invalid } from '$lib/server/forms';
import * as templates from '$lib/server/templates';
import { BUILT_IN_TEMPLATES, TEMPLATE_LIMITS } from '$lib/domain/template-library';
import { parseForm } from '$lib/schemas/forms';
import { readTemplateFile } from '$lib/schemas/template-file';
import {
	importTemplateFields,
	importTemplateSchema,
	templateIdFields,
	templateIdSchema
} from '$lib/schemas/templates';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireAccount(event, 'template.manage');
	const viewer = templates.viewerOf(actor);
	const saved = await templates.list(viewer);
	return {
		builtIn: BUILT_IN_TEMPLATES.map((t) => ({
			id: t.id,
			name: t.content.name,
			description: t.content.description,
			stages: t.content.stages.map((s) => s.title)
		})),
		saved: saved.map((t) => ({
			id: t.id,
			name: t.name,
			description: t.description,
			visibility: t.visibility,
			isMine: t.ownerId === actor.account.id,
			createdAt: t.createdAt.toISOString()
		})),
		justSaved: event.url.searchParams.get('saved')
	};
};

export const actions: Actions = {
	import: async (event) => {
		const actor = requireAccount(event, 'template.manage');
		const form = await event.request.formData();
		const parsed = parseForm(importTemplateSchema, form, importTemplateFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const file = form.get('file');
		if (!(file instanceof File) || file.size === 0)
			return invalid(400, { file: 'Choose a template file to import.' }, parsed.data);
		// Refused before it is read whole: a file past the limit is never parsed.
		if (file.size > TEMPLATE_LIMITS.fileBytes)
			return invalid(
				400,
				{
					file: `The file is ${Math.ceil(file.size / 1024)} KB; a template file is at most ${TEMPLATE_LIMITS.fileBytes / 1024} KB.`
				},
				parsed.data
			);
		const read = readTemplateFile(new Uint8Array(await file.arrayBuffer()));
		if (!read.ok)
			return invalid(
				400,
				{ file: `This template cannot be imported. ${read.errors.join(' ')}` },
				parsed.data
			);
		const { name, description, teams, stages } = read.file;
		const row = await templates.importContent(
			templates.viewerOf(actor),
			{ name, description, teams, stages },
			parsed.data.visibility
		);
		return { imported: { id: row.id, name: row.name } };
	},
	delete: async (event) => {
		const form = await event.request.formData();
		const parsed = parseForm(templateIdSchema, form, templateIdFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const { viewer, template } = await requireVisibleTemplate(event, parsed.data.templateId);
		if (!templates.mayDelete(viewer, template))
			return invalid(403, { form: 'Only the template’s author may delete it.' }, parsed.data);
		await templates.remove(viewer, template.id);
		return { deleted: template.name };
	}
};
