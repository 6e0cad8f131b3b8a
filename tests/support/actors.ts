/**
 * Named actors for tests against a running server: a facilitator who owns a workshop, and
 * participants who joined it with its code. Each actor is a `Client` with its own cookies.
 */
import { randomBytes } from 'node:crypto';
import {
	facilitatorWithWorkshop as makeFacilitatorWithWorkshop,
	type Team
} from '../factories/workshops';
import { Client } from './http';
import type { RunningServer } from './server';

export type { Team };

/**
 * The facilitator as the realtime suites name them: the signed-in device as `client`, and the
 * teams by name. Built by the one factory in `tests/factories/workshops.ts`.
 */
export interface FacilitatorWithWorkshop {
	client: Client;
	workshopId: string;
	joinCode: string;
	teams: Team[];
	/** The team with this name (Sales and Marketing exist in every workshop). */
	team(name: string): Team;
}

export async function facilitatorWithWorkshop(
	server: RunningServer,
	title = 'Alignment workshop'
): Promise<FacilitatorWithWorkshop> {
	const made = await makeFacilitatorWithWorkshop(server.url, title);
	return {
		client: made.facilitator,
		workshopId: made.workshopId,
		joinCode: made.joinCode,
		teams: made.teamList,
		team: (name) => {
			const found = made.teamList.find((t) => t.name === name);
			if (!found) throw new Error(`no team ${name}`);
			return found;
		}
	};
}

export interface Participant {
	client: Client;
	displayName: string;
	team: Team;
}

export async function joinAsParticipant(
	server: RunningServer,
	workshop: Pick<FacilitatorWithWorkshop, 'joinCode' | 'team'>,
	teamName: string,
	displayName = `${teamName} person ${randomBytes(2).toString('hex')}`
): Promise<Participant> {
	const client = new Client(server.url);
	const team = workshop.team(teamName);
	const joined = await client.action(`/j/${workshop.joinCode}`, { displayName, teamId: team.id });
	if (joined.type !== 'redirect') throw new Error(`joining failed: ${JSON.stringify(joined)}`);
	return { client, displayName, team };
}

/** Posts a stage control (lock, unlock, startPrivate, reveal) as the facilitator. */
export async function controlStage(
	facilitator: FacilitatorWithWorkshop,
	stageKey: string,
	action: 'lock' | 'unlock' | 'startPrivate' | 'reveal'
): Promise<Response> {
	return facilitator.client.get(`/api/workshops/${facilitator.workshopId}/stages/${stageKey}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ action })
	});
}
