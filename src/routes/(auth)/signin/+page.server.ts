import { redirect } from '@sveltejs/kit';
import * as accounts from '$lib/server/accounts';
import { deviceHash, ensureDevice } from '$lib/server/auth/device';
import { safeNext, startSession } from '$lib/server/auth/cookie-session';
import * as rateLimit from '$lib/server/rate-limit';
import { parseForm } from '$lib/schemas/forms';
import { signInFields, signInSchema } from '$lib/schemas/auth';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** One message for unknown email and wrong password: the form must not reveal accounts. */
const GENERIC_FAILURE = 'That email and password do not match an account.';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.account)
		redirect(303, safeNext(url.searchParams.get('next'), url.origin, '/dashboard'));
	if ((await accounts.total()) === 0) redirect(303, '/signup');
	return {};
};

interface Throttle {
	key: string;
	backoff: rateLimit.Backoff;
	/** What a correct password does to the count: start afresh, or take back this attempt. */
	onSuccess: 'reset' | 'refund';
}

/**
 * Which counts an attempt is made against. A device that signed in to this account before
 * has its own (so guessing elsewhere does not slow its owner down); any other device counts
 * against the account and against its address.
 */
async function throttlesFor(email: string, device: string | null, address: string) {
	const known = device ? await accounts.knownDeviceAccount(email, device) : null;
	if (known) {
		return [
			{
				key: `sign-in:device:${known}:${device}`,
				backoff: rateLimit.SIGN_IN_KNOWN_DEVICE,
				onSuccess: 'reset'
			}
		] satisfies Throttle[];
	}
	return [
		{ key: `sign-in:email:${email}`, backoff: rateLimit.SIGN_IN_ACCOUNT, onSuccess: 'reset' },
		{ key: `sign-in:address:${address}`, backoff: rateLimit.SIGN_IN_ADDRESS, onSuccess: 'refund' }
	] satisfies Throttle[];
}

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress }) => {
		const parsed = parseForm(signInSchema, await request.formData(), signInFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);

		const email = accounts.normaliseEmail(parsed.data.email);
		const throttles = await throttlesFor(email, deviceHash(cookies), getClientAddress());
		// Counted before the password is checked, one atomic claim each: concurrent guesses
		// cannot all pass a check made before any of them was counted.
		const claimed: Throttle[] = [];
		for (const throttle of throttles) {
			const claim = await rateLimit.claimAttempt(throttle.key, throttle.backoff);
			if (!claim.allowed) {
				// The attempt does not happen, so it takes back what it claimed so far.
				for (const done of claimed) await rateLimit.refund(done.key, done.backoff);
				const message = `Too many sign-in attempts. Try again in ${rateLimit.describeWait(claim.retryAfterMs)}.`;
				return invalid(429, { form: message }, { email, password: '' });
			}
			claimed.push(throttle);
		}

		const found = await accounts.verifyCredentials(email, parsed.data.password);
		if (!found) return invalid(400, { form: GENERIC_FAILURE }, { email, password: '' });

		for (const throttle of claimed) {
			if (throttle.onSuccess === 'reset') await rateLimit.reset(throttle.key);
			else await rateLimit.refund(throttle.key, throttle.backoff);
		}
		await accounts.rememberDevice(found.id, ensureDevice({ cookies, url }));
		await startSession({ cookies, url }, { accountId: found.id });
		redirect(303, safeNext(url.searchParams.get('next'), url.origin, '/dashboard'));
	}
};
