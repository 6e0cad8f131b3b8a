import { json } from '@sveltejs/kit';
import { readJson, requireMember } from '$lib/server/api';
import * as boards from '$lib/server/boards';
import { throwRefusal } from '$lib/server/refusals';
import { cardPatchSchema } from '$lib/schemas/cards';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	const patch = await readJson(event, cardPatchSchema);
	try {
		await boards.change(member, event.params.id, event.params.key, event.params.cardId, patch);
	} catch (e) {
		throwRefusal(e);
	}
	return json({ ok: true });
};

export const DELETE: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	try {
		await boards.remove(member, event.params.id, event.params.key, event.params.cardId);
	} catch (e) {
		throwRefusal(e);
	}
	return json({ ok: true });
};
