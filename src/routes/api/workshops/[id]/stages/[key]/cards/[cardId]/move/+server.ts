import { json } from '@sveltejs/kit';
import { readJson, requireMember } from '$lib/server/api';
import * as boards from '$lib/server/boards';
import { throwRefusal } from '$lib/server/refusals';
import { moveSchema } from '$lib/schemas/cards';
import type { RequestHandler } from './$types';

/** Moves a journey step one place earlier or later (`{ direction: 'earlier' | 'later' }`). */
export const POST: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	const { direction } = await readJson(event, moveSchema);
	try {
		await boards.move(member, event.params.id, event.params.key, event.params.cardId, direction);
	} catch (e) {
		throwRefusal(e);
	}
	return json({ ok: true });
};
