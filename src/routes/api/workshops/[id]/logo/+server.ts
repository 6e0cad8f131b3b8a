import * as brand from '$lib/server/brand';
import { requireMember } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The workshop's logo, for those who may see the workshop: its firm's members and its participants. */
export const GET: RequestHandler = async (event) => {
	await requireMember(event, event.params.id);
	return brand.logoResponse(await brand.logoForWorkshop(event.params.id));
};
