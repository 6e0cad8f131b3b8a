/**
 * The workshop's pre-work as the caller may see it. The facilitator: the questions and the
 * completion per team (counts only). A participant: the questions and their own answers,
 * nothing of any other person or team.
 */
import { json } from '@sveltejs/kit';
import { requireMember } from '$lib/server/api';
import * as prework from '$lib/server/prework';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	const workshopId = event.params.id;
	const [status, prompts] = await Promise.all([
		prework.status(workshopId),
		prework.prompts(workshopId)
	]);
	if (member.kind === 'facilitator') {
		return json({ status, prompts, completion: await prework.completion(workshopId) });
	}
	const answers = await prework.answersOf({
		participantId: member.actor.participant.id,
		workshopId,
		teamId: member.teamId
	});
	return json({ status, prompts, answers });
};
