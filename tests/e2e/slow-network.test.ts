/**
 * A phone on conference Wi-Fi shows the server-rendered page long before its script arrives,
 * and people start typing. What they typed must survive the script taking over the page
 * (hydration), on the join page and on the facilitator's sign-up.
 */
import type { Browser, BrowserContext, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, shouldRunBrowserTests } from '../support/browser';
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
	async function openWithScriptsHeld(path: string) {
		const context = await browser.newContext({
			baseURL: suite.server.url,
			viewport: { width: 360, height: 780 }
		});
		contexts.push(context);
		const held: Route[] = [];
		let release = false;
		await context.route('**/_app/immutable/**', (route) => {
			if (release) return route.continue();
			held.push(route);
		});
		const page = await context.newPage();
		// Not 'domcontentloaded': that waits for the module scripts held here.
		await page.goto(path, { waitUntil: 'commit' });
		await page.locator('form').first().waitFor();
		return {
			page,
			letScriptsIn: async () => {
				release = true;
				for (const route of held.splice(0)) await route.continue();
				await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
			}
		};
	}

	test('the join code and the sign-up fields keep what was typed', async () => {
		const join = await openWithScriptsHeld('/join');
		await join.page.getByLabel('Code shown on the screen').fill('AB3K7X');
		await join.letScriptsIn();
		expect(await join.page.getByLabel('Code shown on the screen').inputValue()).toBe('AB3K7X');

		const signup = await openWithScriptsHeld('/signup');
		await signup.page.getByLabel('Your name').fill('Fran Facilitator');
		await signup.page.getByLabel('Email').fill('fran@example.com');
		await signup.letScriptsIn();
		expect(await signup.page.getByLabel('Your name').inputValue()).toBe('Fran Facilitator');
		expect(await signup.page.getByLabel('Email').inputValue()).toBe('fran@example.com');
	});
});
