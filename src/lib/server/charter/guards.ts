/**
 * Who may do what with a workshop's charter. The facilitator who owns the workshop manages
 * it; leaders with a live invitation to it read, review and sign it; nobody else does
 * anything, and each refusal says why.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { can, type Capability } from '../../domain/permissions';
import type { LeaderActor } from '../auth/leader-sessions';
import { refusalFor } from '../guards';
import type { AccountActor } from '../auth/sessions';
import { leaderLabel } from './leader';
import { isFirmWorkshop } from '../firms';
import * as workshops from '../workshops';

export type CharterReader =
	| { kind: 'facilitator'; actor: AccountActor; label: string }
	| { kind: 'leader'; actor: LeaderActor; label: string };

/** A leader of this workshop with this capability; 401, 403 or 404 otherwise. */
export function requireLeaderOf(
	event: RequestEvent,
	workshopId: string,
	capability: Extract<
		Capability,
		'charter.read' | 'charter.review' | 'charter.sign' | 'charter.evidence'
	>
): LeaderActor {
	const leader = event.locals.leader;
	if (!leader) {
		if (event.locals.account || event.locals.participant) {
			error(403, 'Only the leaders invited to review this charter may do this.');
		}
		error(401, 'Open the personal review link from your invitation first.');
	}
	if (leader.invite.workshopId !== workshopId) {
		error(403, 'Your review link is for another workshop’s charter.');
	}
	if (!can(leader.role, capability)) error(403, 'Your review link does not allow this.');
	return leader;
}

/** The workshop's facilitator or one of its invited leaders. */
export async function requireCharterReader(
	event: RequestEvent,
	workshopId: string
): Promise<CharterReader> {
	const { account, leader } = event.locals;
	if (leader && leader.invite.workshopId === workshopId && can(leader.role, 'charter.read')) {
		return { kind: 'leader', actor: leader, label: leaderLabel(leader.invite) };
	}
	if (account && can(account.role, 'charter.read')) {
		const found = await workshops.get(workshopId);
		if (isFirmWorkshop(account, found)) {
			return { kind: 'facilitator', actor: account, label: `Facilitator ${account.account.name}` };
		}
	}
	if (leader) error(403, 'Your review link is for another workshop’s charter.');
	if (account && !can(account.role, 'charter.read')) error(403, refusalFor('charter.read'));
	if (!account && !event.locals.participant) {
		error(401, 'Open the personal review link from your invitation, or sign in.');
	}
	error(403, 'Only this workshop’s facilitator and invited leaders may read its charter.');
}
