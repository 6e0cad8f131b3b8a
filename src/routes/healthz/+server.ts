import { json } from '@sveltejs/kit';
import { currentDatabase } from '$lib/server/db';
import type { RequestHandler } from './$types';

/** For load balancers and the start-up check: 200 when the database answers, 503 when not. */
export const GET: RequestHandler = async () => {
	const database = currentDatabase();
	try {
		await database.ping();
		return json({ status: 'ok', db: database.kind, version: __APP_VERSION__ });
	} catch {
		return json(
			{ status: 'degraded', db: database.kind, version: __APP_VERSION__ },
			{ status: 503 }
		);
	}
};
