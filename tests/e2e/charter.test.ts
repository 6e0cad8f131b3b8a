/**
 * The charter in real browsers, with named actors in separate contexts: the facilitator
 * invites two leaders and publishes; Dana (CMO) requests a change; the facilitator rewords the
 * clause and publishes version 2; Dana and Vic (VP Sales, from the keyboard alone) sign it.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { workshopWithCharterContent, type CharterWorkshop } from '../factories/charter';
import {
	launchChromium,
	shouldRunBrowserTests,
	saveScreenshot,
	SCREENSHOTS
} from '../support/browser';
import { serverForSuite } from '../support/suite';

/** Every button and link in the page's main content is named by its visible words. */
async function expectControlsNamedByTheirWords(page: Page) {
	const controls = page.locator('main button, main a[href], main summary');
	for (const control of await controls.all()) {
		if (!(await control.isVisible())) continue;
		const words = (await control.innerText()).trim().replace(/\s+/g, ' ');
		const tag = await control.evaluate((el) => el.tagName);
		const role = tag === 'A' ? 'link' : 'button';
		if (tag === 'SUMMARY') continue;
		expect(
			await page.getByRole(role, { name: words, exact: true }).count(),
			`${role} “${words}”`
		).toBeGreaterThan(0);
	}
}

describe.runIf(shouldRunBrowserTests)('publishing, reviewing and signing a charter', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	let ws: CharterWorkshop;
	const contexts: BrowserContext[] = [];

	async function contextFor(cookies: Map<string, string> = new Map()) {
		const context = await browser.newContext({
			baseURL: suite.server.url,
			viewport: { width: 1280, height: 900 }
		});
		await context.addCookies(
			[...cookies].map(([name, value]) => ({ name, value, url: suite.server.url }))
		);
		contexts.push(context);
		return context;
	}

	beforeAll(async () => {
		browser = await launchChromium();
		ws = await workshopWithCharterContent(suite.server.url);
	});
	afterAll(async () => {
		for (const context of contexts) await context.close();
		await browser?.close();
	});

	test('a change requested on version 1 is made in version 2, which both leaders sign', async () => {
		const facilitator = await (await contextFor(ws.facilitator.cookies)).newPage();
		await facilitator.goto(ws.charterPath);
		await facilitator.getByRole('heading', { name: 'Charter', exact: true }).waitFor();

		// The shared goal, which no board holds, is written into the draft.
		await facilitator
			.getByLabel('New clause in “Purpose and shared goal”')
			.fill('Grow marketing-sourced pipeline to 40% of new bookings by Q4, together.');
		await facilitator
			.locator('[data-section="purpose"]')
			.getByRole('button', { name: 'Add clause' })
			.click();
		await facilitator.locator('[data-section="purpose"] li.clause textarea').first().waitFor();

		// Two leaders, each with a personal link shown once.
		const links: Record<string, string> = {};
		for (const [name, title, email] of [
			['Dana Diaz', 'CMO', 'dana@acme.test'],
			['Vic Vance', 'VP Sales', 'vic@acme.test']
		] as const) {
			const form = facilitator.locator('form[action="?/invite"]');
			await form.getByLabel('Name', { exact: true }).fill(name);
			await form.getByLabel('Title', { exact: true }).fill(title);
			await form.getByLabel('Email', { exact: true }).fill(email);
			await form.getByRole('button', { name: 'Invite leader' }).click();
			const link = facilitator.getByLabel(`Personal link for ${name}`);
			await link.waitFor();
			links[name] = await link.inputValue();
		}
		await facilitator.getByRole('button', { name: 'Publish version 1' }).click();
		await facilitator.getByRole('status').filter({ hasText: 'Version 1 published' }).waitFor();
		await expectControlsNamedByTheirWords(facilitator);

		// Dana reads version 1 and asks for a change.
		const dana = await (await contextFor()).newPage();
		await dana.goto(links['Dana Diaz']!);
		await dana.waitForURL(`**/charters/${ws.workshopId}`);
		await dana.getByRole('heading', { level: 1, name: /Alignment Charter/ }).waitFor();
		expect(await dana.getByTestId('charter-status').innerText()).toBe('In review');
		await saveScreenshot(dana, 'charter-1-leader-reads-v1');
		await expectControlsNamedByTheirWords(dana);
		await dana
			.getByLabel('What should change, and why')
			.fill('Say business hours: a Friday-evening MQL cannot wait until Monday noon.');
		await dana.getByRole('button', { name: 'Request changes' }).click();
		await dana
			.getByRole('status')
			.filter({ hasText: 'Your request for changes was sent to the facilitator.' })
			.waitFor();
		// She can follow the workshop itself, live and read-only.
		await dana.getByRole('link', { name: 'The workshop, live' }).click();
		await dana.getByText('Following the workshop live, read-only.').waitFor();
		await dana
			.getByRole('listitem')
			.filter({ hasText: 'Marketing and sales share one pipeline dashboard.' })
			.waitFor();

		// The facilitator sees it, rewords the clause and publishes version 2.
		await facilitator.reload();
		await facilitator.getByText('Say business hours: a Friday-evening MQL').waitFor();
		expect(await facilitator.getByTestId('charter-status').innerText()).toBe('Changes requested');
		const clause = facilitator
			.locator('[data-section="agreements"] li.clause')
			.filter({ hasText: 'Tom Becker' });
		await clause.getByLabel('Wording').fill('Sales follows up every MQL within 24 business hours.');
		await clause.getByRole('button', { name: 'Save wording' }).click();
		await facilitator.getByRole('button', { name: 'Publish version 2' }).waitFor();
		await facilitator.getByRole('button', { name: 'Publish version 2' }).click();
		await facilitator.getByRole('status').filter({ hasText: 'Version 2 published' }).waitFor();
		await saveScreenshot(facilitator, 'charter-2-facilitator-after-v2');

		// Dana signs version 2 with the mouse.
		await dana.goto(`/charters/${ws.workshopId}`);
		await dana.getByText('Sales follows up every MQL within 24 business hours.').first().waitFor();
		const v2Hash = await dana.getByTestId('charter-hash').innerText();
		await dana.getByLabel('Your full name').fill('Dana Diaz');
		await dana.getByLabel('Your title').fill('Chief Marketing Officer');
		await dana.getByRole('button', { name: 'Sign version 2' }).click();
		// Without the consent box ticked nothing is signed, and the page says why.
		await dana.getByRole('alert').filter({ hasText: 'Tick the box' }).waitFor();
		await dana.getByLabel('Your full name').fill('Dana Diaz');
		await dana.getByRole('checkbox', { name: /I agree to it/ }).check();
		await dana.getByRole('button', { name: 'Sign version 2' }).click();
		await dana.getByText('You have signed version 2.').waitFor();

		// Vic signs from the keyboard alone.
		const vic = await (await contextFor()).newPage();
		await vic.goto(links['Vic Vance']!);
		await vic.waitForURL(`**/charters/${ws.workshopId}`);
		expect(await vic.getByTestId('charter-hash').innerText()).toBe(v2Hash);
		await vic.getByLabel('Your full name').focus();
		await vic.keyboard.type('Vic Vance');
		await vic.keyboard.press('Tab');
		await vic.keyboard.press('ControlOrMeta+A');
		await vic.keyboard.type('VP Sales');
		await vic.keyboard.press('Tab');
		await vic.keyboard.press('Space');
		expect(await vic.getByRole('checkbox', { name: /I agree to it/ }).isChecked()).toBe(true);
		await vic.keyboard.press('Tab');
		expect(await vic.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
			'Sign version 2'
		);
		await vic.keyboard.press('Enter');
		await vic.getByText('You have signed version 2.').waitFor();
		await saveScreenshot(vic, 'charter-3-signed');
		await vic.getByRole('link', { name: 'Your charters' }).click();
		await vic.getByRole('heading', { name: 'Your charters' }).waitFor();
		const overview = await vic.getByTestId('overview-charter').innerText();
		expect(overview).toContain('Signed');
		expect(overview).toContain('Signed by Dana Diaz, CMO; Vic Vance, VP Sales');
		await saveScreenshot(vic, 'charter-5-overview');

		await facilitator.reload();
		expect(await facilitator.getByTestId('charter-status').innerText()).toBe('Signed');

		// The public verification page lists both signatures against the same fingerprint.
		const verifier = await (await contextFor()).newPage();
		const verifyUrl = await dana.getByRole('link', { name: /^Verify at / }).getAttribute('href');
		await verifier.goto(verifyUrl!);
		await verifier.getByRole('heading', { name: 'The text is intact' }).waitFor();
		const signatures = await verifier.getByTestId('verify-signatures').innerText();
		expect(signatures).toContain('signed as Dana Diaz, Chief Marketing Officer');
		expect(signatures).toContain('signed as Vic Vance, VP Sales');
		await saveScreenshot(verifier, 'charter-4-verification');

		// The signed PDF, kept next to the screenshots for a person to look at.
		const pdfLink = await dana.getByRole('link', { name: 'Download PDF' }).getAttribute('href');
		const pdf = await dana.request.get(pdfLink!);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		fs.writeFileSync(`${SCREENSHOTS}/charter-v2.pdf`, await pdf.body());
	});
});
