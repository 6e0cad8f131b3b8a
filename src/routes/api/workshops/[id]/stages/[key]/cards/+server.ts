import { readJson, requireMember } from '$lib/server/api';
import * as boards from '$lib/server/boards';
import { answerJson } from '$lib/server/refusals';
import { newCardSchema } from '$lib/schemas/cards';
import type { RequestHandler } from './$types';

/** Adds a card to the stage's board (or, while writing privately, to the author's team board). */
export const POST: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	const input = await readJson(event, newCardSchema);
	return answerJson(
		async () => ({ id: await boards.add(member, event.params.id, event.params.key, input) }),
		201
	);
};
