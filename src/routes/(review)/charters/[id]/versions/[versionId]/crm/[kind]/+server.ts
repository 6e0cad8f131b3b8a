import { error } from '@sveltejs/kit';
import { EXPORT_KINDS, type ExportKind } from '$lib/domain/lifecycle/exports';
import { requireCharterReader } from '$lib/server/charter/guards';
import * as crm from '$lib/server/crm-config';
import { publicOrigin } from '$lib/server/origin';
import { throwRefusal } from '$lib/server/refusals';
import type { RequestHandler } from './$types';

const isKind = (k: string): k is ExportKind => (EXPORT_KINDS as readonly string[]).includes(k);

/** CRM configuration of a signed version, for its facilitator and leaders. */
export const GET: RequestHandler = async (event) => {
	await requireCharterReader(event, event.params.id);
	const kind = event.params.kind;
	if (!isKind(kind)) error(404, `CRM exports are ${EXPORT_KINDS.join(', ')}.`);
	try {
		const file = await crm.download(
			event.params.id,
			event.params.versionId,
			kind,
			publicOrigin(event.url)
		);
		return new Response(file.bytes.slice().buffer, {
			headers: {
				'content-type': file.type,
				'content-disposition': `attachment; filename="${file.name}"`,
				'cache-control': 'no-store'
			}
		});
	} catch (e) {
		throwRefusal(e);
	}
};
