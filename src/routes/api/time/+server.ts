import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** The server's clock, for screens to estimate their offset and show one shared countdown. */
export const GET: RequestHandler = () =>
	json({ now: Date.now() }, { headers: { 'cache-control': 'no-store' } });
