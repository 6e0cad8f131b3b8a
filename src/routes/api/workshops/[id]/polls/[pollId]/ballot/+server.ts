import { error, json } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import { readJson, requireMember } from '$lib/server/api';
import * as polls from '$lib/server/polls';
import { ballotSchema } from '$lib/schemas/polls';
import type { RequestHandler } from './$types';

/**
 * Casts or changes the caller's ballot. Checked against the participant's session (never sent
 * over Yjs). The answer says only whether a ballot was created or changed, never what it holds.
 */
export const POST: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	if (member.kind !== 'participant' || !can(member.actor.role, 'poll.vote')) {
		error(403, 'The facilitator stays neutral and does not vote.');
	}
	const input = await readJson(event, ballotSchema);
	try {
		const { changed } = await polls.cast(
			event.params.id,
			event.params.pollId,
			{ participantId: member.actor.participant.id, teamId: member.teamId },
			input
		);
		return json({ voted: true, changed }, { status: changed ? 200 : 201 });
	} catch (e) {
		if (e instanceof polls.PollRuleError) error(e.status, e.message);
		throw e;
	}
};
