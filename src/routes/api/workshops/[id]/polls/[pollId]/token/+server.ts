import { error, json } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import { readJson, requireMember } from '$lib/server/api';
import { issue, TokenError } from '$lib/server/ballots/issue';
import { tokenRequestSchema } from '$lib/schemas/polls';
import type { RequestHandler } from './$types';

/**
 * A participant's device gets its voting token for an open poll: it sends a blinded message
 * with its session and receives the blind signature. The server records that it issued this
 * person a token, never the token itself, which it does not see.
 */
export const POST: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	if (member.kind !== 'participant' || !can(member.actor.role, 'poll.vote')) {
		error(403, 'The facilitator stays neutral and does not vote.');
	}
	const input = await readJson(event, tokenRequestSchema);
	try {
		const issued = await issue(
			event.params.id,
			event.params.pollId,
			{ id: member.actor.participant.id, teamId: member.teamId },
			input
		);
		return json(issued, { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		if (e instanceof TokenError) {
			return json({ message: e.message, ...(e.key ? { key: e.key } : {}) }, { status: e.status });
		}
		throw e;
	}
};
