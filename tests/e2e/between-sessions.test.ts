/**
 * Between the sessions, in a real browser: pre-work answered on two phones (one per team) days
 * before the room, then the live session where the facilitator reveals it and a phone sees both
 * teams' answers. One server and one workshop are set up in `beforeAll`; later scenarios (a
 * review session months on) belong in this file too.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { facilitatorWithWorkshop, type FacilitatorWithWorkshop } from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { addCookiesOf, bringEveryoneTo, LAPTOP, phoneContext } from '../support/room';
import { startServer, type RunningServer } from '../support/server';

const LOST_DEAL = 'A recent lost deal and why';
const SAM_ANSWER = 'Lost Northwind: the quote took nine days';
const MIA_ANSWER = 'Lost Contoso: they never heard back after the webinar';

describe.runIf(shouldRunBrowserTests)('between the sessions', () => {
	let database: TestDatabase;
	let server: RunningServer;
	let browser: Browser;
	let workshop: FacilitatorWithWorkshop;
	const contexts: BrowserContext[] = [];

	beforeAll(async () => {
		database = await createTestDatabase('pglite');
		// No SMTP: the facilitator shares the pre-work link by hand.
		[server, browser] = await Promise.all([startServer(database), launchChromium()]);
		workshop = await facilitatorWithWorkshop(server.url);
	});
	afterAll(async () => {
		for (const context of contexts) await context.close();
		await browser?.close();
		await server?.stop();
		await database?.drop();
	});

	async function newPage(options: Parameters<Browser['newContext']>[0]): Promise<Page> {
		const context = await browser.newContext({ baseURL: server.url, ...options });
		contexts.push(context);
		return context.newPage();
	}
	const hydrated = (page: Page) => page.locator('body[data-hydrated="true"]').waitFor();

	test('pre-work from two phones, revealed in the live session', async () => {
		const id = workshop.workshopId;

		// Days ahead: the facilitator opens the pre-work with the suggested questions.
		const laptop = await newPage({ viewport: LAPTOP });
		await addCookiesOf(laptop.context(), workshop.facilitator, server.url);
		await laptop.goto(`/workshops/${id}`);
		await laptop.getByRole('link', { name: 'Pre-work' }).click();
		await hydrated(laptop);
		expect(await laptop.getByLabel('Questions for Focus & value (one a line)').inputValue()).toBe(
			LOST_DEAL
		);
		// Without mail, the link is there to copy, and a reminder says why it cannot be mailed.
		// The two are pressed close together and the opening's answer is held back until the
		// reminder's is in: the page still shows the answer to the later press.
		let releaseOpening = () => {};
		const reminderAnswered = new Promise<void>((resolve) => (releaseOpening = resolve));
		const isOpening = (url: URL) => url.search === '?/open';
		await laptop.route(isOpening, async (route) => {
			await reminderAnswered;
			await route.continue();
		});
		await laptop.getByRole('button', { name: 'Open the pre-work' }).click();
		const reminder = laptop.waitForResponse((response) => response.url().endsWith('?/remind'));
		await laptop.getByRole('button', { name: 'Send a reminder' }).click();
		await reminder;
		releaseOpening();
		await laptop
			.getByTestId('prework-status')
			.filter({ hasText: /Status: Open$/ })
			.waitFor();
		await laptop.getByRole('button', { name: 'Save the questions' }).waitFor();
		await laptop.evaluate(() => new Promise((painted) => requestAnimationFrame(painted)));
		expect(
			await laptop.getByRole('alert').filter({ hasText: 'Mail is not configured' }).isVisible()
		).toBe(true);
		await laptop.unroute(isOpening);
		const link = new URL(await laptop.getByTestId('prework-link').innerText());

		// Sam (Sales) and Mia (Marketing) open the link on their phones and answer.
		const answerOn = async (name: string, team: string, text: string) => {
			const phone = await newPage(phoneContext());
			await phone.goto(link.pathname + link.search);
			await phone.getByLabel('Your name, as others will see it').fill(name);
			await phone.getByLabel(team, { exact: true }).check();
			await phone.getByRole('button', { name: 'Join' }).click();
			await phone.getByRole('heading', { name: 'Focus & value' }).waitFor();
			await hydrated(phone);
			await phone.getByRole('textbox', { name: LOST_DEAL }).fill(text);
			await phone.getByRole('button', { name: `Save answer: ${LOST_DEAL}` }).click();
			await phone.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
			return phone;
		};
		const sam = await answerOn('Sam from Sales', 'Sales', SAM_ANSWER);
		const mia = await answerOn('Mia from Marketing', 'Marketing', MIA_ANSWER);

		// The facilitator sees how far each team got, as counts.
		await laptop.reload();
		const completion = laptop.getByTestId('prework-completion');
		expect(await completion.getByRole('row', { name: /Sales/ }).innerText()).toMatch(
			/Sales\s+1\s+0\s+1/
		);
		expect(await completion.innerText()).not.toContain('Sam');

		// The facilitator closes it; Mia's late answer is refused and stays in its box.
		await hydrated(laptop);
		await laptop.getByRole('button', { name: 'Close the pre-work' }).click();
		await laptop
			.getByTestId('prework-status')
			.filter({ hasText: /Status: Closed$/ })
			.waitFor();
		const frustrations = 'Your top three frustrations with the other team';
		const late = 'Typed after it closed';
		await mia.getByRole('textbox', { name: frustrations }).fill(late);
		await mia.getByRole('button', { name: `Save answer: ${frustrations}` }).click();
		await mia.getByRole('alert').filter({ hasText: 'closed the pre-work' }).waitFor();
		expect(await mia.getByRole('textbox', { name: frustrations }).inputValue()).toBe(late);

		// The live session: everyone on Focus & value; each phone sees its own team's answer only.
		await laptop.goto(`/workshops/${id}/run`);
		await laptop.getByTestId('not-started').waitFor();
		await bringEveryoneTo(laptop, 'focus-value', 'Focus & value');
		for (const phone of [sam, mia]) {
			await phone.goto(`/w/${id}`);
			await phone.getByTestId('current-stage-title').getByText('Focus & value').waitFor();
			await phone.locator('[data-testid="connection-status"][data-status="live"]').waitFor();
		}
		await mia.getByText(MIA_ANSWER, { exact: true }).waitFor();
		await sam.getByText(SAM_ANSWER, { exact: true }).waitFor();
		expect(await mia.getByText(SAM_ANSWER, { exact: true }).count()).toBe(0);

		// The facilitator reveals: Mia's phone shows both teams' answers, with the question.
		await laptop.getByRole('button', { name: 'Reveal' }).click();
		await laptop.locator('[data-testid="private-state"][data-private="false"]').waitFor();
		await mia.getByText(SAM_ANSWER, { exact: true }).waitFor();
		await mia.getByText(MIA_ANSWER, { exact: true }).waitFor();
		expect(await mia.getByText(`Pre-work: ${LOST_DEAL}`, { exact: true }).count()).toBe(2);
	});
});
