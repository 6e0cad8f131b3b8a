/**
 * A revealed dot vote written onto the Barriers board (`boards.recordDotResults`, which the
 * polls module calls after a reveal). No route records dots by itself, so this test runs the
 * server's own runtime and realtime endpoint in the test process (real database, real
 * sockets, a participant's stock provider) and calls the server-side API directly.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAppServer, type AppServer } from '../../server/http';
import { startRuntime, type Runtime } from '../../server/runtime';
import { attachUpgrades } from '../../server/upgrades';
import { listCards, type Card } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import * as accounts from '../../src/lib/server/accounts';
import type { WorkshopMember } from '../../src/lib/server/api';
import { PARTICIPANT_COOKIE } from '../../src/lib/server/auth/cookies';
import * as sessions from '../../src/lib/server/auth/sessions';
import * as boards from '../../src/lib/server/boards';
import { readConfig } from '../../src/lib/server/config';
import * as participants from '../../src/lib/server/participants';
import * as workshops from '../../src/lib/server/workshops';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, waitFor, type Peer } from '../support/realtime';

describe.each(oneDatabase('postgres'))('recording a dot vote on the barriers on %s', (kind) => {
	let database: TestDatabase;
	let runtime: Runtime;
	let app: AppServer;
	let baseUrl: string;
	let workshopId: string;
	let peer: Peer;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		runtime = await startRuntime(readConfig({ ...database.env, PORT: '0', HOST: '127.0.0.1' }));
		app = createAppServer((_req, res) => {
			res.statusCode = 404;
			res.end();
		});
		attachUpgrades(app.server, runtime, { rejectUnknown: true });
		baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;

		const owner = await accounts.createFacilitator({
			name: 'Owner',
			email: `dots-${kind}@example.com`,
			password: 'a long enough password'
		});
		workshopId = (
			await workshops.create({ ownerId: owner.id, title: 'Dots', clientOrganisation: 'Acme' })
		).id;
		// The facilitator writes the barriers (only `kind` and `teamId` matter to the board).
		const facilitator = { kind: 'facilitator', teamId: null } as unknown as WorkshopMember;
		for (const text of [
			'Pay rewards volume',
			'No shared dashboard',
			'Leads without context',
			'Channel conflict'
		]) {
			ids[text] = await boards.add(facilitator, workshopId, 'barriers', { type: 'barrier', text });
		}
		ids.incentive = await boards.add(facilitator, workshopId, 'barriers', {
			type: 'incentive',
			text: 'Account executives'
		});

		// A participant's phone follows the board.
		const [team] = await workshops.teams(workshopId);
		const joined = await participants.join({ workshopId, teamId: team!.id, displayName: 'Pat' });
		const { token } = await sessions.create({ participantId: joined.id });
		const client = new Client(baseUrl);
		client.cookies.set(PARTICIPANT_COOKIE, token);
		peer = connectPeer(baseUrl, client, stageDocName(workshopId, 'barriers'));
		await peer.whenSynced();
	});
	afterAll(async () => {
		peer?.destroy();
		await app?.close(1_000);
		await runtime?.stop();
		await database?.drop();
	});

	/** text → [dots, rank] on the participant's copy of the board, once `check` holds. */
	async function results(check: (cards: Card[]) => boolean) {
		const cards = await waitFor('the results on the phone', () => {
			const list = listCards(peer.doc);
			return check(list) ? list : null;
		});
		return Object.fromEntries(
			cards.map((c) => [
				c.type === 'incentive' ? 'incentive' : c.text,
				[c.dots ?? null, c.rank ?? null]
			])
		);
	}

	test('dots and ranks reach every phone: most dots first, ties share a rank', async () => {
		await boards.recordDotResults(workshopId, 'barriers', [
			{ cardId: ids['No shared dashboard']!, dots: 3 },
			{ cardId: ids['Pay rewards volume']!, dots: 7 },
			{ cardId: ids['Leads without context']!, dots: 3 }
		]);
		expect(await results((cards) => cards.some((c) => c.rank === 1))).toEqual({
			'Pay rewards volume': [7, 1],
			'No shared dashboard': [3, 2],
			'Leads without context': [3, 2],
			// Not in this vote: nothing.
			'Channel conflict': [null, null],
			incentive: [null, null]
		});
	});

	test('a later vote replaces the earlier one, clearing cards it does not rank; cards that are not barriers on the board are left out', async () => {
		await boards.recordDotResults(workshopId, 'barriers', [
			{ cardId: ids['Channel conflict']!, dots: 5 },
			{ cardId: ids['Leads without context']!, dots: 0 },
			// Not a barrier, and no card at all: neither is ranked nor pushes anyone down.
			{ cardId: ids.incentive!, dots: 9 },
			{ cardId: 'deletedsincethevote', dots: 8 }
		]);
		expect(
			await results((cards) => cards.find((c) => c.id === ids['Channel conflict'])?.rank === 1)
		).toEqual({
			'Pay rewards volume': [null, null],
			'No shared dashboard': [null, null],
			'Leads without context': [0, 2],
			'Channel conflict': [5, 1],
			incentive: [null, null]
		});
	});

	test('bad rankings are refused before anything is written', async () => {
		await expect(
			boards.recordDotResults(workshopId, 'barriers', [
				{ cardId: ids['Pay rewards volume']!, dots: -1 }
			])
		).rejects.toThrow(/whole number/);
		await expect(
			boards.recordDotResults(workshopId, 'barriers', [
				{ cardId: ids['Pay rewards volume']!, dots: 1.5 }
			])
		).rejects.toThrow(/whole number/);
		await expect(
			boards.recordDotResults(workshopId, 'barriers', [
				{ cardId: ids['Pay rewards volume']!, dots: 1 },
				{ cardId: ids['Pay rewards volume']!, dots: 2 }
			])
		).rejects.toThrow(/each card once/);
		await expect(boards.recordDotResults(workshopId, 'no-such-stage', [])).rejects.toMatchObject({
			name: 'RuleError',
			status: 404
		});
		// The previous vote still stands.
		const cards = listCards(peer.doc);
		expect(cards.find((c) => c.id === ids['Channel conflict'])?.rank).toBe(1);
		expect(cards.find((c) => c.id === ids['Pay rewards volume'])?.rank ?? null).toBeNull();
	});
});
