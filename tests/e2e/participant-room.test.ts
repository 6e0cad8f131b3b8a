/**
 * The participant's live room on two phones, one per team, in separate browser contexts: the
 * generic board carries an empathy card from one team to the other and its verdict back, a
 * private round stays within each team until the reveal, barriers are grouped and given a
 * remedy, the journey is a flow diagram the teams keep up to date, and a participant moved to
 * another team follows at once, and after a reveal a phone that did not vote reads the public
 * list of ballots as a voter's does. Joining by code and votes are the whole-workshop scenario's
 * (whole-workshop.test.ts); Shared terms, the lock and the timer the live-workshop scenario's
 * (live-workshop.test.ts).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests, saveScreenshot } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import {
	addCard,
	castChoice,
	LARGE_PHONE,
	openAs,
	phoneContext,
	phoneProblems
} from '../support/room';
import { controlPoll, createPoll, Voter } from '../support/voting';
import { startServer, type RunningServer } from '../support/server';

describe.runIf(shouldRunBrowserTests)('the participant room on two phones', () => {
	let database: TestDatabase;
	let server: RunningServer;
	let browser: Browser;
	let ws: FacilitatorWithWorkshop;
	const contexts: BrowserContext[] = [];
	let sam: Page;
	let mia: Page;

	const live = (body: unknown) =>
		ws.facilitator.json('POST', `/api/workshops/${ws.workshopId}/live`, body);
	const control = (stageKey: string, action: string) =>
		ws.facilitator.json('POST', `/api/workshops/${ws.workshopId}/stages/${stageKey}`, {
			action
		});

	/** A phone of a participant who joined the workshop's team `teamName`. */
	async function phoneOf(teamName: string, displayName: string): Promise<Page> {
		const client = await joinAs(server.url, ws.joinCode, ws.teams[teamName]!, displayName);
		const page = await openAs(browser, server.url, client, `/w/${ws.workshopId}`, phoneContext());
		contexts.push(page.context());
		return page;
	}

	const status = (page: Page) => page.getByTestId('connection-status');

	beforeAll(async () => {
		database = await createTestDatabase('pglite');
		server = await startServer(database);
		browser = await launchChromium();
		ws = await facilitatorWithWorkshop(server.url);
		[sam, mia] = await Promise.all([phoneOf('Sales', 'Sam'), phoneOf('Marketing', 'Mia')]);
	});
	afterAll(async () => {
		for (const context of contexts) await context.close();
		await browser?.close();
		await server?.stop();
		await database?.drop();
	});

	test('an empathy card about Marketing reaches Mia, who corrects it; Sam sees the correction', async () => {
		expect((await live({ action: 'goTo', stageKey: 'focus-value' })).status).toBe(200);
		for (const phone of [sam, mia]) {
			await phone.getByTestId('current-stage-title').getByText('Focus & value').waitFor();
		}

		await addCard(sam, 'Add their goal', {
			'A goal of the other team, as you see it': 'More leads, any leads'
		});

		const miaCard = mia
			.getByTestId('group-empathy-goal')
			.getByTestId('card')
			.filter({ hasText: 'More leads, any leads' });
		await miaCard.getByText('Sales').first().waitFor();
		// Marketing may judge it, not delete it; Sam may delete it, not judge it.
		expect(await miaCard.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
		await miaCard.getByRole('button', { name: 'Inaccurate' }).click();
		await miaCard.getByLabel('Correction').fill('Leads that convert, not volume');
		await miaCard.getByRole('button', { name: 'Save correction' }).click();

		const samCard = sam.getByTestId('card').filter({ hasText: 'More leads, any leads' });
		await samCard.getByText('Leads that convert, not volume').waitFor();
		expect(await samCard.getByRole('button', { name: 'Inaccurate' }).count()).toBe(0);
		await saveScreenshot(sam, 'participant-sales-focus-value', { firstScreen: true });
		expect(await phoneProblems(mia)).toEqual([]);

		// From the keyboard alone: open the form, type, tab to "Add", press Enter.
		// Sent empty first: refused on the phone, in words, and the text area has the focus again.
		await sam.getByRole('button', { name: 'Add a need' }).focus();
		await sam.keyboard.press('Enter');
		await sam.keyboard.press('Tab');
		await sam.keyboard.press('Enter');
		await sam.getByRole('alert').getByText('A card needs some text.').waitFor();
		expect(await sam.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
		await sam.keyboard.type('Leads with the campaign they came from');
		await sam.keyboard.press('Tab');
		await sam.keyboard.press('Enter');
		await mia
			.getByTestId('group-need')
			.getByText('Leads with the campaign they came from')
			.waitFor();
		// Focus returns to the button that opened the form.
		expect(
			await sam
				.getByRole('button', { name: 'Add a need' })
				.evaluate((e) => e === document.activeElement)
		).toBe(true);

		// Text is shown as text: markup in a card never becomes HTML.
		await addCard(sam, 'Add a focus', {
			'What your team is focused on': '<b>Pipeline</b> & <i>win rate</i>'
		});
		await mia.getByText('<b>Pipeline</b> & <i>win rate</i>').waitFor();
		expect(await mia.locator('[data-testid="card"] b').count()).toBe(0);

		// Sam deletes his team's card; it goes from both phones.
		await sam
			.getByTestId('card')
			.filter({ hasText: 'Pipeline' })
			.getByRole('button', { name: /^Delete/ })
			.click();
		await mia.getByText('<b>Pipeline</b> & <i>win rate</i>').waitFor({ state: 'detached' });
	});

	test('in a private round each team sees only its own cards until the facilitator reveals them', async () => {
		expect((await live({ action: 'goTo', stageKey: 'barriers' })).status).toBe(200);
		expect((await control('barriers', 'startPrivate')).status).toBe(200);
		for (const phone of [sam, mia]) {
			await phone.getByTestId('private-notice').waitFor();
			await status(phone).and(phone.locator('[data-status="live"]')).waitFor();
		}

		await addCard(
			mia,
			'Add a barrier',
			{ Barrier: 'Week 13 we sell boxes on price' },
			{ Category: 'Incentives & compensation' }
		);
		const miaCard = mia.getByTestId('card').filter({ hasText: 'Week 13 we sell boxes on price' });
		await miaCard.getByText('Only your team sees this').waitFor();
		await miaCard.getByText('Incentives & compensation').waitFor();

		await addCard(sam, 'Add a barrier', { Barrier: 'Leads arrive without context' });
		await sam.getByTestId('card').filter({ hasText: 'Leads arrive without context' }).waitFor();
		// Sam's phone never received Marketing's private board.
		expect(await sam.getByText('Week 13 we sell boxes on price').count()).toBe(0);
		expect(await mia.getByText('Leads arrive without context').count()).toBe(0);

		expect((await control('barriers', 'reveal')).status).toBe(200);
		await sam.getByTestId('card').filter({ hasText: 'Week 13 we sell boxes on price' }).waitFor();
		await mia.getByTestId('card').filter({ hasText: 'Leads arrive without context' }).waitFor();
		await mia.getByTestId('private-notice').waitFor({ state: 'detached' });
		expect(await mia.getByText('Only your team sees this').count()).toBe(0);
		// The facilitator spotlights a card: every phone shows it above the board.
		const spotlit = await live({
			action: 'spotlight',
			stageKey: 'barriers',
			itemId: null,
			text: 'Week 13 we sell boxes on price',
			teamId: ws.teams.Marketing
		});
		expect(spotlit.status).toBe(200);
		for (const phone of [sam, mia]) {
			await phone.getByTestId('spotlight').getByText('Week 13 we sell boxes on price').waitFor();
		}
		await saveScreenshot(sam, 'participant-sales-barriers-revealed', { firstScreen: true });

		// Sam puts Marketing's barrier with his own: both phones stack them under one title.
		const samCard = sam.getByTestId('card').filter({ hasText: 'Leads arrive without context' });
		await samCard.getByRole('button', { name: 'Group with…' }).click();
		await samCard.getByLabel('Put with').selectOption({ label: 'Week 13 we sell boxes on price' });
		await samCard.getByRole('button', { name: 'Group', exact: true }).click();
		const miaGroup = mia.getByTestId('barrier-group');
		await miaGroup.getByTestId('group-title').getByText('Week 13 we sell boxes on price').waitFor();
		await miaGroup.getByText('Leads arrive without context').waitFor();
		// Mia names the group and gives it a remedy with an owner.
		await miaGroup.getByRole('button', { name: 'Rename group' }).click();
		await miaGroup.getByLabel('Group title').fill('Pay and hand-off reward volume');
		await miaGroup.getByRole('button', { name: 'Save title' }).click();
		const samGroup = sam.getByTestId('barrier-group');
		await samGroup.getByTestId('group-title').getByText('Pay and hand-off reward volume').waitFor();
		const miaOwn = miaGroup.getByTestId('card').filter({ hasText: 'Week 13' });
		await miaOwn.getByRole('button', { name: 'Add remedy' }).click();
		await miaOwn.getByLabel('Remedy', { exact: true }).fill('Pay on margin from Q3');
		await miaOwn.getByLabel('Owner (a team or a person)').fill('VP Sales');
		await miaOwn.getByRole('button', { name: 'Save remedy' }).click();
		const remedy = samGroup
			.getByTestId('card')
			.filter({ hasText: 'Week 13' })
			.getByTestId('remedy');
		await remedy.getByText('Pay on margin from Q3').waitFor();
		await remedy.getByText('VP Sales').waitFor();
		expect(await phoneProblems(sam)).toEqual([]);
		await saveScreenshot(sam, 'participant-sales-barriers-grouped', { firstScreen: true });
		// Out of the group again: no group is left with one card.
		await samGroup
			.getByTestId('card')
			.filter({ hasText: 'Leads arrive' })
			.getByRole('button', { name: 'Ungroup' })
			.click();
		await mia.getByTestId('barrier-group').waitFor({ state: 'detached' });
	});

	test("the lead's journey is a flow diagram: a team adds a step, moves it, marks it broken, and the owning team sets its SLA", async () => {
		expect((await live({ action: 'goTo', stageKey: 'connections' })).status).toBe(200);
		const samSteps = sam.getByTestId('journey-step');
		await expect.poll(() => samSteps.count()).toBe(7);
		expect(await samSteps.first().innerText()).toContain('First touch');
		expect(await samSteps.last().innerText()).toContain('Back to nurture');

		await addCard(sam, 'Add a step', {
			'What happens': 'SDR calls within the SLA',
			System: 'CRM',
			'SLA (hours)': '4'
		});
		// A new step joins the journey before the return to nurture, which closes the loop.
		const samStep = samSteps.filter({ hasText: 'SDR calls within the SLA' });
		await samStep.waitFor();
		expect(await samSteps.nth(6).innerText()).toContain('SDR calls within the SLA');
		expect(await samSteps.last().innerText()).toContain('Back to nurture');

		// From the keyboard: one place earlier; the focus stays on the button.
		await samStep.getByRole('button', { name: 'Earlier' }).focus();
		await sam.keyboard.press('Enter');
		const miaSteps = mia.getByTestId('journey-step');
		await expect.poll(() => miaSteps.nth(5).innerText()).toContain('SDR calls within the SLA');
		await expect
			.poll(() => sam.evaluate(() => document.activeElement?.textContent?.trim()))
			.toBe('Earlier');

		await samStep.getByRole('button', { name: 'Edit step' }).click();
		await samStep.getByLabel('Broken connection').selectOption('human-by-technology');
		await samStep.getByLabel('What breaks').fill('Routing drops the campaign');
		await samStep.getByRole('button', { name: 'Save' }).click();

		const miaStep = miaSteps.filter({ hasText: 'SDR calls within the SLA' });
		await miaStep
			.getByText('Broken: Human, broken by technology — Routing drops the campaign')
			.waitFor();
		expect(await miaStep.getAttribute('data-broken')).toBe('human-by-technology');
		expect(await miaStep.innerText()).toContain('within 4 hours');
		// The arrow into the step carries its SLA, marked broken.
		await mia.getByTestId('journey-link').filter({ hasText: '⚠ SLA 4 h' }).waitFor();
		// Marketing may read Sales' step, not change it.
		expect(await miaStep.getByRole('button', { name: 'Edit step' }).count()).toBe(0);

		// Marketing owns the scoring step the facilitator wrote down, so Mia sets its SLA.
		const scoring = miaSteps.filter({ hasText: 'Scoring reaches the threshold' });
		await scoring.getByRole('button', { name: 'Edit step' }).click();
		await scoring.getByLabel('SLA (hours)').fill('24');
		await scoring.getByRole('button', { name: 'Save' }).click();
		await sam.getByTestId('journey-link').filter({ hasText: 'SLA 24 h' }).waitFor();
		expect(
			await sam
				.getByTestId('journey-step')
				.filter({ hasText: 'Scoring reaches the threshold' })
				.getByRole('button', { name: 'Edit step' })
				.count()
		).toBe(0);
		expect(await phoneProblems(mia)).toEqual([]);
		await saveScreenshot(mia, 'participant-marketing-connections', { firstScreen: true });
	});

	test('a participant moved to another team sees the new team and writes on its private board, without a reload', async () => {
		expect((await live({ action: 'goTo', stageKey: 'measures' })).status).toBe(200);
		expect((await control('measures', 'startPrivate')).status).toBe(200);
		for (const phone of [sam, mia]) await phone.getByTestId('private-notice').waitFor();
		async function addMeasure(phone: Page, text: string) {
			await addCard(phone, 'Add a measure', { Metric: text });
			await phone.getByTestId('table-measure').getByText(text).waitFor();
		}
		await addMeasure(sam, 'Calls made per SDR');
		await addMeasure(mia, 'Campaign-sourced pipeline');
		expect(await sam.getByText('Campaign-sourced pipeline').count()).toBe(0);
		// Proof that the page is never reloaded: this mark would not survive one.
		await sam.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

		const people = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
		const samId = /Sam[\s\S]*?name="participantId" value="([a-z2-7]+)"/.exec(people)![1]!;
		const moved = await ws.facilitator.action(`/workshops/${ws.workshopId}?/moveParticipant`, {
			participantId: samId,
			teamId: ws.teams.Marketing!
		});
		expect(moved.type).toBe('success');

		await sam.getByTestId('my-team').filter({ hasText: 'Marketing' }).waitFor();
		await sam.getByTestId('team-changed').getByText('Marketing').waitFor();
		// Marketing's private board instead of Sales': Mia's card in, Sales' own out.
		const table = sam.getByTestId('table-measure');
		await table.getByText('Campaign-sourced pipeline').waitFor();
		await table.getByText('Calls made per SDR').waitFor({ state: 'detached' });
		await sam.getByTestId('private-notice').getByText('Marketing').waitFor();
		// Sam writes on Marketing's board now; Mia sees it, written by Marketing.
		expect(await phoneProblems(sam)).toEqual([]);
		await addMeasure(sam, 'Meetings booked from MQLs');
		const row = mia.getByTestId('table-measure').getByRole('row', {
			name: /Meetings booked from MQLs/
		});
		await row.getByText('Only your team sees this').waitFor();
		// Written by Marketing, and owned by Marketing (the new team is the form's default owner).
		expect(await row.locator('td[data-label="Written by"]').innerText()).toBe('Marketing');
		expect(await row.locator('td[data-label="Owner team"]').innerText()).toBe('Marketing');
		expect(await sam.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(
			true
		);
		expect((await control('measures', 'reveal')).status).toBe(200);
		await saveScreenshot(sam, 'participant-moved-to-marketing', { firstScreen: true });
	});

	test('on a 390×844 phone the work starts on the first screen and an unstarted timer says so; the charter’s titles fit their fields', async () => {
		await mia.setViewportSize(LARGE_PHONE);
		expect((await live({ action: 'goTo', stageKey: 'focus-value' })).status).toBe(200);
		await mia.getByTestId('current-stage-title').getByText('Focus & value').waitFor();
		// A new stage's timer waits for the facilitator's Start, and the phone says so.
		await mia.getByTestId('timer-state').getByText('Not started').waitFor();
		// The prompt is short until asked for, so the board starts in the first screen's top half.
		const more = mia.getByRole('button', {
			name: /^(Read the whole prompt|Show less of the prompt)$/
		});
		expect(await more.getAttribute('aria-expanded')).toBe('false');
		const board = (await mia.getByTestId('board').boundingBox())!;
		expect(board.y).toBeLessThanOrEqual(LARGE_PHONE.height / 2);
		await saveScreenshot(mia, 'participant-first-screen-390', { firstScreen: true });
		const prompt = mia.getByTestId('stage-prompt');
		const short = (await prompt.boundingBox())!.height;
		await more.click();
		expect(await more.getAttribute('aria-expanded')).toBe('true');
		await expect.poll(async () => (await prompt.boundingBox())!.height).toBeGreaterThan(short * 2);
		expect(await phoneProblems(mia)).toEqual([]);

		// On the facilitator's charter page, titles are not cut off by their fields.
		const charter = await openAs(
			browser,
			server.url,
			ws.facilitator,
			`/workshops/${ws.workshopId}/charter`
		);
		contexts.push(charter.context());
		await charter.getByRole('heading', { name: 'Draft' }).waitFor();
		const titles = charter
			.getByLabel('Charter title', { exact: true })
			.or(charter.getByLabel('Section title', { exact: true }));
		expect(await titles.count()).toBeGreaterThan(1);
		for (const field of await titles.all()) {
			const fits = await field.evaluate(
				(input) =>
					(input as HTMLInputElement).scrollWidth <= (input as HTMLInputElement).clientWidth
			);
			expect(fits, await field.inputValue()).toBe(true);
		}
	});

	test('after a reveal a phone that did not vote reads the public list of ballots too, so the reading tells no one who voted', async () => {
		const pollId = await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'choice',
			question: 'Which system holds the lead status?',
			options: ['The CRM', 'Marketing automation']
		});
		expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
		await castChoice(sam, 'The CRM');
		// Two more vote from devices of their own, so that the result shows its counts (k = 3).
		for (const name of ['Sol', 'Sky']) {
			const client = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, name);
			const voter = new Voter(client, ws.workshopId, name, ws.teams.Sales!);
			expect((await voter.vote(pollId, 'o2')).status).toBe(201);
		}
		await mia.getByTestId('ballot').waitFor();
		const asked = (page: Page) =>
			page.waitForRequest((request) => request.url().endsWith(`/polls/${pollId}/bulletin`), {
				timeout: 15_000
			});
		const [samAsked, miaAsked] = [asked(sam), asked(mia)];
		for (const step of ['close', 'reveal'] as const) {
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, step)).status).toBe(200);
		}
		await Promise.all([samAsked, miaAsked]);
		await sam
			.getByTestId('ballot-verified')
			.getByText('Your ballot is in the count, as cast')
			.waitFor();
		// Mia's phone holds no ballot of hers to find; it checks the count all the same.
		await mia
			.getByTestId('bulletin-recount')
			.getByText('The 3 ballots on the public list add up to this result.')
			.waitFor();
		expect(await mia.getByTestId('ballot-verified').count()).toBe(0);
	});
});
