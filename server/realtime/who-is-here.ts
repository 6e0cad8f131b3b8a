/**
 * Who is here: the room's server-published presence entry, built from the authenticated
 * sessions of its connections (never from what devices say about themselves); see
 * src/lib/collab/presence.ts.
 */
import {
	WHO_IS_HERE,
	type PresentParticipant,
	type WhoIsHere
} from '../../src/lib/collab/presence';
import { can } from '../../src/lib/domain/permissions';
import type { SharedDoc } from './shared-doc';

/** Nobody: a room not loaded on this instance. */
export function nobodyHere(): WhoIsHere {
	return { kind: WHO_IS_HERE, participants: [], facilitators: 0 };
}

export function whoIsHereOf(room: SharedDoc): WhoIsHere {
	const participants = new Map<string, PresentParticipant>();
	let facilitators = 0;
	for (const connection of room.connections) {
		const { member, participantId, displayName } = connection.membership;
		if (participantId === null || member.teamId === null) {
			// Leaders watching the room are neither facilitators nor participants.
			if (can(member.role, 'workshop.manage')) facilitators++;
			continue;
		}
		const present = participants.get(participantId);
		if (present) present.devices++;
		else
			participants.set(participantId, {
				participantId,
				displayName,
				teamId: member.teamId,
				devices: 1
			});
	}
	return { kind: WHO_IS_HERE, participants: [...participants.values()], facilitators };
}
