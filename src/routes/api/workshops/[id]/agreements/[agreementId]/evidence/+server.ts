import { error, json } from '@sveltejs/kit';
import * as agreements from '$lib/server/agreements';
import { readJson, requireFacilitatorOf } from '$lib/server/api';
import { evidenceSchema } from '$lib/schemas/agreements';
import type { RequestHandler } from './$types';

/** Adds buyer evidence (a quote, a lost-deal reason, a figure) to an agreement. */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id);
	const evidence = await readJson(event, evidenceSchema);
	try {
		await agreements.addEvidence(event.params.id, event.params.agreementId, evidence);
	} catch (e) {
		if (e instanceof agreements.AgreementRuleError) error(e.status, e.message);
		throw e;
	}
	return json({ ok: true }, { status: 201 });
};
