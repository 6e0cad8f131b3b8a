/**
 * The facilitator console and the projector view in a real browser, driven by the real server:
 * the facilitator moves everyone to Shared terms, runs the timer, locks the stage and puts a
 * card in the spotlight, and the projector (a second window on the same laptop) follows. Two
 * participants take part from Node through the stock provider and the cards endpoint, so the
 * console has people to show and a board to balance.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import type { Client } from '../support/http';
import { connectPeer, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

const SCREENSHOTS = 'tests/e2e/__screenshots__';

async function snap(page: Page, name: string) {
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** A browser context signed in as the facilitator the factory created. */
async function signedInContext(browser: Browser, server: RunningServer, facilitator: Client) {
	const context = await browser.newContext({
		baseURL: server.url,
		viewport: { width: 1440, height: 900 }
	});
	await context.addCookies(
		[...facilitator.cookies].map(([name, value]) => ({ name, value, url: server.url }))
	);
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

	test('the facilitator moves everyone to Shared terms, runs the timer and locks the stage; the projector follows', async () => {
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
		await snap(projector, 'projector-1-join');

		// Bring everyone to Shared terms.
		const terms = console_.getByTestId('console-stage-shared-terms');
		// From the keyboard; the button goes away with the move, so the focus lands on the stage.
		await terms.getByRole('button', { name: 'Bring everyone here' }).focus();
		await console_.keyboard.press('Enter');
		await console_
			.locator('[data-testid="console-stage-shared-terms"][data-current="true"]')
			.waitFor();
		await console_.getByTestId('current-stage-title').filter({ hasText: 'Shared terms' }).waitFor();
		await projector
			.getByTestId('projector-stage-title')
			.filter({ hasText: 'Shared terms' })
			.waitFor();
		await console_.waitForFunction(() => document.activeElement?.id === 'current-heading');
		// The pre-filled terms are on the live board.
		await console_.getByTestId('live-board').getByText('MQL', { exact: true }).waitFor();

		// Start the timer: both screens count down from the stage's 45 minutes.
		await console_.getByRole('button', { name: 'Start' }).click();
		await console_.locator('[data-testid="timer"][data-state="running"]').waitFor();
		await projector.locator('[data-testid="timer"][data-state="running"]').waitFor();
		await projector.waitForFunction(() => {
			const figures = document.querySelector('[data-testid="timer-figures"]')?.textContent;
			return /^44:\d\d$/.test(figures?.trim() ?? '');
		});
		// From the keyboard: +1 min on the focused button.
		await console_.getByRole('button', { name: '+1 min' }).focus();
		await console_.keyboard.press('Enter');
		await projector.waitForFunction(() => {
			const figures = document.querySelector('[data-testid="timer-figures"]')?.textContent;
			return /^45:\d\d$/.test(figures?.trim() ?? '');
		});

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

		// Lock: the console and the projector say so, and a participant's new card is refused.
		await console_.getByTestId('lock-toggle').click();
		await console_.locator('[data-testid="lock-state"][data-locked="true"]').waitFor();
		expect(await console_.getByTestId('lock-toggle').innerText()).toBe('Unlock');
		await projector.getByTestId('projector-locked').waitFor();
		const refused = await marketing.json('POST', `/api/workshops/${id}/stages/shared-terms/cards`, {
			type: 'note',
			text: 'Too late'
		});
		expect(refused.status).toBe(409);

		// A projector opened (or reloaded) now paints the running stage straight away, from the
		// server-rendered page, instead of the join screen until its connection syncs.
		const html = await (await workshop.facilitator.get(`/workshops/${id}/projector`)).text();
		expect(html).toMatch(/data-testid="projector-stage-title"[^>]*>\s*Shared terms/);
		expect(html).toContain('data-testid="projector-locked"');

		// Neither screen scrolls sideways.
		for (const page of [console_, projector]) {
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
			expect(overflow).toBe(0);
		}

		await snap(console_, 'console-1-running');
		await snap(projector, 'projector-2-stage');

		// Every control is named by the words on it (what a voice-control user says).
		const controls = console_.locator('main button, main a[href], .bar a[href]');
		for (const control of await controls.all()) {
			const words = (await control.innerText()).trim();
			const role = (await control.evaluate((el) => el.tagName)) === 'A' ? 'link' : 'button';
			expect(await console_.getByRole(role, { name: words, exact: true }).count()).toBeGreaterThan(
				0
			);
		}

		// A private round: Marketing's new card reaches the console (from the team's own board)
		// before the reveal, marked private; after the reveal it is on the shared board.
		await console_.getByRole('button', { name: 'Unlock' }).click();
		await console_.locator('[data-testid="lock-state"][data-locked="false"]').waitFor();
		await console_.getByRole('button', { name: 'Private writing' }).click();
		await console_.locator('[data-testid="private-state"][data-private="true"]').waitFor();
		await projector.getByTestId('projector-private').waitFor();
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
		await snap(console_, 'console-2-error');
	});
});
