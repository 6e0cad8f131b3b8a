import { redirect } from '@sveltejs/kit';
import { startSession } from '$lib/server/auth/cookie-session';
import { accountForLink, resetWithLink } from '$lib/server/auth/password-resets';
import { parseForm } from '$lib/schemas/forms';
import { resetPasswordFields, resetPasswordSchema } from '$lib/schemas/auth';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const DEAD_LINK =
	'This link has expired or was already used. Ask for a new one: links work once, within 30 minutes.';

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	// The secret is in the address: no other site may learn it from a Referer header.
	setHeaders({ 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
	return { isLive: (await accountForLink(params.token)) !== null, deadLink: DEAD_LINK };
};

export const actions: Actions = {
	default: async ({ params, request, cookies, url }) => {
		const parsed = parseForm(resetPasswordSchema, await request.formData(), resetPasswordFields);
		if (!parsed.ok) return invalid(400, parsed.errors, {});
		const reset = await resetWithLink(params.token, parsed.data.newPassword);
		if (!reset) return invalid(410, { form: DEAD_LINK });
		await startSession({ cookies, url }, { accountId: reset.accountId });
		redirect(303, '/dashboard');
	}
};
