/**
 * A phone on conference Wi-Fi shows the server-rendered page long before its script arrives,
 * and people start typing. What they typed must survive the script taking over the page
 * (hydration): on the join page and the join link, the facilitator's sign-up and a leader's
 * signing form.
 */
import type { Browser, BrowserContext, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inviteLeader, openLink, workshopWithCharterContent } from '../factories/charter';
import { facilitatorWithWorkshop } from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests } from '../support/browser';
import { Client } from '../support/http';
import { serverForSuite } from '../support/suite';

describe.runIf(shouldRunBrowserTests)('typing before the page’s script has loaded', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	const contexts: BrowserContext[] = [];

	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		for (const context of contexts) await context.close();
		await browser?.close();
	});

	/** Opens `path` with its scripts held back; answers a function that lets them through. */
	async function openWithScriptsHeld(path: string, cookiesOf?: Client) {
		const url = suite.server.url;
		const context = await browser.newContext({
			baseURL: url,
			viewport: { width: 360, height: 780 }
		});
		contexts.push(context);
		if (cookiesOf) {
			await context.addCookies(
				[...cookiesOf.cookies].map(([name, value]) => ({ name, value, url }))
			);
		}
		const held: Route[] = [];
		let release = false;
		await context.route('**/_app/immutable/**/*.js', (route) => {
			if (release) return route.continue();
			held.push(route);
		});
		const page = await context.newPage();
		// Not 'domcontentloaded': that waits for the module scripts held here.
		await page.goto(path, { waitUntil: 'commit' });
		await page.locator('input:visible').first().waitFor();
		return {
			page,
			letScriptsIn: async () => {
				release = true;
				for (const route of held.splice(0)) await route.continue();
				await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
			}
		};
	}

	test('the join code, the join link’s name and team, and the sign-up fields keep what was typed', async () => {
		const join = await openWithScriptsHeld('/join');
		await join.page.getByLabel('Code shown on the screen').fill('AB3K7X');
		await join.letScriptsIn();
		expect(await join.page.getByLabel('Code shown on the screen').inputValue()).toBe('AB3K7X');

		// The join link: a name typed and a team chosen before the script arrived.
		const { joinCode } = await facilitatorWithWorkshop(suite.server.url);
		const team = await openWithScriptsHeld(`/j/${joinCode}`);
		await team.page.getByLabel('Your name, as others will see it').fill('Sam from Sales');
		await team.page.getByLabel('Sales', { exact: true }).check();
		await team.letScriptsIn();
		expect(await team.page.getByLabel('Your name, as others will see it').inputValue()).toBe(
			'Sam from Sales'
		);
		expect(await team.page.getByLabel('Sales', { exact: true }).isChecked()).toBe(true);

		const signup = await openWithScriptsHeld('/signup');
		await signup.page.getByLabel('Your name').fill('Fran Facilitator');
		await signup.page.getByLabel('Email').fill('fran@example.com');
		await signup.letScriptsIn();
		expect(await signup.page.getByLabel('Your name').inputValue()).toBe('Fran Facilitator');
		expect(await signup.page.getByLabel('Email').inputValue()).toBe('fran@example.com');
	});

	test('a leader’s name and title on the signing form keep what was typed', async () => {
		const ws = await workshopWithCharterContent(suite.server.url);
		expect((await ws.act('publish')).type).toBe('success');
		const leader = new Client(suite.server.url);
		await openLink(
			leader,
			await inviteLeader(ws, { name: 'Dana Diaz', title: 'CMO', email: 'dana@example.com' })
		);
		const review = await openWithScriptsHeld(`/charters/${ws.workshopId}`, leader);
		await review.page.getByLabel('Your full name').fill('Dana Diaz');
		await review.page.getByLabel('Your title').fill('Chief Marketing Officer');
		await review.letScriptsIn();
		expect(await review.page.getByLabel('Your full name').inputValue()).toBe('Dana Diaz');
		expect(await review.page.getByLabel('Your title').inputValue()).toBe('Chief Marketing Officer');
	});
});
