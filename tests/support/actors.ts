/**
 * Named actors for tests against a running server: a facilitator who owns a workshop, and
 * participants who joined it with its code. Each actor is a `Client` with its own cookies.
 */
import { randomBytes } from 'node:crypto';
import { Client } from './http';
import type { RunningServer } from './server';

export interface Team {
	id: string;
	name: string;
}

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
	const client = new Client(server.url);
	const email = `facilitator-${randomBytes(4).toString('hex')}@example.com`;
	const signedUp = await client.action('/signup', {
		name: 'Fay Facilitator',
		email,
		password: 'a long enough password'
	});
	if (signedUp.type !== 'redirect') throw new Error(`sign-up failed: ${JSON.stringify(signedUp)}`);
	const created = await client.action('/workshops/new', {
		title,
		clientOrganisation: 'Acme Industrial'
	});
	const workshopId = /^\/workshops\/([a-z0-9]+)$/.exec(created.location ?? '')?.[1];
	if (!workshopId) throw new Error(`creating a workshop failed: ${JSON.stringify(created)}`);

	const page = await (await client.get(`/workshops/${workshopId}`)).text();
	const joinCode = /data-testid="join-code"[^>]*>\s*([A-Z0-9]{6})\s*</.exec(page)?.[1];
	if (!joinCode) throw new Error('the workshop page shows no join code');
	const teams = await teamsOf(server, joinCode);
	return {
		client,
		workshopId,
		joinCode,
		teams,
		team: (name) => {
			const found = teams.find((t) => t.name === name);
			if (!found) throw new Error(`no team ${name}`);
			return found;
		}
	};
}

/** The teams offered on the join page, read from its radio buttons. */
export async function teamsOf(server: RunningServer, joinCode: string): Promise<Team[]> {
	const html = await (await new Client(server.url).get(`/j/${joinCode}`)).text();
	const teams: Team[] = [];
	const pattern = /name="teamId" value="([a-z0-9]+)"[^>]*>(?:\s|<!--[^>]*-->)*([^<]+?)\s*</g;
	for (const match of html.matchAll(pattern)) teams.push({ id: match[1]!, name: match[2]! });
	if (teams.length === 0) throw new Error('the join page lists no teams');
	return teams;
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
