/**
 * The facilitator console and the projector view in a real browser, driven by the real server:
 * who is here, the balance meter, the spotlight, a private round and its reveal, and a refusal
 * in the server's words; the projector (a second window on the same laptop) follows. Two
 * participants take part from Node through the stock provider and the cards endpoint, so the
 * console has people to show and a board to balance. Moving everyone, the timer and the lock
 * are driven from this console in live-workshop.test.ts, with real phones.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests, saveScreenshot } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import type { Client } from '../support/http';
import { connectPeer, type Peer } from '../support/realtime';
import { addCookiesOf, expectControlsNamedByTheirWords, LAPTOP } from '../support/room';
import { startServer, type RunningServer } from '../support/server';

/** A laptop window signed in as the facilitator the factory created. */
async function signedInContext(browser: Browser, server: RunningServer, facilitator: Client) {
	const context = await browser.newContext({ baseURL: server.url, viewport: LAPTOP });
	await addCookiesOf(context, facilitator, server.url);
	return context;
}

describe.runIf(shouldRunBrowserTests)('the facilitator console and the projector', () => {
	let database: TestDatabase;
	let server: RunningServer;
	let browser: Browser;
	let workshop: FacilitatorWithWorkshop;
	let sales: Client;
	let marketing: Client;
	const peers: Peer[] = [];
	let context: BrowserContext | undefined;

	beforeAll(async () => {
		database = await createTestDatabase('pglite');
		[server, browser] = await Promise.all([startServer(database), launchChromium()]);
		workshop = await facilitatorWithWorkshop(server.url);
		[sales, marketing] = await Promise.all([
			joinAs(server.url, workshop.joinCode, workshop.teams.Sales!, 'Sam from Sales'),
			joinAs(server.url, workshop.joinCode, workshop.teams.Marketing!, 'Mia from Marketing')
		]);
		// Their phones are in the room: the server's who-is-here lists them.
		for (const client of [sales, marketing]) {
			const peer = connectPeer(server.url, client, roomDocName(workshop.workshopId));
			peers.push(peer);
			await peer.whenSynced();
		}
	});
	afterAll(async () => {
		for (const peer of peers) peer.destroy();
		await context?.close();
		await browser?.close();
		await server?.stop();
		await database?.drop();
	});

	test('the console shows who is here and the balance, spotlights a card and runs a private round; the projector follows', async () => {
		const id = workshop.workshopId;
		context = await signedInContext(browser, server, workshop.facilitator);
		const console_ = await context.newPage();

		// The workshop page leads to the console.
		await console_.goto(`/workshops/${id}`);
		await console_.getByRole('link', { name: 'Run the workshop' }).click();
		await console_.getByTestId('not-started').waitFor();
		await console_.locator('[data-testid="connection-status"][data-status="live"]').waitFor();
		await console_.getByTestId('here-Sales').getByText('Sam from Sales').waitFor();
		await console_.getByTestId('here-Marketing').getByText('Mia from Marketing').waitFor();

		// The projector opens in its own window, from the console.
		const [projector] = await Promise.all([
			context.waitForEvent('page'),
			console_.getByRole('link', { name: 'Projector view' }).click()
		]);
		await projector.setViewportSize({ width: 1920, height: 1080 });
		await projector.getByTestId('projector-code').filter({ hasText: workshop.joinCode }).waitFor();
		await projector.getByTestId('projector-here-Sales').filter({ hasText: '1' }).waitFor();
		await saveScreenshot(projector, 'projector-1-join');

		// Bring everyone to Shared terms.
		await console_
			.getByTestId('console-stage-shared-terms')
			.getByRole('button', { name: 'Bring everyone here' })
			.click();
		await console_.getByTestId('current-stage-title').filter({ hasText: 'Shared terms' }).waitFor();
		await projector
			.getByTestId('projector-stage-title')
			.filter({ hasText: 'Shared terms' })
			.waitFor();
		// The pre-filled terms are on the live board.
		await console_.getByTestId('live-board').getByText('MQL', { exact: true }).waitFor();

		// Participants write: a Sales card through the endpoint, and Sales' wording of MQL live.
		const added = await sales.json('POST', `/api/workshops/${id}/stages/shared-terms/cards`, {
			type: 'note',
			text: 'Sales calls every MQL within 4 hours'
		});
		expect(added.status).toBe(201);
		const board = connectPeer(server.url, sales, stageDocName(id, 'shared-terms'));
		peers.push(board);
		await board.whenSynced();
		const mql = listCards(board.doc, 'term').find((c) => c.text === 'MQL')!;
		termText(board.doc, mql.id, TERM_TEXT.wording(workshop.teams.Sales!))!.insert(
			0,
			'A lead scored over sixty that asked for a demo'
		);
		await board.ack();

		const card = console_.getByTestId('live-board').locator('li', {
			hasText: 'Sales calls every MQL within 4 hours'
		});
		await card.waitFor();
		await console_.getByTestId('balance-Sales-stage-cards').filter({ hasText: '1' }).waitFor();
		await console_.getByTestId('balance-Sales-stage-words').filter({ hasText: '10' }).waitFor();
		expect(await console_.getByTestId('balance-Marketing-stage-cards').innerText()).toBe('0');

		// Spotlight the card on every screen.
		await card.getByRole('button', { name: 'Spotlight' }).click();
		await card.getByRole('button', { name: 'Clear spotlight' }).waitFor();
		await projector
			.getByTestId('projector-spotlight')
			.filter({ hasText: 'Sales calls every MQL within 4 hours' })
			.waitFor();

		// Neither screen scrolls sideways.
		for (const page of [console_, projector]) {
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
			expect(overflow).toBe(0);
		}

		await saveScreenshot(console_, 'console-1-running');
		await saveScreenshot(projector, 'projector-2-stage');

		// Every control is named by the words on it (what a voice-control user says).
		await expectControlsNamedByTheirWords(console_, 'main button, main a[href], .bar a[href]');

		// A private round: Marketing's new card reaches the console (from the team's own board)
		// before the reveal, marked private; after the reveal it is on the shared board.
		await console_.getByRole('button', { name: 'Private writing' }).click();
		await console_.locator('[data-testid="private-state"][data-private="true"]').waitFor();
		await projector.getByTestId('projector-private').waitFor();
		// A projector opened (or reloaded) now paints the running stage straight away, from the
		// server-rendered page, instead of the join screen until its connection syncs.
		const html = await (await workshop.facilitator.get(`/workshops/${id}/projector`)).text();
		expect(html).toMatch(/data-testid="projector-stage-title"[^>]*>\s*Shared terms/);
		expect(html).toContain('data-testid="projector-private"');
		const secret = await marketing.json('POST', `/api/workshops/${id}/stages/shared-terms/cards`, {
			type: 'note',
			text: 'Marketing needs the lost-deal reason back'
		});
		expect(secret.status).toBe(201);
		const privateCard = console_.getByTestId('live-board').locator('li', {
			hasText: 'Marketing needs the lost-deal reason back'
		});
		await privateCard.getByText('private', { exact: true }).waitFor();
		await console_.getByTestId('balance-Marketing-stage-cards').filter({ hasText: '1' }).waitFor();
		await console_.getByRole('button', { name: 'Reveal' }).click();
		await console_.locator('[data-testid="private-state"][data-private="false"]').waitFor();
		await privateCard.getByText('private', { exact: true }).waitFor({ state: 'detached' });
		expect(await console_.getByTestId('balance-Marketing-stage-cards').innerText()).toBe('1');

		// A refusal from the server is shown in its own words: here the facilitator's session
		// has ended in another tab, so the next control says so.
		const signedOut = await workshop.facilitator.action('/signout', {});
		expect(signedOut.type).toBe('redirect');
		// The live connection ends with the session, and the console says so.
		await console_.locator('[data-testid="connection-status"][data-status="offline"]').waitFor();
		await console_.getByTestId('clear-spotlight').click();
		await console_
			.getByRole('alert')
			.filter({ hasText: /sign in/i })
			.waitFor();
		await saveScreenshot(console_, 'console-2-error');
	});

	test('barriers grouped, named and given a remedy from the console; incentives and measures as tables with every field', async () => {
		const id = workshop.workshopId;
		// The first test signed the facilitator out: in again, on a fresh laptop window.
		const signedIn = await workshop.facilitator.action('/signin', {
			email: workshop.email,
			password: workshop.password
		});
		expect(signedIn.type).toBe('redirect');
		await context?.close();
		context = await signedInContext(browser, server, workshop.facilitator);
		const page = await context.newPage();

		const goTo = (stageKey: string) =>
			workshop.facilitator.json('POST', `/api/workshops/${id}/live`, { action: 'goTo', stageKey });
		const add = async (client: Client, stageKey: string, card: Record<string, unknown>) => {
			const added = await client.json(
				'POST',
				`/api/workshops/${id}/stages/${stageKey}/cards`,
				card
			);
			expect(added.status).toBe(201);
		};
		expect((await goTo('barriers')).status).toBe(200);
		await add(marketing, 'barriers', { type: 'barrier', text: 'Week 13 we sell boxes on price' });
		await add(sales, 'barriers', { type: 'barrier', text: 'Quota counts bookings, not margin' });
		await add(sales, 'barriers', {
			type: 'incentive',
			text: 'Account executives',
			today: 'Bookings this quarter',
			needed: 'Margin and retained customers'
		});
		await page.goto(`/workshops/${id}/run`);
		const board = page.getByTestId('live-board');
		const card = (text: string) => board.locator('article').filter({ hasText: text });

		// Group from the keyboard: open, choose, confirm.
		await card('Quota counts').getByRole('button', { name: 'Group with…' }).focus();
		await page.keyboard.press('Enter');
		await card('Quota counts').getByLabel('Put with').selectOption({
			label: 'Week 13 we sell boxes on price'
		});
		await card('Quota counts').getByRole('button', { name: 'Group', exact: true }).press('Enter');
		const group = board.getByTestId('barrier-group');
		await group.getByTestId('group-title').getByText('Week 13 we sell boxes on price').waitFor();
		// The card is drawn anew inside the group; the keyboard focus comes along.
		await expect.poll(() => card('Quota counts').locator('button:focus').count()).toBe(1);
		await group.getByRole('button', { name: 'Rename group' }).click();
		await group.getByLabel('Group title').fill('Pay rewards volume');
		await group.getByRole('button', { name: 'Save title' }).click();
		await group.getByTestId('group-title').getByText('Pay rewards volume').waitFor();
		await card('Week 13').getByRole('button', { name: 'Add remedy' }).click();
		await card('Week 13').getByLabel('Remedy', { exact: true }).fill('Pay on margin from Q3');
		await card('Week 13').getByLabel('Owner (a team or a person)').fill('VP Sales');
		await card('Week 13').getByRole('button', { name: 'Save remedy' }).click();
		await card('Week 13').getByTestId('remedy').getByText('VP Sales').waitFor();

		// The incentives read as a table: what each is rewarded for today against what the
		// shared goal needs.
		const incentives = board.getByTestId('table-incentive');
		expect(await incentives.getByRole('columnheader').allInnerTexts()).toEqual(
			expect.arrayContaining(['TEAM OR ROLE', 'REWARDED FOR TODAY', 'WHAT THE SHARED GOAL NEEDS'])
		);
		const row = incentives.getByRole('row', { name: /Account executives/ });
		await row.getByRole('cell', { name: 'Margin and retained customers' }).waitFor();
		await saveScreenshot(page, 'console-3-barriers');
		// Every control here is named by the words on it.
		await expectControlsNamedByTheirWords(page, 'main button');

		// Measures and the review rhythm: every field, and a field not yet agreed said so.
		expect((await goTo('measures')).status).toBe(200);
		await add(marketing, 'measures', {
			type: 'measure',
			text: 'MQL → SQL conversion',
			definition: 'Share of MQLs that sales qualifies within 30 days',
			baseline: '12%',
			target: '25%',
			ownerTeamId: workshop.teams.Marketing,
			system: 'CRM funnel report',
			frequency: 'Monthly'
		});
		await add(sales, 'measures', { type: 'measure', text: 'Win rate', target: '30%' });
		await add(sales, 'measures', {
			type: 'cadence',
			text: 'Joint pipeline review',
			frequency: 'Every other Monday',
			nextReviewDate: '2027-02-01'
		});
		const measures = board.getByTestId('table-measure');
		const conversion = measures.getByRole('row', { name: /MQL → SQL conversion/ });
		for (const value of [
			'Share of MQLs that sales qualifies within 30 days',
			'12%',
			'25%',
			'Marketing',
			'CRM funnel report',
			'Monthly'
		]) {
			await conversion.getByRole('cell', { name: value, exact: true }).first().waitFor();
		}
		expect(await measures.getByRole('columnheader').allInnerTexts()).toEqual(
			expect.arrayContaining([
				'METRIC',
				'DEFINITION',
				'BASELINE',
				'TARGET',
				'OWNER TEAM',
				'DATA SOURCE',
				'REVIEW FREQUENCY'
			])
		);
		const winRate = measures.getByRole('row', { name: /Win rate/ });
		expect(await winRate.getByText('not set').count()).toBe(5);
		const rhythm = board.getByTestId('table-cadence').getByRole('row', {
			name: /Joint pipeline review/
		});
		await rhythm.getByRole('cell', { name: 'Every other Monday' }).waitFor();
		await rhythm.getByRole('cell', { name: '2027-02-01' }).waitFor();
		await saveScreenshot(page, 'console-4-measures');
	});
});
