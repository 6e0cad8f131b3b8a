/**
 * An anonymous consent vote in real browsers: the facilitator puts an agreement to a vote from
 * the register, two phones (one per team) vote while four more people vote from their own
 * devices over HTTP, one phone changes its vote, everyone sees the turnout live, and once the
 * facilitator closes and reveals, phones, console and projector show the same result and the
 * agreement is adopted. The facilitator's console never offers a ballot.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests, saveScreenshot } from '../support/browser';
import type { Client } from '../support/http';
import { serverForSuite } from '../support/suite';
import { Voter } from '../support/voting';

describe.runIf(shouldRunBrowserTests)('an anonymous consent vote in the browser', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	let workshop: FacilitatorWithWorkshop;
	const contexts: BrowserContext[] = [];

	beforeAll(async () => {
		browser = await launchChromium();
		workshop = await facilitatorWithWorkshop(suite.server.url);
	});
	afterAll(async () => {
		for (const context of contexts) await context.close();
		await browser?.close();
	});

	async function open(client: Client, path: string, viewport: { width: number; height: number }) {
		const url = suite.server.url;
		const context = await browser.newContext({ baseURL: url, viewport });
		contexts.push(context);
		await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url })));
		const page = await context.newPage();
		await page.goto(path);
		return page;
	}

	test('put to a vote, cast and changed on phones, revealed everywhere, agreement adopted', async () => {
		const url = suite.server.url;
		const id = workshop.workshopId;
		const phone = { width: 360, height: 780 };
		const statement = 'An MQL is a lead scored 60 or more with a verified business email.';
		const recorded = await workshop.facilitator.json('POST', `/api/workshops/${id}/agreements`, {
			statement
		});
		expect(recorded.status).toBe(201);
		const moved = await workshop.facilitator.json('POST', `/api/workshops/${id}/live`, {
			action: 'goTo',
			stageKey: 'shared-terms'
		});
		expect(moved.status).toBeLessThan(300);

		const samClient = await joinAs(url, workshop.joinCode, workshop.teams.Sales!, 'Sam');
		const miaClient = await joinAs(url, workshop.joinCode, workshop.teams.Marketing!, 'Mia');
		const others: Voter[] = [];
		for (const [team, name] of [
			['Sales', 'Sol'],
			['Sales', 'Sky'],
			['Marketing', 'Max'],
			['Marketing', 'Mo']
		] as const) {
			others.push(
				new Voter(await joinAs(url, workshop.joinCode, workshop.teams[team]!, name), id, name)
			);
		}

		const console_ = await open(workshop.facilitator, `/workshops/${id}/run`, {
			width: 1440,
			height: 900
		});
		const projector = await open(workshop.facilitator, `/workshops/${id}/projector`, {
			width: 1920,
			height: 1080
		});
		const sam = await open(samClient, `/w/${id}`, phone);
		const mia = await open(miaClient, `/w/${id}`, phone);
		for (const page of [console_, sam, mia]) {
			await page.locator('[data-testid="connection-status"][data-status="live"]').first().waitFor();
		}

		// The facilitator puts the agreement to a vote from the register (by keyboard).
		const entry = console_.getByTestId('register').locator('li.entry', { hasText: statement });
		await entry.getByRole('button', { name: 'Put to a vote', exact: true }).focus();
		await console_.keyboard.press('Enter');
		const panel = console_.getByTestId('polls-panel');
		await panel.locator('[data-status="open"]').waitFor();
		// The console runs the vote; it has no ballot.
		expect(await console_.getByTestId('ballot').count()).toBe(0);

		// Both phones get the ballot; Sam objects with a reason, Mia can live with it.
		const samBallot = sam.getByTestId('ballot');
		await samBallot.waitFor();
		await sam.getByRole('radio', { name: 'Object' }).check();
		await sam.getByLabel(/Reason/).fill('Sixty is too low: our reps drown in junk.');
		await sam.getByRole('button', { name: 'Cast my vote' }).click();
		await sam.getByTestId('ballot-cast').getByText('You voted: Object').waitFor();

		await mia.getByTestId('ballot').waitFor();
		await mia.getByRole('radio', { name: 'Can live with it' }).check();
		await mia.getByRole('button', { name: 'Cast my vote' }).click();
		await mia.getByTestId('ballot-cast').waitFor();

		// Turnout is live on every screen; what anyone chose is not.
		await console_.getByTestId('poll-turnout').getByText('2 of 6 have voted').waitFor();
		await projector.getByTestId('projector-poll').getByText('2 of 6 have voted').waitFor();
		const pollId = String(
			(
				(await workshop.facilitator.json('GET', `/api/workshops/${id}/polls`)).body.polls as {
					id: string;
				}[]
			)[0]!.id
		);
		for (const voter of others) expect((await voter.vote(pollId, 'agree')).status).toBe(201);
		await sam.getByTestId('poll-turnout').getByText('6 of 6 have voted').waitFor();
		expect(await sam.getByTestId('poll-result').count()).toBe(0);
		await saveScreenshot(sam, 'vote-phone-ballot');
		await saveScreenshot(projector, 'vote-projector-turnout');

		// Sam changes his mind before the close: the same device's key changes the same ballot.
		await sam.getByRole('radio', { name: 'Agree' }).check();
		await sam.getByLabel(/Reason/).fill('');
		await sam.getByRole('button', { name: 'Change my vote' }).click();
		await sam
			.getByTestId('ballot-cast')
			.getByText('Your vote is changed. You voted: Agree')
			.waitFor();
		await sam.getByTestId('poll-turnout').getByText('6 of 6 have voted').waitFor();

		await panel.getByRole('button', { name: 'Close voting' }).click();
		await sam.getByText('The votes are being counted.').waitFor();
		await panel.getByRole('button', { name: 'Reveal result' }).click();

		for (const page of [sam, mia, console_, projector]) {
			await page
				.getByTestId('poll-outcome')
				.getByText('Adopted: passed by double majority')
				.waitFor();
		}
		const result = sam.getByTestId('poll-result');
		// 6 voters, 3 per team: both teams are shown; the reason Sam took back is gone.
		await result.getByText('6 people voted').waitFor();
		expect(await result.getByText('Sixty is too low').count()).toBe(0);
		expect(await result.locator('table.teams tbody tr').count()).toBe(2);
		await console_
			.getByTestId('register')
			.locator('li.entry', { hasText: statement })
			.getByTestId('agreement-status')
			.getByText('Adopted')
			.waitFor();
		await saveScreenshot(sam, 'vote-phone-result');
		await saveScreenshot(projector, 'vote-projector-result');
		await saveScreenshot(console_, 'vote-console');

		// A dot vote drafted in the console ranks the barriers; the barriers stage shows the top ones.
		const barriers: Record<string, string> = {};
		for (const text of [
			'Comp plan pays on bookings',
			'No shared lead status',
			'MQLs arrive at 5 pm'
		]) {
			const added = await workshop.facilitator.json(
				'POST',
				`/api/workshops/${id}/stages/barriers/cards`,
				{
					type: 'barrier',
					text,
					category: 'process'
				}
			);
			expect(added.status).toBe(201);
			barriers[text] = String(added.body.id);
		}
		await workshop.facilitator.json('POST', `/api/workshops/${id}/live`, {
			action: 'goTo',
			stageKey: 'barriers'
		});
		await panel.getByRole('button', { name: 'New poll' }).click();
		const form = panel.getByTestId('poll-form');
		await form.getByLabel('Kind of poll').selectOption('dot');
		await form.getByLabel('Question').fill('Which barriers hurt the shared goal most?');
		await form.getByLabel('Cards from stage').selectOption('barriers');
		await form.getByLabel('Dots per person').fill('3');
		await form.getByLabel('Most dots on one card').fill('2');
		await form.getByRole('button', { name: 'Save draft' }).click();
		await panel
			.locator('[data-status="draft"]')
			.getByRole('button', { name: 'Open voting' })
			.click();

		await sam.getByTestId('dots-left').getByText('3 of 3 dots left').waitFor();
		await sam.getByRole('button', { name: 'One dot more on No shared lead status' }).click();
		await sam.getByRole('button', { name: 'One dot more on No shared lead status' }).click();
		await sam.getByRole('button', { name: 'One dot more on MQLs arrive at 5 pm' }).click();
		await sam.getByTestId('dots-left').getByText('0 of 3 dots left').waitFor();
		await sam.getByRole('button', { name: 'Cast my vote' }).click();
		await sam.getByTestId('ballot-cast').waitFor();
		const dotPollId = String(
			(
				(await workshop.facilitator.json('GET', `/api/workshops/${id}/polls`)).body.polls as {
					id: string;
					kind: string;
				}[]
			).find((p) => p.kind === 'dot')!.id
		);
		for (const voter of others) {
			expect(
				(
					await voter.vote(dotPollId, {
						[barriers['No shared lead status']!]: 1,
						[barriers['Comp plan pays on bookings']!]: 1
					})
				).status
			).toBe(201);
		}
		await panel
			.locator('[data-status="open"]')
			.getByRole('button', { name: 'Close voting' })
			.click();
		await panel
			.locator('[data-status="closed"]')
			.getByRole('button', { name: 'Reveal result' })
			.click();
		const top = sam.getByTestId('top-barriers').getByTestId('top-barrier');
		await top.first().getByText('No shared lead status').waitFor();
		expect(await top.count()).toBe(3);
		await saveScreenshot(sam, 'vote-phone-top-barriers');
	});
});
