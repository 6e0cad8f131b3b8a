import { redirect } from '@sveltejs/kit';
import * as accounts from '$lib/server/accounts';
import { safeNext, startSession } from '$lib/server/auth/cookie-session';
import * as rateLimit from '$lib/server/rate-limit';
import { parseForm } from '$lib/schemas/forms';
import { signInFields, signInSchema } from '$lib/schemas/auth';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** One message for unknown email and wrong password: the form must not reveal accounts. */
const GENERIC_FAILURE = 'That email and password do not match an account.';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.account) redirect(303, safeNext(url.searchParams.get('next'), '/dashboard'));
	if ((await accounts.total()) === 0) redirect(303, '/signup');
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress }) => {
		const parsed = parseForm(signInSchema, await request.formData(), signInFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);

		const email = accounts.normaliseEmail(parsed.data.email);
		const limits = [
			{ key: `sign-in:email:${email}`, limit: rateLimit.SIGN_IN_ACCOUNT_LIMIT },
			{ key: `sign-in:address:${getClientAddress()}`, limit: rateLimit.SIGN_IN_ADDRESS_LIMIT }
		];
		const waits = await Promise.all(limits.map((l) => rateLimit.retryAfter(l.key, l.limit)));
		const wait = Math.max(...waits);
		if (wait > 0) {
			const message = `Too many failed sign-in attempts. Try again in ${rateLimit.describeWait(wait)}.`;
			return invalid(429, { form: message }, { email, password: '' });
		}

		const found = await accounts.verifyCredentials(email, parsed.data.password);
		if (!found) {
			await Promise.all(limits.map((l) => rateLimit.recordFailure(l.key, l.limit)));
			return invalid(400, { form: GENERIC_FAILURE }, { email, password: '' });
		}
		// A correct password clears the account's count, not the address's.
		await rateLimit.reset(limits[0]!.key);
		await startSession({ cookies, url }, { accountId: found.id });
		redirect(303, safeNext(url.searchParams.get('next'), '/dashboard'));
	}
};
