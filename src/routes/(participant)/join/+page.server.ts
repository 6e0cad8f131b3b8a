import { redirect } from '@sveltejs/kit';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { joinCodeFields, joinCodeSchema } from '$lib/schemas/workshops';
import { invalid } from '$lib/server/forms';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request }) => {
		const parsed = parseForm(joinCodeSchema, await request.formData(), joinCodeFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const found = await workshops.findByJoinCode(parsed.data.code);
		if (!found) {
			const message = `No workshop uses the code ${parsed.data.code}. Check the code on the screen.`;
			return invalid(404, { code: message }, { code: parsed.data.code });
		}
		redirect(303, `/j/${found.joinCode}`);
	}
};
