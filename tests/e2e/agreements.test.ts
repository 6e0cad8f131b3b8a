/**
 * Recording agreements with buyer evidence from the facilitator console, in a real browser
 * against the real server: an agreement made from a live-board card with a lost-deal reason,
 * one made on its own without evidence (marked as such, and counted), evidence added to it
 * afterwards, and a refusal shown in the server's own words with the form keeping its values.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests, saveScreenshot } from '../support/browser';
import type { Client } from '../support/http';
import { serverForSuite } from '../support/suite';

describe.runIf(shouldRunBrowserTests)('agreements with buyer evidence in the console', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	let workshop: FacilitatorWithWorkshop;
	let sales: Client;
	let context: BrowserContext | undefined;

	beforeAll(async () => {
		browser = await launchChromium();
		workshop = await facilitatorWithWorkshop(suite.server.url);
		sales = await joinAs(
			suite.server.url,
			workshop.joinCode,
			workshop.teams.Sales!,
			'Sam from Sales'
		);
	});
	afterAll(async () => {
		await context?.close();
		await browser?.close();
	});

	/** The register's entry for an agreement, by its statement. */
	const entry = (page: Page, statement: string): Locator =>
		page
			.getByTestId('register')
			.locator('li.entry')
			.filter({ has: page.getByText(statement, { exact: true }) });

	test('record, mark, add evidence and show a refusal', async () => {
		const url = suite.server.url;
		const id = workshop.workshopId;
		// Everyone is on Shared terms and Sales has written a card.
		const moved = await workshop.facilitator.json('POST', `/api/workshops/${id}/live`, {
			action: 'goTo',
			stageKey: 'shared-terms'
		});
		expect(moved.status).toBeLessThan(300);
		const cardText = 'Marketing sends back every lost deal with its reason';
		const added = await sales.json('POST', `/api/workshops/${id}/stages/shared-terms/cards`, {
			type: 'note',
			text: cardText
		});
		expect(added.status).toBe(201);

		context = await browser.newContext({ baseURL: url, viewport: { width: 1440, height: 900 } });
		await context.addCookies(
			[...workshop.facilitator.cookies].map(([name, value]) => ({ name, value, url }))
		);
		const page = await context.newPage();
		await page.goto(`/workshops/${id}/run`);
		await page.locator('[data-testid="connection-status"][data-status="live"]').waitFor();
		const register = page.getByTestId('register');
		await register.getByText('0 of 0 agreements have buyer evidence').waitFor();

		// 1. From the card, by keyboard: the form opens with the card's text, focus on it.
		const card = page.getByTestId('live-board').locator('li', { hasText: cardText });
		await card.getByRole('button', { name: 'Make agreement', exact: true }).focus();
		await page.keyboard.press('Enter');
		const dialog = page.getByRole('dialog', { name: 'Make agreement from this card' });
		await dialog.waitFor();
		await page.waitForFunction(
			() => document.activeElement?.getAttribute('data-testid') === 'agreement-statement'
		);
		expect(await dialog.getByLabel('Statement').inputValue()).toBe(cardText);
		await dialog.getByLabel('Owner team').selectOption({ label: 'Marketing' });
		await dialog.getByLabel('Owner name').fill('Mia');
		await dialog.getByLabel('Due date (YYYY-MM-DD)').fill('2027-03-31');
		await dialog.getByLabel('Linked metric').fill('Lost-deal reasons returned within a week');
		await dialog.getByLabel('Kind').selectOption({ label: 'Lost-deal reason' });
		await dialog
			.getByLabel('Evidence', { exact: true })
			.fill('Lost to a rival: we never heard the buyer’s security concern');
		await dialog.getByLabel('Source').fill('Acme, Q2 loss review');
		await dialog.getByRole('button', { name: 'Record agreement' }).click();
		await dialog.waitFor({ state: 'hidden' });
		const fromCard = entry(page, cardText);
		await fromCard
			.getByText('Lost to a rival: we never heard the buyer’s security concern')
			.waitFor();
		await fromCard.getByText('Lost-deal reason:').waitFor();
		await fromCard.getByText('Acme, Q2 loss review').waitFor();
		await fromCard.getByText('Mia (Marketing)').waitFor();
		await fromCard.getByText('2027-03-31').waitFor();
		expect(await fromCard.getByTestId('no-evidence').count()).toBe(0);
		await register.getByText('1 of 1 agreement has buyer evidence').waitFor();

		// 2. On its own, without evidence: marked, and counted.
		const bare = 'Sales and Marketing review the MQL definition monthly';
		await register.getByRole('button', { name: 'New agreement', exact: true }).click();
		const fresh = page.getByRole('dialog', { name: 'New agreement' });
		await fresh.waitFor();
		expect(await fresh.getByLabel('Statement').inputValue()).toBe('');
		await fresh.getByLabel('Statement').fill(bare);
		await fresh.getByRole('button', { name: 'Record agreement' }).click();
		await fresh.waitFor({ state: 'hidden' });
		await entry(page, bare).getByText('No buyer evidence yet').waitFor();
		await register.getByText('1 of 2 agreements have buyer evidence').waitFor();

		// 3. Evidence added afterwards: the marker goes.
		await entry(page, bare).getByRole('button', { name: 'Add evidence', exact: true }).click();
		const form = entry(page, bare).locator('form');
		await form.getByLabel('Kind').selectOption({ label: 'Conversion figure' });
		await form.getByLabel('Evidence', { exact: true }).fill('Only 12% of MQLs became SQLs in Q2');
		await form.getByLabel('Source').fill('CRM funnel report');
		await form.getByRole('button', { name: 'Save evidence' }).click();
		await entry(page, bare).getByText('Only 12% of MQLs became SQLs in Q2').waitFor();
		await entry(page, bare).getByText('No buyer evidence yet').waitFor({ state: 'detached' });
		await register.getByText('2 of 2 agreements have buyer evidence').waitFor();

		// 4. A refusal: the server's own words, next to the form, which keeps every value.
		const refused = 'Marketing qualifies leads within a day';
		await register.getByRole('button', { name: 'New agreement', exact: true }).click();
		await fresh.waitFor();
		await fresh.getByLabel('Statement').fill(refused);
		await fresh.getByLabel('Owner name').fill('Mia');
		await fresh.getByLabel('Due date (YYYY-MM-DD)').fill('2027-02-31');
		await fresh.getByLabel('Kind').selectOption({ label: 'Customer quote' });
		await fresh.getByLabel('Evidence', { exact: true }).fill('“We waited three days for a call.”');
		await fresh.getByRole('button', { name: 'Record agreement' }).click();
		await fresh.getByRole('alert').filter({ hasText: 'That due date does not exist.' }).waitFor();
		expect(await fresh.getByLabel('Statement').inputValue()).toBe(refused);
		expect(await fresh.getByLabel('Owner name').inputValue()).toBe('Mia');
		expect(await fresh.getByLabel('Due date (YYYY-MM-DD)').inputValue()).toBe('2027-02-31');
		expect(await fresh.getByLabel('Kind').inputValue()).toBe('quote');
		expect(await fresh.getByLabel('Evidence', { exact: true }).inputValue()).toBe(
			'“We waited three days for a call.”'
		);
		expect(await register.locator('li.entry').count()).toBe(2);
		await saveScreenshot(page, 'agreements-1-refused');
		// Corrected, it is recorded with its evidence.
		await fresh.getByLabel('Due date (YYYY-MM-DD)').fill('2027-02-28');
		await fresh.getByRole('button', { name: 'Record agreement' }).click();
		await fresh.waitFor({ state: 'hidden' });
		await entry(page, refused).getByText('“We waited three days for a call.”').waitFor();
		await register.getByText('3 of 3 agreements have buyer evidence').waitFor();

		await saveScreenshot(page, 'agreements-2-register');

		// Every control in the console is named by the words on it.
		for (const control of await page.locator('main button').all()) {
			const words = (await control.innerText()).trim();
			expect(await page.getByRole('button', { name: words, exact: true }).count()).toBeGreaterThan(
				0
			);
		}
	});
});
