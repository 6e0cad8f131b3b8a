/**
 * Recording agreements in the facilitator console, in a real browser against the real server:
 * one made on its own without evidence (marked as such, and counted), evidence added to it
 * afterwards, a refusal shown in the server's own words with the form keeping its values, and
 * an agreement put to a vote from the register with the keyboard. An agreement made from a
 * live-board card with its buyer evidence is the whole-workshop scenario's
 * (whole-workshop.test.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { facilitatorWithWorkshop, type FacilitatorWithWorkshop } from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests, saveScreenshot } from '../support/browser';
import {
	expectControlsNamedByTheirWords,
	openAs,
	recordAgreement,
	registerEntry
} from '../support/room';
import { serverForSuite } from '../support/suite';

describe.runIf(shouldRunBrowserTests)('agreements with buyer evidence in the console', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	let workshop: FacilitatorWithWorkshop;
	let page: Page | undefined;

	beforeAll(async () => {
		[browser, workshop] = await Promise.all([
			launchChromium(),
			facilitatorWithWorkshop(suite.server.url)
		]);
	});
	afterAll(async () => {
		await page?.context().close();
		await browser?.close();
	});

	test('record, mark, add evidence, show a refusal and put to a vote', async () => {
		const id = workshop.workshopId;
		// Everyone is on Shared terms.
		const moved = await workshop.facilitator.json('POST', `/api/workshops/${id}/live`, {
			action: 'goTo',
			stageKey: 'shared-terms'
		});
		expect(moved.status).toBeLessThan(300);

		page = await openAs(browser, suite.server.url, workshop.facilitator, `/workshops/${id}/run`);
		await page.locator('[data-testid="connection-status"][data-status="live"]').waitFor();
		const register = page.getByTestId('register');
		await register.getByText('0 of 0 agreements have buyer evidence').waitFor();

		// 1. On its own, without evidence: marked, and counted.
		const bare = 'Sales and Marketing review the MQL definition monthly';
		await register.getByRole('button', { name: 'New agreement', exact: true }).click();
		const fresh = page.getByRole('dialog', { name: 'New agreement' });
		await fresh.waitFor();
		expect(await fresh.getByLabel('Statement').inputValue()).toBe('');
		await recordAgreement(fresh, { statement: bare });
		await registerEntry(page, bare).getByText('No buyer evidence yet').waitFor();
		await register.getByText('0 of 1 agreement has buyer evidence').waitFor();

		// 2. Evidence added afterwards: the marker goes.
		await registerEntry(page, bare)
			.getByRole('button', { name: 'Add evidence', exact: true })
			.click();
		const form = registerEntry(page, bare).locator('form');
		await form.getByLabel('Kind').selectOption({ label: 'Conversion figure' });
		await form.getByLabel('Evidence', { exact: true }).fill('Only 12% of MQLs became SQLs in Q2');
		await form.getByLabel('Source').fill('CRM funnel report');
		await form.getByRole('button', { name: 'Save evidence' }).click();
		await registerEntry(page, bare).getByText('Only 12% of MQLs became SQLs in Q2').waitFor();
		await registerEntry(page, bare)
			.getByText('No buyer evidence yet')
			.waitFor({ state: 'detached' });
		await register.getByText('1 of 1 agreement has buyer evidence').waitFor();

		// 3. A refusal: the server's own words, next to the form, which keeps every value.
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
		expect(await register.locator('li.entry').count()).toBe(1);
		await saveScreenshot(page, 'agreements-1-refused');
		// Corrected, it is recorded with its evidence.
		await recordAgreement(fresh, { dueDate: '2027-02-28' });
		await registerEntry(page, refused).getByText('“We waited three days for a call.”').waitFor();
		await register.getByText('2 of 2 agreements have buyer evidence').waitFor();

		// 4. Put to a vote from the register, with the keyboard: the poll opens, and the
		// agreement is not offered for a second vote while it runs.
		await registerEntry(page, bare)
			.getByRole('button', { name: 'Put to a vote', exact: true })
			.focus();
		await page.keyboard.press('Enter');
		const panel = page.getByTestId('polls-panel');
		await panel.locator('[data-status="open"]').getByText(bare).waitFor();
		await registerEntry(page, bare)
			.getByRole('button', { name: 'Put to a vote', exact: true })
			.waitFor({ state: 'detached' });
		await panel.getByTestId('poll-turnout').getByText('0 of 0 have voted').waitFor();
		await saveScreenshot(page, 'agreements-2-register');

		// Every control in the console is named by the words on it.
		await expectControlsNamedByTheirWords(page, 'main button');
	});
});
