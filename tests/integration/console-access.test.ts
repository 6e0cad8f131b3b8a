/**
 * The console and the projector belong to the workshop's facilitator alone: they show the
 * balance meter and who is here by name, and the projector's page carries the join details.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { roomDocName } from '../../src/lib/collab/doc-names';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, waitFor } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

describe('who may open the console and the projector', () => {
	let database: TestDatabase;
	let server: RunningServer;
	let owner: FacilitatorWithWorkshop;
	let other: FacilitatorWithWorkshop;
	let participant: Client;

	beforeAll(async () => {
		database = await createTestDatabase('pglite');
		server = await startServer(database);
		[owner, other] = await Promise.all([
			facilitatorWithWorkshop(server.url),
			facilitatorWithWorkshop(server.url)
		]);
		participant = await joinAs(server.url, owner.joinCode, owner.teams.Sales!, 'Sam');
	});
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});

	const pages = ['run', 'projector'] as const;

	test.each(pages)('the owner opens /%s, which shows the join code', async (page) => {
		const response = await owner.facilitator.get(`/workshops/${owner.workshopId}/${page}`);
		expect(response.status).toBe(200);
		expect(await response.text()).toContain(owner.joinCode);
	});

	test.each(pages)(
		'another facilitator gets 404 for /%s, as if the workshop did not exist',
		async (page) => {
			const response = await other.facilitator.get(`/workshops/${owner.workshopId}/${page}`);
			expect(response.status).toBe(404);
			expect(await response.text()).not.toContain(owner.joinCode);
		}
	);

	test.each(pages)('a participant and a stranger are sent to sign in from /%s', async (page) => {
		for (const client of [participant, new Client(server.url)]) {
			const response = await client.get(`/workshops/${owner.workshopId}/${page}`);
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toMatch(/^\/signin\?next=/);
		}
	});

	test('the projector never shows the balance meter or names of who is here', async () => {
		const phone = connectPeer(server.url, participant, roomDocName(owner.workshopId));
		await phone.whenSynced();
		// The server counts the phone in before the page is asked for.
		await waitFor('the phone to count as here', async () =>
			(await (await owner.facilitator.get(`/workshops/${owner.workshopId}/run`)).text()).includes(
				'Sam'
			)
		);
		const html = await (
			await owner.facilitator.get(`/workshops/${owner.workshopId}/projector`)
		).text();
		expect(html).not.toContain('balance-');
		expect(html).not.toContain('Sam');
		expect(html).toMatch(/data-testid="projector-here-Sales"[^>]*>[\s\S]*?<strong>1<\/strong>/);
		phone.destroy();
	});
});
