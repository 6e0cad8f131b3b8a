import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { roomDocName } from '../../src/lib/collab/doc-names';
import { ROOM_KEYS } from '../../src/lib/collab/room';
import {
	facilitatorWithWorkshop,
	joinAs,
	signUpFacilitator,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, waitFor } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

describe.each(oneDatabase('postgres'))('the agreement register on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let ws: FacilitatorWithWorkshop;
	let participant: Client;
	const path = () => `/api/workshops/${ws.workshopId}/agreements`;

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		ws = await facilitatorWithWorkshop(server.url);
		participant = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Sam');
	});
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});

	test('an agreement with buyer evidence is recorded and every screen sees the register', async () => {
		const room = connectPeer(server.url, participant, roomDocName(ws.workshopId));
		try {
			await room.whenSynced();
			const created = await ws.facilitator.json('POST', path(), {
				statement: 'Sales follows up every MQL within 24 hours.',
				ownerTeamId: ws.teams.Sales,
				ownerName: 'Tom Becker',
				dueDate: '2027-01-31',
				metric: 'Hand-off SLA adherence',
				stageKey: 'shared-terms',
				evidence: [
					{
						kind: 'lost-deal',
						text: 'Lost Contoso: the buyer waited four days for a call back.',
						source: 'CRM loss reason, Q2'
					}
				]
			});
			expect(created.status).toBe(201);
			const onScreen = await waitFor('the agreement in the room', () =>
				room.doc
					.getMap<{ statement: string; hasEvidence: boolean; status: string }>(ROOM_KEYS.agreements)
					.get(String(created.body.id))
			);
			expect(onScreen).toMatchObject({
				statement: 'Sales follows up every MQL within 24 hours.',
				hasEvidence: true,
				status: 'proposed'
			});

			const bare = await ws.facilitator.json('POST', path(), {
				statement: 'Joint pipeline review every second Monday.'
			});
			expect(bare.status).toBe(201);
			const { body } = await participant.json('GET', path());
			const list = body.agreements as Array<{
				id: string;
				hasEvidence: boolean;
				evidence: unknown[];
			}>;
			expect(list.map((a) => a.hasEvidence)).toEqual([true, false]);

			const added = await ws.facilitator.json('POST', `${path()}/${bare.body.id}/evidence`, {
				kind: 'figure',
				text: 'Accounts with a joint review converted 31% vs 18%.'
			});
			expect(added.status).toBe(201);
			await waitFor(
				'the evidence to show',
				() =>
					room.doc.getMap<{ hasEvidence: boolean }>(ROOM_KEYS.agreements).get(String(bare.body.id))
						?.hasEvidence
			);
		} finally {
			room.destroy();
		}
	});

	test('bad agreements and evidence are refused with a clear message and record nothing', async () => {
		const before = ((await ws.facilitator.json('GET', path())).body.agreements as unknown[]).length;
		for (const [body, status, message] of [
			[{ statement: '   ' }, 400, /Write what is agreed/],
			[{ statement: 'x'.repeat(1001) }, 400, /at most 1000/],
			[{ statement: 'ok', dueDate: '31/01/2027' }, 400, /YYYY-MM-DD/],
			[{ statement: 'ok', dueDate: '2027-02-31' }, 400, /does not exist/],
			[
				{ statement: 'ok', evidence: [{ kind: 'rumour', text: 'x' }] },
				400,
				/quote, a lost-deal reason/
			],
			[{ statement: 'ok', evidence: [{ kind: 'quote', text: '' }] }, 400, /Write the evidence/],
			[{ statement: 'ok', owner: 'me' }, 400, /not known/],
			[{ statement: 'ok', ownerTeamId: 'aaaaaaaaaaaaaaaa' }, 404, /not part of this workshop/],
			[{ statement: 'ok', stageKey: 'karaoke' }, 404, /no such stage/]
		] as const) {
			const result = await ws.facilitator.json('POST', path(), body);
			expect(result.status, JSON.stringify(body)).toBe(status);
			expect(String(result.body.message)).toMatch(message);
		}
		const unknown = await ws.facilitator.json('POST', `${path()}/aaaaaaaaaaaaaaaa/evidence`, {
			kind: 'quote',
			text: 'x'
		});
		expect(unknown.status).toBe(404);
		expect(((await ws.facilitator.json('GET', path())).body.agreements as unknown[]).length).toBe(
			before
		);
	});

	test('only the facilitator records agreements; the register is for members only', async () => {
		expect((await participant.json('POST', path(), { statement: 'We win.' })).status).toBe(403);
		const { facilitator: other } = await signUpFacilitator(server.url, 'Other');
		expect((await other.json('POST', path(), { statement: 'We win.' })).status).toBe(403);
		expect((await other.json('GET', path())).status).toBe(403);
		expect((await new Client(server.url).json('GET', path())).status).toBe(401);
	});
});
