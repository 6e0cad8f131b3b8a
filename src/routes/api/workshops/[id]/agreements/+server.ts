import { json } from '@sveltejs/kit';
import * as agreements from '$lib/server/agreements';
import { readJson, requireFacilitatorOf, requireMember } from '$lib/server/api';
import { answerJson } from '$lib/server/refusals';
import { newAgreementSchema } from '$lib/schemas/agreements';
import type { RequestHandler } from './$types';

/** The register, for any member of the workshop. */
export const GET: RequestHandler = async (event) => {
	await requireMember(event, event.params.id);
	return json({ agreements: await agreements.register(event.params.id) });
};

/** The facilitator records an agreement, from any item of any stage or on its own. */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'charter.manage');
	const input = await readJson(event, newAgreementSchema);
	return answerJson(async () => ({ id: await agreements.create(event.params.id, input) }), 201);
};
