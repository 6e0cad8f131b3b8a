import { json } from '@sveltejs/kit';
import { requireVisibleTemplate } from '$lib/server/guards';
import * as templates from '$lib/server/templates';
import type { RequestHandler } from './$types';

/** The template as a file to download, in the published format (static/schema/template-v1.json). */
export const GET: RequestHandler = async (event) => {
	const { template } = await requireVisibleTemplate(event, event.params.id);
	const file = templates.exportFile(template, `${event.url.origin}/schema/template-v1.json`);
	const slug =
		template.name
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60) || 'template';
	return json(file, {
		headers: { 'content-disposition': `attachment; filename="${slug}.template.json"` }
	});
};
