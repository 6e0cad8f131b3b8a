import { isMailConfigured } from '$lib/server/mail';
import { publicOrigin } from '$lib/server/origin';
import { requestReset } from '$lib/server/auth/password-resets';
import { describeWait } from '$lib/server/rate-limit';
import { parseForm } from '$lib/schemas/forms';
import { forgotPasswordFields, forgotPasswordSchema } from '$lib/schemas/auth';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** What everyone who asks is told, whether or not the address has an account. */
const SENT =
	'If that address belongs to a facilitator account, a link to choose a new password is on its way. It works once, within 30 minutes.';

export const load: PageServerLoad = async () => ({ canMail: isMailConfigured() });

export const actions: Actions = {
	default: async ({ request, url, getClientAddress }) => {
		if (!isMailConfigured()) {
			return invalid(503, {
				form: 'This server cannot send email, so it cannot mail a reset link. Ask whoever runs it to set up SMTP_URL, or a colleague to create you a new account.'
			});
		}
		const parsed = parseForm(forgotPasswordSchema, await request.formData(), forgotPasswordFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const outcome = await requestReset(parsed.data.email, getClientAddress(), publicOrigin(url));
		if (!outcome.ok) {
			return invalid(
				429,
				{ form: `Too many reset requests. Try again in ${describeWait(outcome.retryAfterMs)}.` },
				{ email: parsed.data.email }
			);
		}
		return { sent: SENT };
	}
};
