import * as accounts from '$lib/server/accounts';
import * as sessions from '$lib/server/auth/sessions';
import { requireAccount } from '$lib/server/guards';
import { parseForm } from '$lib/schemas/forms';
import { changePasswordFields, changePasswordSchema } from '$lib/schemas/auth';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireAccount(event, 'account.changePassword');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const actor = requireAccount(event, 'account.changePassword');
		const form = await event.request.formData();
		const parsed = parseForm(changePasswordSchema, form, changePasswordFields);
		if (!parsed.ok) return invalid(400, parsed.errors);
		if (!(await accounts.checkPassword(actor.account.id, parsed.data.currentPassword))) {
			return invalid(400, { currentPassword: 'That is not your current password.' });
		}
		await accounts.changePassword(actor.account.id, parsed.data.newPassword);
		// Anyone holding another of this account's sessions is signed out.
		await sessions.revokeAllForAccount(actor.account.id, actor.sessionId);
		return { changed: true };
	}
};
