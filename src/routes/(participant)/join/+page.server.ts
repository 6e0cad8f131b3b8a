import { redirect } from '@sveltejs/kit';
import * as joining from '$lib/server/joining';
import { parseForm } from '$lib/schemas/forms';
import { joinCodeFields, joinCodeSchema } from '$lib/schemas/workshops';
import { invalid } from '$lib/server/forms';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request, getClientAddress }) => {
		const parsed = parseForm(joinCodeSchema, await request.formData(), joinCodeFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const found = await joining.lookUp(parsed.data.code, getClientAddress());
		if (!found.ok)
			return invalid(found.status, { code: found.message }, { code: parsed.data.code });
		redirect(303, `/j/${found.workshop.joinCode}`);
	}
};
