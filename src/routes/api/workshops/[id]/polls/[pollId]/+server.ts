import { error, json } from '@sveltejs/kit';
import { readJson, requireFacilitatorOf, requireMember } from '$lib/server/api';
import * as charters from '$lib/server/charter';
import * as polls from '$lib/server/polls';
import { throwRefusal } from '$lib/server/refusals';
import { pollControlSchema } from '$lib/schemas/polls';
import type { RequestHandler } from './$types';

/**
 * One poll as every member sees it; a participant also learns whether a voting token was
 * issued to them for it (from this device or another). Whether and what they voted is known
 * to their device only: the server cannot tell.
 */
export const GET: RequestHandler = async (event) => {
	const member = await requireMember(event, event.params.id);
	const found = (await polls.list(event.params.id)).find((p) => p.id === event.params.pollId);
	if (!found) error(404, 'This workshop has no such poll.');
	const hasToken =
		member.kind === 'participant'
			? await polls.hasToken(found.id, member.actor.participant.id)
			: null;
	return json({ poll: found, hasToken });
};

/** The facilitator opens, closes or reveals a poll, or starts a re-vote of a closed one. */
export const POST: RequestHandler = async (event) => {
	const member = await requireFacilitatorOf(event, event.params.id, 'poll.manage');
	const { action } = await readJson(event, pollControlSchema);
	try {
		if (action === 'revote') {
			const id = await polls.revote(event.params.id, event.params.pollId);
			// A re-vote is a facilitator's intervention: the charter's audit trail records it.
			await charters.recordIntervention(
				event.params.id,
				`Facilitator ${member.actor.account.name}`,
				{ action: 'revote', pollId: event.params.pollId, newPollId: id }
			);
			return json({ id }, { status: 201 });
		}
		return json({ poll: await polls.advance(event.params.id, event.params.pollId, action) });
	} catch (e) {
		throwRefusal(e);
	}
};

/** A draft can be thrown away; an opened poll is part of the record. */
export const DELETE: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'poll.manage');
	try {
		await polls.remove(event.params.id, event.params.pollId);
		return new Response(null, { status: 204 });
	} catch (e) {
		throwRefusal(e);
	}
};
