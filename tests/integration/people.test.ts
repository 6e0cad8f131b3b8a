/**
 * Preparing the people of a workshop: its teams, its participants, and the workshop's own
 * life (archive, delete), through the facilitator's form actions against a real server.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type * as Y from 'yjs';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import { readLive } from '../../src/lib/collab/live';
import {
	createWorkshop,
	facilitatorWithWorkshop,
	joinAs,
	signUpFacilitator,
	teamsOnJoinPage,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

const GREEN = '#15803d';
const PURPLE = '#7e22ce';

interface TeamOnPage {
	id: string;
	name: string;
	colour: string;
}

/** The teams as the facilitator's page lists them, in order. */
async function teamsOf(facilitator: Client, workshopId: string): Promise<TeamOnPage[]> {
	const html = await (await facilitator.get(`/workshops/${workshopId}`)).text();
	return [
		...html.matchAll(
			/data-testid="team-name" style="color: (#[0-9a-f]{6})">([^<]+)<\/strong>[\s\S]*?name="teamId" value="([a-z2-7]+)"/g
		)
	].map((m) => ({ colour: m[1]!, name: m[2]!, id: m[3]! }));
}

/** Present participants by name → { id, team name }, as the facilitator's page lists them. */
async function peopleOf(facilitator: Client, workshopId: string) {
	const html = await (await facilitator.get(`/workshops/${workshopId}`)).text();
	const people: Record<string, { id: string; team: string }> = {};
	for (const list of html.matchAll(/data-testid="participants-([^"]+)"([\s\S]*?)<\/ul>/g)) {
		for (const m of list[2]!.matchAll(
			/id="participant-([a-z2-7]+)" data-testid="participant-name">([^<]+)</g
		)) {
			people[m[2]!] = { id: m[1]!, team: list[1]! };
		}
	}
	return people;
}

const errorsOf = (result: { data?: Record<string, unknown> }) =>
	(result.data?.errors ?? {}) as Record<string, string>;

/** The terms on a board that have no wording or no fields for the team (none: all have both). */
function termsWithoutSlots(doc: Y.Doc, teamId: string): string[] {
	return listCards(doc, 'term')
		.filter(
			(term) =>
				!termText(doc, term.id, TERM_TEXT.wording(teamId)) ||
				!termText(doc, term.id, TERM_TEXT.fields(teamId))
		)
		.map((term) => term.text);
}

/** The terms on a board that still keep a wording or fields under the team's id. */
function termsWithSlots(doc: Y.Doc, teamId: string): string[] {
	return listCards(doc, 'term')
		.filter((term) =>
			[TERM_TEXT.wording(teamId), TERM_TEXT.fields(teamId)].some((key) =>
				doc.getMap<Y.Map<unknown>>('cards').get(term.id)?.has(key)
			)
		)
		.map((term) => term.text);
}

describe.each(oneDatabase('postgres'))('preparing the people of a workshop on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let ws: FacilitatorWithWorkshop;
	const peers: Peer[] = [];

	const act = (name: string, fields: Record<string, string>, client = ws.facilitator) =>
		client.action(`/workshops/${ws.workshopId}?/${name}`, fields);

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		ws = await facilitatorWithWorkshop(server.url);
	});
	afterAll(async () => {
		for (const p of peers) p.destroy();
		await server?.stop();
		await database?.drop();
	});

	test('a facilitator adds, renames, recolours and removes a team, and the live room follows', async () => {
		const room = connectPeer(server.url, ws.facilitator, roomDocName(ws.workshopId));
		const terms = connectPeer(
			server.url,
			ws.facilitator,
			stageDocName(ws.workshopId, 'shared-terms')
		);
		peers.push(room, terms);
		await Promise.all([room.whenSynced(), terms.whenSynced()]);
		expect(listCards(terms.doc, 'term')).toHaveLength(8);

		const added = await act('addTeam', { name: '  Customer Success ', colour: GREEN });
		expect(added).toMatchObject({ type: 'success', status: 200 });
		let teams = await teamsOf(ws.facilitator, ws.workshopId);
		expect(teams.map((t) => [t.name, t.colour])).toEqual([
			['Sales', '#1d4ed8'],
			['Marketing', '#b45309'],
			['Customer Success', GREEN]
		]);
		const success = teams[2]!;
		expect(Object.keys(await teamsOnJoinPage(server.url, ws.joinCode))).toContain(
			'Customer Success'
		);
		await waitFor('the room to list the new team', () =>
			readLive(room.doc).teams.some((t) => t.id === success.id && t.name === 'Customer Success')
		);
		// Every term of the running board gets the new team's wording and fields, live.
		await waitFor('every term to have room for Customer Success', () =>
			termsWithoutSlots(terms.doc, success.id).length === 0 ? true : null
		);

		const renamed = await act('updateTeam', {
			teamId: success.id,
			name: 'Customer Care',
			colour: GREEN
		});
		expect(renamed.type).toBe('success');
		const recoloured = await act('updateTeam', {
			teamId: success.id,
			name: 'Customer Care',
			colour: PURPLE
		});
		expect(recoloured.type).toBe('success');
		teams = await teamsOf(ws.facilitator, ws.workshopId);
		expect(teams.find((t) => t.id === success.id)).toEqual({
			id: success.id,
			name: 'Customer Care',
			colour: PURPLE
		});
		await waitFor('the room to show the renamed, recoloured team', () =>
			readLive(room.doc).teams.some(
				(t) => t.id === success.id && t.name === 'Customer Care' && t.colour === PURPLE
			)
		);

		const removed = await act('removeTeam', { teamId: success.id });
		expect(removed.type).toBe('success');
		expect((await teamsOf(ws.facilitator, ws.workshopId)).map((t) => t.name)).toEqual([
			'Sales',
			'Marketing'
		]);
		await waitFor('the room to drop the removed team', () =>
			readLive(room.doc).teams.every((t) => t.id !== success.id)
		);
		// Its empty wordings go with it.
		await waitFor('the terms to drop the removed team’s empty wordings', () =>
			termsWithSlots(terms.doc, success.id).length === 0 ? true : null
		);
	});

	test('a team whose people wrote on the boards is kept, with a reason; renamed, its words stay its own', async () => {
		expect((await act('addTeam', { name: 'Support', colour: GREEN })).type).toBe('success');
		const support = (await teamsOf(ws.facilitator, ws.workshopId)).find(
			(t) => t.name === 'Support'
		)!;
		const pat = await joinAs(server.url, ws.joinCode, support.id, 'Pat from Support');
		const board = connectPeer(server.url, pat, stageDocName(ws.workshopId, 'shared-terms'));
		peers.push(board);
		await board.whenSynced();
		const mql = listCards(board.doc, 'term').find((t) => t.text === 'MQL')!;
		const wording = await waitFor('Support’s wording of MQL', () =>
			termText(board.doc, mql.id, TERM_TEXT.wording(support.id))
		);
		wording.insert(0, 'A lead that asked for help');
		await board.ack();
		board.destroy();
		peers.splice(peers.indexOf(board), 1);
		const card = await pat.json(
			'POST',
			`/api/workshops/${ws.workshopId}/stages/focus-value/cards`,
			{
				type: 'need',
				text: 'Hand-offs that name the product'
			}
		);
		expect(card.status).toBe(201);

		const patId = (await peopleOf(ws.facilitator, ws.workshopId))['Pat from Support']!.id;
		expect(
			(await act('moveParticipant', { participantId: patId, teamId: ws.teams.Sales! })).type
		).toBe('success');
		const refused = await act('removeTeam', { teamId: support.id });
		expect(refused.status).toBe(409);
		expect(errorsOf(refused).teamId).toBe(
			'Support has work on the boards: 1 card on Focus & value; its wording of MQL on Shared terms. Removing the team would leave that work without a team, so it stays. Rename it if its name no longer fits.'
		);
		expect((await teamsOf(ws.facilitator, ws.workshopId)).map((t) => t.name)).toContain('Support');

		// Renamed, the team keeps its wording: boards know teams by id, screens by name.
		expect(
			(await act('updateTeam', { teamId: support.id, name: 'Support (until Q3)', colour: GREEN }))
				.type
		).toBe('success');
		const reread = connectPeer(
			server.url,
			ws.facilitator,
			stageDocName(ws.workshopId, 'shared-terms')
		);
		peers.push(reread);
		await reread.whenSynced();
		expect(termText(reread.doc, mql.id, TERM_TEXT.wording(support.id))?.toString()).toBe(
			'A lead that asked for help'
		);
	});

	test.runIf(kind === 'postgres')(
		'a board stored before a team was added gets that team’s wordings when it is next loaded',
		async () => {
			const older = await facilitatorWithWorkshop(server.url);
			// A team added by an earlier version of the app, which left the boards as they were.
			const sql = postgres(database.options.databaseUrl!, { max: 1, onnotice: () => {} });
			try {
				await sql`insert into team (id, workshop_id, name, colour, position)
					values ('oldteamabcdefgh2', ${older.workshopId}, 'Partners', ${GREEN}, 2)`;
			} finally {
				await sql.end();
			}
			// A second instance on the same database loads the board from storage.
			const second = await startServer(database);
			try {
				const board = connectPeer(
					second.url,
					older.facilitator,
					stageDocName(older.workshopId, 'shared-terms')
				);
				peers.push(board);
				await board.whenSynced();
				expect(listCards(board.doc, 'term')).toHaveLength(8);
				expect(termsWithoutSlots(board.doc, 'oldteamabcdefgh2')).toEqual([]);
				board.destroy();
				peers.splice(peers.indexOf(board), 1);
			} finally {
				await second.stop();
			}
		}
	);

	test('a duplicate, empty or too long name, or an unknown colour, is refused per field and changes nothing', async () => {
		const before = await teamsOf(ws.facilitator, ws.workshopId);
		const sales = before.find((t) => t.name === 'Sales')!;

		const duplicate = await act('addTeam', { name: 'sales', colour: GREEN });
		expect(duplicate.type).toBe('failure');
		expect(errorsOf(duplicate).name).toMatch(/Another team .* has that name/);

		const empty = await act('addTeam', { name: '   ', colour: GREEN });
		expect(empty.status).toBe(400);
		expect(errorsOf(empty).name).toMatch(/Give the team a name/);

		const long = await act('addTeam', { name: 'x'.repeat(41), colour: GREEN });
		expect(long.status).toBe(400);
		expect(errorsOf(long).name).toMatch(/at most 40 characters/);
		expect((long.data?.values as Record<string, string>).name).toBe('x'.repeat(41));

		const colour = await act('addTeam', { name: 'Product', colour: '#ff00ff' });
		expect(colour.status).toBe(400);
		expect(errorsOf(colour).colour).toMatch(/one of the colours offered/);

		const renameToTaken = await act('updateTeam', {
			teamId: sales.id,
			name: 'Marketing',
			colour: sales.colour
		});
		expect(renameToTaken.type).toBe('failure');
		expect(errorsOf(renameToTaken).name).toMatch(/has that name/);

		const renameEmpty = await act('updateTeam', { teamId: sales.id, name: '', colour: GREEN });
		expect(errorsOf(renameEmpty).name).toMatch(/Give the team a name/);

		const recolourUnknown = await act('updateTeam', {
			teamId: sales.id,
			name: 'Sales',
			colour: 'red'
		});
		expect(errorsOf(recolourUnknown).colour).toMatch(/one of the colours offered/);

		const unknownTeam = await act('updateTeam', {
			teamId: 'aaaaaaaaaaaaaaaa',
			name: 'Ghosts',
			colour: GREEN
		});
		expect(unknownTeam.status).toBe(404);
		expect(errorsOf(unknownTeam).teamId).toMatch(/no such team/);

		expect(await teamsOf(ws.facilitator, ws.workshopId)).toEqual(before);
	});

	test('a ninth team is refused', async () => {
		const { facilitator } = await signUpFacilitator(server.url, 'Eight Teams');
		const { workshopId } = await createWorkshop(facilitator, 'Big room');
		const add = (name: string) =>
			facilitator.action(`/workshops/${workshopId}?/addTeam`, { name, colour: GREEN });
		for (const name of ['Product', 'Success', 'Finance', 'Legal', 'Ops', 'Partners']) {
			expect((await add(name)).type).toBe('success');
		}
		expect(await teamsOf(facilitator, workshopId)).toHaveLength(8);
		const ninth = await add('Ninth');
		expect(ninth.status).toBe(400);
		expect(errorsOf(ninth).name).toMatch(/at most 8 teams/);
		expect(await teamsOf(facilitator, workshopId)).toHaveLength(8);
	});

	test('a team with participants cannot be removed; once moved out it can', async () => {
		const added = await act('addTeam', { name: 'Product', colour: GREEN });
		expect(added.type).toBe('success');
		const product = (await teamsOf(ws.facilitator, ws.workshopId)).find(
			(t) => t.name === 'Product'
		)!;
		await joinAs(server.url, ws.joinCode, product.id, 'Priya from Product');

		const refused = await act('removeTeam', { teamId: product.id });
		expect(refused.status).toBe(409);
		expect(errorsOf(refused).teamId).toMatch(/Move or remove the people in this team/);
		expect((await teamsOf(ws.facilitator, ws.workshopId)).map((t) => t.name)).toContain('Product');

		const priya = (await peopleOf(ws.facilitator, ws.workshopId))['Priya from Product']!;
		expect(priya.team).toBe('Product');
		expect(
			(await act('moveParticipant', { participantId: priya.id, teamId: ws.teams.Sales! })).type
		).toBe('success');
		expect((await act('removeTeam', { teamId: product.id })).type).toBe('success');
		expect((await peopleOf(ws.facilitator, ws.workshopId))['Priya from Product']?.team).toBe(
			'Sales'
		);
	});

	test('a team whose only members were removed earlier can be removed', async () => {
		expect((await act('addTeam', { name: 'Temporary', colour: GREEN })).type).toBe('success');
		const temporary = (await teamsOf(ws.facilitator, ws.workshopId)).find(
			(t) => t.name === 'Temporary'
		)!;
		await joinAs(server.url, ws.joinCode, temporary.id, 'Tess Temporary');
		const tess = (await peopleOf(ws.facilitator, ws.workshopId))['Tess Temporary']!;
		expect((await act('removeParticipant', { participantId: tess.id })).type).toBe('success');
		expect((await act('removeTeam', { teamId: temporary.id })).type).toBe('success');
	});

	test('a facilitator renames a participant and moves them to another team', async () => {
		const phone = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Sammy');
		const sammy = (await peopleOf(ws.facilitator, ws.workshopId)).Sammy!;
		expect(sammy.team).toBe('Sales');

		const renamed = await act('renameParticipant', {
			participantId: sammy.id,
			displayName: '  Samira '
		});
		expect(renamed.type).toBe('success');
		const moved = await act('moveParticipant', {
			participantId: sammy.id,
			teamId: ws.teams.Marketing!
		});
		expect(moved.type).toBe('success');

		const people = await peopleOf(ws.facilitator, ws.workshopId);
		expect(people.Sammy).toBeUndefined();
		expect(people.Samira).toEqual({ id: sammy.id, team: 'Marketing' });
		// The participant's own page shows the new name and team.
		const own = await (await phone.get(`/w/${ws.workshopId}`)).text();
		expect(own).toContain('Samira');
	});

	test('renaming or moving badly is refused per field and changes nothing', async () => {
		await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Steady Stan');
		const stan = (await peopleOf(ws.facilitator, ws.workshopId))['Steady Stan']!;
		const { facilitator: other } = await signUpFacilitator(server.url, 'Other Room');
		const elsewhere = await createWorkshop(other, 'Elsewhere');
		const foreignTeam = Object.values(await teamsOnJoinPage(server.url, elsewhere.joinCode))[0]!;

		const empty = await act('renameParticipant', { participantId: stan.id, displayName: ' ' });
		expect(empty.status).toBe(400);
		expect(errorsOf(empty).displayName).toMatch(/Enter the name/);

		const long = await act('renameParticipant', {
			participantId: stan.id,
			displayName: 'y'.repeat(41)
		});
		expect(long.status).toBe(400);
		expect(errorsOf(long).displayName).toMatch(/at most 40 characters/);

		const unknownRename = await act('renameParticipant', {
			participantId: 'aaaaaaaaaaaaaaaa',
			displayName: 'Nobody'
		});
		expect(unknownRename.status).toBe(404);
		expect(errorsOf(unknownRename).participantId).toMatch(/not in this workshop/);

		const foreign = await act('moveParticipant', { participantId: stan.id, teamId: foreignTeam });
		expect(foreign.status).toBe(400);
		expect(errorsOf(foreign).teamId).toMatch(/this workshop’s teams/);

		const noTeam = await act('moveParticipant', { participantId: stan.id, teamId: '' });
		expect(noTeam.status).toBe(400);
		expect(errorsOf(noTeam).teamId).toMatch(/Pick the team/);

		const unknownMove = await act('moveParticipant', {
			participantId: 'aaaaaaaaaaaaaaaa',
			teamId: ws.teams.Marketing!
		});
		expect(unknownMove.status).toBe(404);
		expect(errorsOf(unknownMove).participantId).toMatch(/not in this workshop/);

		expect((await peopleOf(ws.facilitator, ws.workshopId))['Steady Stan']).toEqual(stan);
	});

	test('an archived workshop answers 410 on its join page until it is taken out of the archive', async () => {
		expect((await act('archive', {})).type).toBe('success');
		const gone = await new Client(server.url).get(`/j/${ws.joinCode}`);
		expect(gone.status).toBe(410);
		const dashboard = await (await ws.facilitator.get('/dashboard')).text();
		const archivedList = /data-testid="archived-workshops"[\s\S]*?<\/ul>/.exec(dashboard)?.[0];
		expect(archivedList).toContain('Q3 Alignment');

		expect((await act('unarchive', {})).type).toBe('success');
		const back = await new Client(server.url).get(`/j/${ws.joinCode}`);
		expect(back.status).toBe(200);
		expect(await (await ws.facilitator.get('/dashboard')).text()).not.toContain(
			'data-testid="archived-workshops"'
		);
	});

	test('another facilitator and a participant can do none of it', async () => {
		const { facilitator: other } = await signUpFacilitator(server.url, 'Intruder');
		const phone = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Curious Cat');
		const cat = (await peopleOf(ws.facilitator, ws.workshopId))['Curious Cat']!;
		const sales = (await teamsOf(ws.facilitator, ws.workshopId)).find((t) => t.name === 'Sales')!;
		const attempts: Array<[string, Record<string, string>]> = [
			['addTeam', { name: 'Hijack', colour: GREEN }],
			['updateTeam', { teamId: sales.id, name: 'Hijacked', colour: GREEN }],
			['removeTeam', { teamId: sales.id }],
			['renameParticipant', { participantId: cat.id, displayName: 'Renamed' }],
			['moveParticipant', { participantId: cat.id, teamId: ws.teams.Marketing! }],
			['archive', {}],
			['unarchive', {}],
			['deleteWorkshop', { confirmTitle: 'Q3 Alignment' }]
		];
		for (const [name, fields] of attempts) {
			const byOther = await act(name, fields, other);
			expect(byOther.status, `${name} by another facilitator`).toBe(404);
			const byParticipant = await act(name, fields, phone);
			expect(byParticipant.type, `${name} by a participant`).toBe('redirect');
			expect(byParticipant.location).toMatch(/^\/signin/);
		}
		expect(await teamsOf(ws.facilitator, ws.workshopId)).toContainEqual(sales);
		expect((await peopleOf(ws.facilitator, ws.workshopId))['Curious Cat']).toEqual(cat);
		expect((await ws.facilitator.get(`/workshops/${ws.workshopId}`)).status).toBe(200);
		expect((await phone.get(`/j/${ws.joinCode}`)).status).toBe(303);
	});

	test('deleting needs the exact title, then removes the workshop, its people and its documents', async () => {
		const phone = await joinAs(server.url, ws.joinCode, ws.teams.Marketing!, 'Last One');
		expect((await phone.get(`/w/${ws.workshopId}`)).status).toBe(200);
		const room = connectPeer(server.url, phone, roomDocName(ws.workshopId));
		peers.push(room);
		await room.whenSynced();

		const wrong = await act('deleteWorkshop', { confirmTitle: 'Q3 alignment?' });
		expect(wrong.status).toBe(400);
		expect(errorsOf(wrong).confirmTitle).toMatch(/not this workshop’s title/);
		const empty = await act('deleteWorkshop', { confirmTitle: '' });
		expect(errorsOf(empty).confirmTitle).toMatch(/Type the workshop’s title/);
		expect((await ws.facilitator.get(`/workshops/${ws.workshopId}`)).status).toBe(200);

		const deleted = await act('deleteWorkshop', { confirmTitle: 'Q3 Alignment' });
		expect(deleted).toMatchObject({ type: 'redirect', location: '/dashboard' });
		expect((await ws.facilitator.get(`/workshops/${ws.workshopId}`)).status).toBe(404);
		expect((await phone.get(`/w/${ws.workshopId}`)).status).toBe(401);
		expect((await phone.get(`/j/${ws.joinCode}`)).status).toBe(404);
		expect(await (await ws.facilitator.get('/dashboard')).text()).not.toContain('Q3 Alignment');
		// The open room connection is closed for good as its document is deleted (4404), or as
		// its session ends with the participant (4401), whichever the server notices first.
		const closed = await waitFor('the room connection to close', () => room.socket?.closedWith);
		expect([4401, 4404]).toContain(closed.code);
	});
});
