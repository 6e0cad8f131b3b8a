import { json } from '@sveltejs/kit';
import * as agreements from '$lib/server/agreements';
import { readJson, requireFacilitatorOf } from '$lib/server/api';
import { throwRefusal } from '$lib/server/refusals';
import { addEvidenceSchema } from '$lib/schemas/agreements';
import type { RequestHandler } from './$types';

/**
 * Adds buyer evidence (a quote, a lost-deal reason, a figure) to an agreement, or cites a
 * revealed calibration round, whose result the server writes as the evidence's text.
 */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	const evidence = await readJson(event, addEvidenceSchema);
	try {
		if (evidence.kind === 'calibration') {
			await agreements.citeCalibration(event.params.id, event.params.agreementId, evidence.roundId);
		} else {
			await agreements.addEvidence(event.params.id, event.params.agreementId, evidence);
		}
	} catch (e) {
		throwRefusal(e);
	}
	return json({ ok: true }, { status: 201 });
};
