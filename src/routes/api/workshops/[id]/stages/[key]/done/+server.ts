import { error, json } from '@sveltejs/kit';
import { readJson, requireMember } from '$lib/server/api';
import * as live from '$lib/server/live';
import { throwRefusal } from '$lib/server/refusals';
import { doneSchema } from '$lib/schemas/cards';
import type { RequestHandler } from './$types';

/** "I'm done" (or not any more) from a participant; the room shows the count per team. */
export const POST: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	if (member.kind !== 'participant') error(403, 'Only participants say they are done.');
	const { done } = await readJson(event, doneSchema);
	try {
		const counts = await live.markDone(
			{ participantId: member.actor.participant.id, workshopId: event.params.id },
			event.params.key,
			done
		);
		return json({ counts });
	} catch (e) {
		throwRefusal(e);
	}
};
