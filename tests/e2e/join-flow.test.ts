import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, shouldRunBrowserTests, saveScreenshot } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { startServer, type RunningServer } from '../support/server';

describe.runIf(shouldRunBrowserTests)('in a real browser', () => {
	let database: TestDatabase;
	let server: RunningServer;
	let browser: Browser;

	beforeAll(async () => {
		database = await createTestDatabase('pglite');
		server = await startServer(database);
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await database?.drop();
	});

	test('sign up, create a workshop, and a phone joins by code and appears in the waiting room', async () => {
		const facilitatorContext = await browser.newContext({ baseURL: server.url });
		const facilitator = await facilitatorContext.newPage();
		// The Content-Security-Policy must not refuse anything the app's own pages do.
		const refused: string[] = [];
		const watch = (page: typeof facilitator) =>
			page.on('console', (message) => {
				if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
			});
		watch(facilitator);

		// A fresh install leads straight to creating the first facilitator account.
		await facilitator.goto('/');
		await facilitator.getByRole('heading', { name: 'Welcome to Common Ground' }).waitFor();
		// Bad input first: the form says what is wrong and keeps what was typed.
		await facilitator.getByLabel('Your name').fill('Fran Facilitator');
		await facilitator.getByLabel('Email').fill('fran@example.com');
		await facilitator.getByLabel('Password').fill('short');
		await facilitator.getByRole('button', { name: 'Create account' }).click();
		await facilitator.getByText('Use at least 10 characters for the password.').waitFor();
		expect(await facilitator.getByLabel('Email').inputValue()).toBe('fran@example.com');
		await facilitator.getByLabel('Password').fill('a long enough password');
		await facilitator.getByRole('button', { name: 'Create account' }).click();

		await facilitator.getByRole('heading', { name: 'Your workshops' }).waitFor();
		await facilitator.getByRole('link', { name: 'New workshop' }).click();
		await facilitator.getByLabel('Title').fill('Q3 Sales & Marketing Alignment');
		await facilitator.getByLabel('Client organisation').fill('Northwind Analytics');
		await facilitator.getByRole('button', { name: 'Create workshop' }).click();
		const code = (await facilitator.getByTestId('join-code').innerText()).trim();
		expect(code).toMatch(/^[A-Z0-9]{6}$/);
		await saveScreenshot(facilitator, '1-facilitator-workshop');

		const phoneContext = await browser.newContext({
			baseURL: server.url,
			viewport: { width: 390, height: 844 },
			isMobile: true,
			hasTouch: true
		});
		const phone = await phoneContext.newPage();
		watch(phone);
		await phone.goto('/join');
		await phone.getByLabel('Code shown on the screen').fill(code.toLowerCase());
		await phone.getByRole('button', { name: 'Continue' }).click();
		await phone.getByRole('heading', { name: 'Q3 Sales & Marketing Alignment' }).waitFor();
		// Joining without a team is refused with a message next to the choice.
		await phone.getByLabel('Your name, as others will see it').fill('Sam from Sales');
		await phone.getByRole('button', { name: 'Join' }).click();
		await phone.getByText('Pick your team.').waitFor();
		await phone.getByLabel('Sales').check();
		await phone.getByRole('button', { name: 'Join' }).click();
		await phone.getByTestId('me').filter({ hasText: 'Sam from Sales' }).waitFor();
		await phone.getByTestId('present').getByText('Sam from Sales').waitFor();
		await saveScreenshot(phone, '2-participant-waiting-room');

		// The facilitator's list of who is here picks the participant up without a reload.
		await facilitator
			.getByTestId('participants-Sales')
			.getByText('Sam from Sales')
			.waitFor({ timeout: 20_000 });
		await saveScreenshot(facilitator, '3-facilitator-sees-participant');

		// Returning on the same phone resumes instead of joining twice.
		await phone.goto(`/j/${code}`);
		await phone.getByTestId('me').waitFor();
		expect(new URL(phone.url()).pathname).toMatch(/^\/w\//);
		expect(refused).toEqual([]);

		await phoneContext.close();
		await facilitatorContext.close();
	});
});
