import { json } from '@sveltejs/kit';
import { builtInTemplate, toTemplateFile } from '$lib/domain/template-library';
import { requireAccount, requireVisibleTemplate } from '$lib/server/guards';
import * as templates from '$lib/server/templates';
import type { RequestHandler } from './$types';

/**
 * A template as a file to download, in the published format (static/schema/template-v1.json):
 * one of the library's, or a built-in one (to start a firm's own from).
 */
export const GET: RequestHandler = async (event) => {
	const schemaUrl = `${event.url.origin}/schema/template-v1.json`;
	const builtIn = builtInTemplate(event.params.id);
	let file;
	if (builtIn) {
		requireAccount(event, 'template.manage');
		file = toTemplateFile(builtIn.content, schemaUrl);
	} else {
		const { template } = await requireVisibleTemplate(event, event.params.id);
		file = templates.exportFile(template, schemaUrl);
	}
	const slug =
		file.name
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60) || 'template';
	return json(file, {
		headers: { 'content-disposition': `attachment; filename="${slug}.template.json"` }
	});
};
