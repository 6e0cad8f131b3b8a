import { redirect } from '@sveltejs/kit';
import { endSession } from '$lib/server/auth/cookie-session';
import * as rooms from '$lib/server/rooms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies, url }) => {
		const sessionId = locals.account?.sessionId;
		await endSession({ cookies, url }, sessionId, 'account');
		if (sessionId) rooms.disconnectSession(sessionId);
		redirect(303, '/');
	}
};
