/**
 * Presence on a workshop's room document. Each device publishes its own awareness state
 * (name, team, colour, current stage); the server adds one entry of its own, the who-is-here
 * list, built from authenticated connections rather than from what devices claim, so the
 * facilitator's view of the room is accurate.
 */

export const WHO_IS_HERE = 'who-is-here';

export interface PresentParticipant {
	participantId: string;
	displayName: string;
	teamId: string;
	/** Open connections to the room from this participant (phone and laptop count twice). */
	devices: number;
}

export interface WhoIsHere {
	kind: typeof WHO_IS_HERE;
	participants: PresentParticipant[];
	/** Facilitator devices connected to the room. */
	facilitators: number;
}

/** The server's who-is-here entry among a document's awareness states, if there is one. */
export function findWhoIsHere(states: Map<number, unknown>): WhoIsHere | null {
	for (const state of states.values()) {
		if (state && typeof state === 'object' && (state as { kind?: unknown }).kind === WHO_IS_HERE) {
			return state as WhoIsHere;
		}
	}
	return null;
}
