import { redirect } from '@sveltejs/kit';
import * as accounts from '$lib/server/accounts';
import { safeNext, startSession } from '$lib/server/auth/cookie-session';
import { parseForm } from '$lib/schemas/forms';
import { signUpFields, signUpSchema } from '$lib/schemas/auth';
import { invalid } from '$lib/server/forms';
import { failRefusal } from '$lib/server/refusals';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.account)
		redirect(303, safeNext(url.searchParams.get('next'), url.origin, '/dashboard'));
	return { isFirstAccount: (await accounts.total()) === 0 };
};

export const actions: Actions = {
	default: async ({ request, cookies, url }) => {
		const parsed = parseForm(signUpSchema, await request.formData(), signUpFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		let created;
		try {
			created = await accounts.createFacilitator(parsed.data);
		} catch (e) {
			return failRefusal(e, 'form', { ...parsed.data, password: '' });
		}
		await startSession({ cookies, url }, { accountId: created.id });
		// An invitation link sends people here and expects them back to accept it.
		redirect(303, safeNext(url.searchParams.get('next'), url.origin, '/dashboard'));
	}
};
