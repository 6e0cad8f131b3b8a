/**
 * Builds the people of a workshop against a running server, through the same forms a person
 * uses: a facilitator who signs up and creates a workshop, and participants who join by code.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '../support/http';

export interface FacilitatorWithWorkshop {
	facilitator: Client;
	email: string;
	password: string;
	workshopId: string;
	joinCode: string;
	/** Team name → id, as offered on the join page. */
	teams: Record<string, string>;
}

export async function signUpFacilitator(baseUrl: string, name = 'Fran Facilitator') {
	const email = `facilitator-${randomBytes(4).toString('hex')}@example.com`;
	const password = 'a long enough password';
	const facilitator = new Client(baseUrl);
	const result = await facilitator.action('/signup', { name, email, password });
	if (result.type !== 'redirect') throw new Error(`sign-up failed: ${JSON.stringify(result)}`);
	return { facilitator, email, password };
}

export async function createWorkshop(facilitator: Client, title = 'Q3 Alignment') {
	const result = await facilitator.action('/workshops/new', {
		title,
		clientOrganisation: 'Northwind Analytics'
	});
	const id = /^\/workshops\/([a-z2-7]+)$/.exec(result.location ?? '')?.[1];
	if (!id) throw new Error(`creating the workshop failed: ${JSON.stringify(result)}`);
	const page = await (await facilitator.get(`/workshops/${id}`)).text();
	const joinCode = /data-testid="join-code"[^>]*>\s*([A-Z0-9]{6})\s*</.exec(page)?.[1];
	if (!joinCode) throw new Error('the workshop page shows no join code');
	return { workshopId: id, joinCode };
}

export interface Team {
	id: string;
	name: string;
}

/** The teams offered on the join page, in its order, read from its radio buttons. */
export async function teamListOnJoinPage(baseUrl: string, joinCode: string): Promise<Team[]> {
	const html = await (await new Client(baseUrl).get(`/j/${joinCode}`)).text();
	const teams: Team[] = [];
	const pattern = /name="teamId" value="([a-z0-9]+)"[^>]*>(?:\s|<!--[^>]*-->)*([^<]+?)\s*</g;
	for (const match of html.matchAll(pattern)) teams.push({ id: match[1]!, name: match[2]! });
	return teams;
}

/** The same teams as name → id. */
export async function teamsOnJoinPage(
	baseUrl: string,
	joinCode: string
): Promise<Record<string, string>> {
	const teams = await teamListOnJoinPage(baseUrl, joinCode);
	return Object.fromEntries(teams.map((team) => [team.name, team.id]));
}

/** The one way tests get a signed-up facilitator who has created a workshop. */
export async function facilitatorWithWorkshop(
	baseUrl: string,
	title?: string
): Promise<FacilitatorWithWorkshop & { teamList: Team[] }> {
	const signedUp = await signUpFacilitator(baseUrl);
	const workshop = await createWorkshop(signedUp.facilitator, title);
	const teamList = await teamListOnJoinPage(baseUrl, workshop.joinCode);
	if (teamList.length === 0) throw new Error('the join page lists no teams');
	const teams = Object.fromEntries(teamList.map((team) => [team.name, team.id]));
	return { ...signedUp, ...workshop, teams, teamList };
}

/** A participant's device that has joined; `client` carries the participant cookie. */
export async function joinAs(
	baseUrl: string,
	joinCode: string,
	teamId: string,
	displayName: string
): Promise<Client> {
	const client = new Client(baseUrl);
	const result = await client.action(`/j/${joinCode}`, { displayName, teamId });
	if (result.type !== 'redirect') throw new Error(`joining failed: ${JSON.stringify(result)}`);
	return client;
}
