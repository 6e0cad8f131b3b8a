import { error, json } from '@sveltejs/kit';
import * as brand from '$lib/server/brand';
import * as charters from '$lib/server/charter';
import { requireCharterReader } from '$lib/server/charter/guards';
import { toMachineJson, toMarkdown, toPdf } from '$lib/server/charter/export';
import * as learning from '$lib/server/learning';
import { publicOrigin } from '$lib/server/origin';
import type { RequestHandler } from './$types';

/** A version as PDF, Markdown or machine-readable JSON, for its facilitator and leaders. */
export const GET: RequestHandler = async (event) => {
	await requireCharterReader(event, event.params.id);
	const verification = await charters.verify(event.params.versionId);
	if (!verification || verification.version.workshopId !== event.params.id) {
		error(404, 'This charter has no such version.');
	}
	const [shown, logo] = await Promise.all([
		brand.forWorkshop(event.params.id),
		brand.logoForWorkshop(event.params.id)
	]);
	const input = {
		verification,
		verifyUrl: `${publicOrigin(event.url)}/verify/${verification.version.id}`,
		// The learning agenda as it stands now: an appendix kept with the charter, not signed.
		learning: await learning.appendix(event.params.id),
		brand: shown && { firmName: shown.firmName, accentColour: shown.accentColour, logo }
	};
	const name = `charter-v${verification.version.number}-${verification.version.hash.slice(0, 8)}`;
	const headers = (type: string, ext: string) => ({
		'content-type': type,
		'content-disposition': `attachment; filename="${name}.${ext}"`,
		'cache-control': 'no-store'
	});
	switch (event.params.format) {
		case 'pdf':
			return new Response(new Uint8Array(await toPdf(input)), {
				headers: headers('application/pdf', 'pdf')
			});
		case 'md':
			return new Response(toMarkdown(input), {
				headers: headers('text/markdown; charset=utf-8', 'md')
			});
		case 'json':
			return json(toMachineJson(input), { headers: headers('application/json', 'json') });
		default:
			error(404, 'Exports are pdf, md or json.');
	}
};
