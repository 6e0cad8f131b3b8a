import * as brand from '$lib/server/brand';
import { requireAccount } from '$lib/server/guards';
import type { RequestHandler } from './$types';

/** The firm's logo (or one of its clients', `?client=`), for the firm's own members only. */
export const GET: RequestHandler = async (event) => {
	const actor = requireAccount(event, 'firm.read');
	if (!actor.firm) return brand.logoResponse(null);
	const clientId = event.url.searchParams.get('client');
	return brand.logoResponse(await brand.logoOf(actor.firm.id, clientId));
};
