/**
 * Working on the boards after the first cards are written, through the cards endpoints of the
 * real server: barriers put in groups (only with barriers of the same board), named and taken
 * out again; a remedy and its owner on any barrier; dots and ranks refused from requests; and
 * the lead's journey reordered and kept up to date by the team that owns each step.
 */
import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import { listCards, type Card } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import { journeyOrder } from '../../src/lib/collab/journey';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { oneDatabase } from '../support/databases';
import type { Client } from '../support/http';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { serverForSuite } from '../support/suite';

describe.each(oneDatabase('postgres'))('editing boards on %s', (kind) => {
	const suite = serverForSuite(kind);
	let ws: FacilitatorWithWorkshop;
	let sales: Client;
	let marketing: Client;
	const peers: Peer[] = [];

	beforeAll(async () => {
		ws = await facilitatorWithWorkshop(suite.server.url);
		[sales, marketing] = await Promise.all([
			joinAs(suite.server.url, ws.joinCode, ws.teams.Sales!, 'Sam'),
			joinAs(suite.server.url, ws.joinCode, ws.teams.Marketing!, 'Mia')
		]);
	});
	afterAll(() => {
		for (const p of peers) p.destroy();
	});

	const path = (stageKey: string, rest = '') =>
		`/api/workshops/${ws.workshopId}/stages/${stageKey}/cards${rest}`;
	async function add(client: Client, stageKey: string, card: Record<string, unknown>) {
		const added = await client.json('POST', path(stageKey), card);
		expect(added.status, JSON.stringify(added.body)).toBe(201);
		return added.body.id as string;
	}
	const patch = (client: Client, stageKey: string, id: string, body: unknown) =>
		client.json('PATCH', path(stageKey, `/${id}`), body);
	const move = (client: Client, stageKey: string, id: string, body: unknown) =>
		client.json('POST', path(stageKey, `/${id}/move`), body);
	async function board(stageKey: string): Promise<Peer> {
		const peer = connectPeer(
			suite.server.url,
			ws.facilitator,
			stageDocName(ws.workshopId, stageKey)
		);
		peers.push(peer);
		await peer.whenSynced();
		return peer;
	}
	/** The card as the server's document has it, once `check` holds. */
	async function cardOn(peer: Peer, id: string, check: (card: Card) => boolean): Promise<Card> {
		return waitFor(`card ${id} to match`, () => {
			const card = listCards(peer.doc).find((c) => c.id === id);
			return card && check(card) ? card : null;
		});
	}

	test('barriers go into groups with barriers of the same board, take a title, and come out again', async () => {
		const peer = await board('barriers');
		const pay = await add(marketing, 'barriers', {
			type: 'barrier',
			text: 'Week 13 we sell boxes on price',
			category: 'incentives'
		});
		const quota = await add(sales, 'barriers', {
			type: 'barrier',
			text: 'Quota counts bookings, not margin',
			category: 'incentives'
		});
		const spiff = await add(sales, 'barriers', { type: 'barrier', text: 'Quarter-end spiffs' });
		const incentive = await add(sales, 'barriers', {
			type: 'incentive',
			text: 'Account executives',
			today: 'Bookings'
		});
		const elsewhere = await add(sales, 'focus-value', { type: 'focus', text: 'Win rate' });

		// Sales puts its card with Marketing's: any participant may group any barrier.
		expect((await patch(sales, 'barriers', quota, { groupId: pay })).status).toBe(200);
		await cardOn(peer, pay, (c) => c.groupId === pay);
		await cardOn(peer, quota, (c) => c.groupId === pay);
		// A third card grouped with a member joins the same group.
		expect((await patch(marketing, 'barriers', spiff, { groupId: quota })).status).toBe(200);
		await cardOn(peer, spiff, (c) => c.groupId === pay);

		// Only barriers of this board, never the card itself.
		const notBarrier = await patch(sales, 'barriers', spiff, { groupId: incentive });
		expect(notBarrier.status).toBe(404);
		expect(notBarrier.body.message).toBe(
			'That card is not a barrier on this board: it cannot be grouped.'
		);
		expect((await patch(sales, 'barriers', spiff, { groupId: elsewhere })).status).toBe(404);
		expect((await patch(sales, 'barriers', spiff, { groupId: 'nosuchcard' })).status).toBe(404);
		const self = await patch(sales, 'barriers', spiff, { groupId: spiff });
		expect(self.status).toBe(400);
		expect(self.body.message).toBe('A barrier cannot be put in a group with itself.');
		expect((await patch(sales, 'barriers', incentive, { groupId: pay })).status).toBe(400);
		expect((await patch(sales, 'barriers', spiff, { groupId: 'Not An Id!' })).status).toBe(400);
		expect((await cardOn(peer, spiff, () => true)).groupId).toBe(pay);

		// A title given on one card names the whole group.
		expect(
			(await patch(marketing, 'barriers', quota, { groupTitle: 'Pay rewards volume' })).status
		).toBe(200);
		for (const id of [pay, quota, spiff]) {
			await cardOn(peer, id, (c) => c.groupTitle === 'Pay rewards volume');
		}
		// Out again: the card leaves its title behind; the last two stay together.
		expect((await patch(sales, 'barriers', spiff, { groupId: null })).status).toBe(200);
		const out = await cardOn(peer, spiff, (c) => c.groupId === null);
		expect(out.groupTitle).toBe('');
		expect((await cardOn(peer, quota, () => true)).groupId).toBe(pay);
		// A group left with one card is no group.
		expect((await patch(sales, 'barriers', quota, { groupId: null })).status).toBe(200);
		await cardOn(peer, pay, (c) => c.groupId === null && c.groupTitle === '');
		const loneTitle = await patch(sales, 'barriers', pay, { groupTitle: 'Alone' });
		expect(loneTitle.status).toBe(409);

		// A remedy and its owner on another team's barrier; its words stay the author's.
		expect(
			(
				await patch(sales, 'barriers', pay, {
					remedy: 'Pay on margin from Q3',
					remedyOwner: 'VP Sales'
				})
			).status
		).toBe(200);
		await cardOn(
			peer,
			pay,
			(c) => c.remedy === 'Pay on margin from Q3' && c.remedyOwner === 'VP Sales'
		);
		expect((await patch(sales, 'barriers', pay, { text: 'Rewritten' })).status).toBe(403);
		expect((await patch(sales, 'barriers', pay, { remedy: 'x'.repeat(501) })).status).toBe(400);

		// Locked: participants read only; the facilitator still tidies up.
		const lock = (action: string) =>
			ws.facilitator.json('POST', `/api/workshops/${ws.workshopId}/stages/barriers`, { action });
		expect((await lock('lock')).status).toBe(200);
		expect((await patch(marketing, 'barriers', quota, { groupId: pay })).status).toBe(409);
		expect((await patch(ws.facilitator, 'barriers', quota, { groupId: pay })).status).toBe(200);
		await cardOn(peer, quota, (c) => c.groupId === pay);
		expect((await lock('unlock')).status).toBe(200);
	});

	test('dots and ranks come from the dot vote only: a request carrying them is refused and changes nothing', async () => {
		const peer = await board('barriers');
		const id = await add(sales, 'barriers', { type: 'barrier', text: 'No shared dashboard' });
		for (const client of [sales, ws.facilitator]) {
			const dots = await patch(client, 'barriers', id, { dots: 12 });
			expect(dots.status).toBe(400);
			expect(dots.body.message).toBe('Dots come from the dot vote; they cannot be set by hand.');
			const rank = await patch(client, 'barriers', id, { rank: 1, remedy: 'A dashboard' });
			expect(rank.status).toBe(400);
			expect(rank.body.message).toMatch(/rank comes from the dot vote/);
		}
		const created = await sales.json('POST', path('barriers'), {
			type: 'barrier',
			text: 'Ranked from birth',
			rank: 1
		});
		expect(created.status).toBe(400);
		const card = await cardOn(peer, id, () => true);
		expect(card.dots).toBeUndefined();
		expect(card.rank).toBeUndefined();
		expect(card.remedy).toBeUndefined();
		expect(listCards(peer.doc).some((c) => c.text === 'Ranked from birth')).toBe(false);
	});

	test('journey steps move earlier and later; the owning team keeps its step up to date', async () => {
		const peer = await board('connections');
		const order = () => journeyOrder(listCards(peer.doc, 'step')).map((c) => c.text);
		const steps = listCards(peer.doc, 'step');
		const first = journeyOrder(steps)[0]!;
		// Written by the facilitator, owned by Sales.
		const followUp = steps.find((s) => s.text.startsWith('Follow-up within the SLA'))!;
		expect(followUp.ownerTeamId).toBe(ws.teams.Sales);

		const before = order();
		expect((await move(sales, 'connections', followUp.id, { direction: 'earlier' })).status).toBe(
			200
		);
		await waitFor('the step to move one place earlier', () => {
			const now = order();
			return now.indexOf(followUp.text) === before.indexOf(followUp.text) - 1;
		});
		// Marketing neither wrote nor owns it.
		const foreign = await move(marketing, 'connections', followUp.id, { direction: 'later' });
		expect(foreign.status).toBe(403);
		const atStart = await move(ws.facilitator, 'connections', first.id, { direction: 'earlier' });
		expect(atStart.status).toBe(409);
		expect(atStart.body.message).toBe('This step is already the first of its part of the journey.');
		// The return to nurture stays last.
		const back = steps.find((s) => s.isReturnPath)!;
		expect(
			(await move(ws.facilitator, 'connections', back.id, { direction: 'earlier' })).status
		).toBe(409);
		expect((await move(ws.facilitator, 'connections', first.id, { direction: 'up' })).status).toBe(
			400
		);
		const notStep = await add(sales, 'barriers', { type: 'barrier', text: 'Not a step' });
		expect((await move(ws.facilitator, 'barriers', notStep, { direction: 'later' })).status).toBe(
			400
		);
		expect(order().at(-1)).toBe(back.text);

		// Sales sets its step's SLA and marks it broken; Marketing may not.
		const fields = { slaHours: 4, broken: 'human', note: 'Nobody owns the queue at night' };
		expect((await patch(sales, 'connections', followUp.id, fields)).status).toBe(200);
		await cardOn(peer, followUp.id, (c) => c.slaHours === 4 && c.broken === 'human');
		expect((await patch(marketing, 'connections', followUp.id, { slaHours: 48 })).status).toBe(403);
		const otherWorkshopTeam = await patch(sales, 'connections', followUp.id, {
			ownerTeamId: 'abcdefgh'
		});
		expect(otherWorkshopTeam.status).toBe(404);
		expect((await cardOn(peer, followUp.id, () => true)).ownerTeamId).toBe(ws.teams.Sales);
	});

	test('a measure and a review meeting are edited after they were written, a field emptied again', async () => {
		const peer = await board('measures');
		const metric = await add(marketing, 'measures', {
			type: 'measure',
			text: 'Win rate',
			baseline: '20%',
			target: '30%',
			ownerTeamId: ws.teams.Marketing
		});
		const meeting = await add(sales, 'measures', {
			type: 'cadence',
			text: 'Pipeline review',
			frequency: 'Monthly',
			nextReviewDate: '2027-02-01'
		});
		const edited = await patch(marketing, 'measures', metric, {
			baseline: '',
			target: '35%',
			ownerTeamId: null
		});
		expect(edited.status).toBe(200);
		await cardOn(
			peer,
			metric,
			(c) => c.baseline === '' && c.target === '35%' && c.ownerTeamId === null
		);
		const badDate = await patch(sales, 'measures', meeting, { nextReviewDate: '1 Feb' });
		expect(badDate.status).toBe(400);
		expect(badDate.body.message).toBe('Give the date as YYYY-MM-DD.');
		expect((await patch(sales, 'measures', meeting, { nextReviewDate: '' })).status).toBe(200);
		await cardOn(peer, meeting, (c) => c.nextReviewDate === '' && c.frequency === 'Monthly');
	});
});
