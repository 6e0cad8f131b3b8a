import * as brand from '$lib/server/brand';
import * as workshops from '$lib/server/workshops';
import type { RequestHandler } from './$types';

/**
 * The logo on the join page, for whoever holds the join code: the join page itself (title,
 * teams) is open to them, and the logo is what the firm shows the room on purpose. It says
 * which firm (or client) runs the workshop and nothing more; without the code, nothing.
 */
export const GET: RequestHandler = async ({ params }) => {
	const found = await workshops.findByJoinCode(params.code);
	return brand.logoResponse(found ? await brand.logoForWorkshop(found.id) : null);
};
