/**
 * Who may touch a charter's review sessions and learning agenda, on top of the usual guards:
 * the facilitator runs reviews; participants propose learning items; the facilitator and the
 * workshop's invited leaders accept them and record their takeaways.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { requireFacilitatorOf, requireMember } from './api';
import { requireLeaderOf } from './charter/guards';
import { leaderLabel } from './charter/leader';

/** A facilitator's or leader's session for this workshop: they may accept and record. */
export async function requireCurator(
	event: RequestEvent,
	workshopId: string
): Promise<{ label: string }> {
	if (event.locals.leader) {
		const leader = requireLeaderOf(event, workshopId, 'charter.review');
		return { label: leaderLabel(leader.invite) };
	}
	const member = await requireFacilitatorOf(event, workshopId, 'charter.manage');
	return { label: `Facilitator ${member.actor.account.name}` };
}

/** Anyone of the workshop (participant, facilitator) or one of its leaders. */
export async function requireProposer(
	event: RequestEvent,
	workshopId: string
): Promise<{ label: string; isAccepted: boolean }> {
	if (event.locals.leader && !event.locals.account && !event.locals.participant) {
		const leader = requireLeaderOf(event, workshopId, 'charter.review');
		return { label: leaderLabel(leader.invite), isAccepted: true };
	}
	const member = await requireMember(event, workshopId);
	if (member.kind === 'facilitator') {
		return { label: `Facilitator ${member.actor.account.name}`, isAccepted: true };
	}
	// A participant's proposal names their team, never them: the agenda is read by leaders.
	return { label: 'A participant', isAccepted: false };
}
