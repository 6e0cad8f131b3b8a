/** A participant saves one pre-work answer; it lands on their team's private board. */
import { error, json } from '@sveltejs/kit';
import { readJson, requireMember } from '$lib/server/api';
import * as prework from '$lib/server/prework';
import { throwRefusal } from '$lib/server/refusals';
import { preworkAnswerSchema } from '$lib/schemas/prework';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	if (member.kind !== 'participant')
		error(403, 'Only participants answer the pre-work; the facilitator reads it in the session.');
	const input = await readJson(event, preworkAnswerSchema);
	try {
		await prework.answer(
			{
				participantId: member.actor.participant.id,
				workshopId: event.params.id,
				teamId: member.teamId
			},
			input.promptId,
			input.text
		);
	} catch (e) {
		throwRefusal(e);
	}
	return json({ saved: true }, { status: 200 });
};
