import { redirect } from '@sveltejs/kit';
import * as firms from '$lib/server/firms';
import { failRefusal } from '$lib/server/refusals';
import type { Actions, PageServerLoad } from './$types';

/**
 * A colleague's invitation link: who invites, to which firm, as what. Signed out, the page
 * offers to sign up or sign in and comes back here; signed in, one button accepts.
 */
export const load: PageServerLoad = async ({ params, locals, url }) => {
	const invitation = await firms.invitationFor(params.token);
	return {
		invitation: invitation
			? { firmName: invitation.firmName, role: invitation.role, email: invitation.email }
			: null,
		signedInAs: locals.account ? locals.account.account.email : null,
		next: encodeURIComponent(url.pathname)
	};
};

export const actions: Actions = {
	default: async ({ params, locals, url }) => {
		if (!locals.account) redirect(303, `/signin?next=${encodeURIComponent(url.pathname)}`);
		try {
			await firms.accept(params.token, locals.account.account.id);
		} catch (e) {
			return failRefusal(e, 'form');
		}
		redirect(303, '/dashboard');
	}
};
