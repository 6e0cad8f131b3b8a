import { redirect } from '@sveltejs/kit';
import { endSession } from '$lib/server/auth/cookie-session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		await endSession(cookies, locals.account?.sessionId, 'account');
		redirect(303, '/');
	}
};
