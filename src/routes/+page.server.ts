import { redirect } from '@sveltejs/kit';
import * as accounts from '$lib/server/accounts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.account) redirect(303, '/dashboard');
	// A fresh install leads straight to creating the first facilitator.
	if ((await accounts.total()) === 0) redirect(303, '/signup');
	if (locals.participant) return { resume: `/w/${locals.participant.participant.workshopId}` };
	return { resume: null };
};
