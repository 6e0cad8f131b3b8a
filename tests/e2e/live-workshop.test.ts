/**
 * A live workshop in Chromium against the real server, with the steps that need several screens
 * at the same moment: a facilitator (console and projector) and two participants on 360 px
 * phones, one from Sales and one from Marketing, each in a browser context of their own.
 *
 * The facilitator brings everyone to Shared terms from the keyboard and starts the timer, which
 * all three screens show; each participant writes a wording the other sees as it is typed, and
 * both type in the merged wording at once; the facilitator locks the stage and a further edit
 * from a phone does not land in the server's document. Then the journey is drawn as a flow
 * diagram on all three screens. Joining by code, agreements with buyer evidence and the rest of
 * the template are the whole-workshop scenario's (whole-workshop.test.ts). Screenshots of the
 * console, a phone and the projector go to tests/e2e/__screenshots__/.
 */
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TERM_TEXT, listCards, termText } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import { MIN_LEADS } from '../../src/lib/domain/calibration/fields';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests, saveScreenshot } from '../support/browser';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import {
	addCookiesOf,
	bringEveryoneTo,
	LAPTOP,
	openAs,
	phoneContext,
	phoneProblems,
	PROJECTOR,
	sidewaysScroll
} from '../support/room';
import { serverForSuite } from '../support/suite';

/** Waits until a textarea's value satisfies `check`, and returns it. */
async function valueOf(locator: Locator, check: (value: string) => boolean): Promise<string> {
	let last = '';
	await expect
		.poll(
			async () => {
				last = await locator.inputValue();
				return check(last);
			},
			{ timeout: 10_000, interval: 50 }
		)
		.toBe(true);
	return last;
}

describe.runIf(shouldRunBrowserTests)('a live workshop, every step in sequence', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	let ws: FacilitatorWithWorkshop;
	const contexts: BrowserContext[] = [];
	const peers: Peer[] = [];

	beforeAll(async () => {
		browser = await launchChromium();
		ws = await facilitatorWithWorkshop(suite.server.url);
	});
	afterAll(async () => {
		for (const peer of peers) peer.destroy();
		for (const context of contexts) await context.close();
		await browser?.close();
	});

	async function newContext(options: Parameters<Browser['newContext']>[0]) {
		const context = await browser.newContext({ baseURL: suite.server.url, ...options });
		contexts.push(context);
		return context;
	}

	test('move to Shared terms, write together live, lock, time; then the journey as a diagram', async () => {
		const url = suite.server.url;
		const id = ws.workshopId;

		// The facilitator's laptop: the console, and the projector opened from it.
		const laptop = await newContext({ viewport: LAPTOP });
		await addCookiesOf(laptop, ws.facilitator, url);
		const console_ = await laptop.newPage();
		await console_.goto(`/workshops/${id}/run`);
		await console_.getByTestId('not-started').waitFor();
		const [projector] = await Promise.all([
			laptop.waitForEvent('page'),
			console_.getByRole('link', { name: 'Projector view' }).click()
		]);
		await projector.setViewportSize(PROJECTOR);

		// 1. Sam and Mia have joined; their phones are in the room.
		const phoneOf = async (team: string, name: string) => {
			const client = await joinAs(url, ws.joinCode, ws.teams[team]!, name);
			const phone = await openAs(browser, url, client, `/w/${id}`, phoneContext());
			contexts.push(phone.context());
			return phone;
		};
		const [sam, mia] = await Promise.all([
			phoneOf('Sales', 'Sam from Sales'),
			phoneOf('Marketing', 'Mia from Marketing')
		]);
		for (const phone of [sam, mia]) {
			await phone.getByTestId('current-stage-title').getByText('Waiting for the start').waitFor();
		}
		await console_.getByTestId('here-Sales').getByText('Sam from Sales').waitFor();
		await console_.getByTestId('here-Marketing').getByText('Mia from Marketing').waitFor();

		// 2. The facilitator moves everyone to Shared terms, from the keyboard; the button goes
		// away with the move, so the focus lands on the stage's heading.
		await console_
			.getByTestId('console-stage-shared-terms')
			.getByRole('button', { name: 'Bring everyone here' })
			.focus();
		await console_.keyboard.press('Enter');
		await console_.getByTestId('current-stage-title').filter({ hasText: 'Shared terms' }).waitFor();
		await console_.waitForFunction(() => document.activeElement?.id === 'current-heading');
		await projector
			.getByTestId('projector-stage-title')
			.filter({ hasText: 'Shared terms' })
			.waitFor();
		for (const phone of [sam, mia]) {
			await phone.getByTestId('current-stage-title').getByText('Shared terms').waitFor();
			await phone.locator('[data-testid="connection-status"][data-status="live"]').waitFor();
		}

		// 3. The timer runs on all three screens, from the stage's 45 minutes.
		await console_.getByRole('button', { name: 'Start' }).click();
		for (const page of [console_, projector, sam, mia]) {
			await page.locator('[data-testid="timer"][data-state="running"]').waitFor();
			expect(await page.getByTestId('timer-figures').innerText()).toMatch(/^4[45]:\d\d$/);
		}
		// +1 min from the keyboard reaches the projector.
		await console_.getByRole('button', { name: '+1 min' }).focus();
		await console_.keyboard.press('Enter');
		await projector.waitForFunction(() =>
			/^45:\d\d$/.test(
				document.querySelector('[data-testid="timer-figures"]')?.textContent?.trim() ?? ''
			)
		);

		// 4. Each writes their team's wording of MQL; the other's phone shows it as typed.
		const samMql = sam.getByTestId('term-mql');
		const miaMql = mia.getByTestId('term-mql');
		await samMql.getByTestId('wording-Sales').pressSequentially('Scored 50+ and asked for a demo');
		await miaMql.getByTestId('wording-Marketing').pressSequentially('Engaged twice in 30 days');
		await miaMql
			.getByTestId('wording-Sales')
			.getByText('Scored 50+ and asked for a demo')
			.waitFor();
		await samMql.getByTestId('wording-Marketing').getByText('Engaged twice in 30 days').waitFor();
		// The other team's wording is shown, not offered for editing.
		expect(await miaMql.getByTestId('wording-Sales').evaluate((e) => e.tagName)).not.toBe(
			'TEXTAREA'
		);
		// Typed values carry their unit.
		await sam
			.getByTestId('term-handoff-sla')
			.getByTestId('term-value')
			.getByText('hours')
			.waitFor();

		// The merged wording: Sam starts it; then both type at once, at different places.
		const samMerged = samMql.getByTestId('merged-wording');
		const miaMerged = miaMql.getByTestId('merged-wording');
		await samMerged.pressSequentially('An MQL is a lead.');
		await valueOf(miaMerged, (v) => v === 'An MQL is a lead.');
		await miaMerged.click();
		await mia.keyboard.press('End');
		await samMerged.evaluate((e: HTMLTextAreaElement) => e.setSelectionRange(6, 6));
		await Promise.all([
			samMerged.pressSequentially(' (Sales: demo asked)'),
			miaMerged.pressSequentially(' Marketing: two visits.')
		]);
		const merged = await valueOf(samMerged, (v) => v.length === 17 + 20 + 23);
		await valueOf(miaMerged, (v) => v === merged);
		expect(merged).toBe('An MQL (Sales: demo asked) is a lead. Marketing: two visits.');
		// The console's live board follows the wordings.
		const consoleMql = console_
			.getByTestId('live-board')
			.locator('li', { has: console_.getByText('MQL', { exact: true }) });
		await consoleMql.getByText('Engaged twice in 30 days').waitFor();

		// "I'm done" counts per team, on the other phone and on the projector.
		await sam.getByRole('button', { name: "I'm done" }).click();
		await mia.getByTestId('done-count').getByText('1 done: Sales 1, Marketing 0').waitFor();
		await projector.getByTestId('projector-done-Sales').filter({ hasText: '1/1 done' }).waitFor();
		expect(await phoneProblems(mia)).toEqual([]);

		// 5. The facilitator locks the stage: every screen says so and the phones turn read-only.
		await console_.getByTestId('lock-toggle').click();
		await console_.locator('[data-testid="lock-state"][data-locked="true"]').waitFor();
		await projector.getByTestId('projector-locked').waitFor();
		for (const phone of [sam, mia]) {
			await phone.getByTestId('locked-notice').waitFor();
			await phone.locator('[data-testid="connection-status"][data-status="read-only"]').waitFor();
		}
		const miaWording = miaMql.getByTestId('wording-Marketing');
		expect(await miaWording.getAttribute('readonly')).not.toBeNull();
		await saveScreenshot(mia, 'live-2-phone-shared-terms-locked', { firstScreen: true });

		// A further edit from Mia's phone (forced past the read-only field) reaches the server,
		// which drops it: the server's own document keeps the wording as it was at the lock.
		await miaWording.evaluate((e) => e.removeAttribute('readonly'));
		await miaWording.click();
		await mia.keyboard.press('End');
		await miaWording.pressSequentially(' AFTER THE LOCK');
		expect(await miaWording.inputValue()).toBe('Engaged twice in 30 days AFTER THE LOCK');
		await waitFor('the server to drop the edit', () =>
			suite.server
				.output()
				.includes(
					`dropped an update from a read-only participant on ${stageDocName(id, 'shared-terms')}`
				)
		);
		const serverCopy = connectPeer(url, ws.facilitator, stageDocName(id, 'shared-terms'));
		peers.push(serverCopy);
		await serverCopy.whenSynced();
		const mql = listCards(serverCopy.doc, 'term').find((c) => c.text === 'MQL')!;
		const wording = (teamId: string) =>
			termText(serverCopy.doc, mql.id, TERM_TEXT.wording(teamId))!.toString();
		expect(wording(ws.teams.Marketing!)).toBe('Engaged twice in 30 days');
		expect(wording(ws.teams.Sales!)).toBe('Scored 50+ and asked for a demo');
		expect(termText(serverCopy.doc, mql.id, TERM_TEXT.merged)!.toString()).toBe(merged);
		// Nor did it reach the other phone.
		expect(await samMql.getByTestId('wording-Marketing').innerText()).toBe(
			'Engaged twice in 30 days'
		);

		await consoleMql.getByText(merged).waitFor();

		// Neither laptop screen scrolls sideways; the phones fit theirs.
		for (const page of [console_, projector]) expect(await sidewaysScroll(page)).toBe(0);
		expect(await phoneProblems(sam)).toEqual([]);
		await saveScreenshot(console_, 'live-1-console-shared-terms');
		await saveScreenshot(projector, 'live-3-projector-shared-terms');

		// 7. The lead's journey: a flow diagram on the console, the phones and the projector.
		await console_
			.getByTestId('console-stage-connections')
			.getByRole('button', { name: 'Bring everyone here' })
			.click();
		for (const page of [console_, sam, mia]) {
			await expect.poll(() => page.getByTestId('journey-step').count()).toBe(7);
		}
		await projector.getByTestId('projector-journey').waitFor();
		await expect.poll(() => projector.getByTestId('journey-step').count()).toBe(7);
		// Sales marks its follow-up step broken and gives it an SLA, from the console here.
		const followUp = console_
			.getByTestId('journey-step')
			.filter({ hasText: 'Follow-up within the SLA' });
		await followUp.getByRole('button', { name: 'Edit step' }).click();
		await followUp.getByLabel('SLA (hours)').fill('4');
		await followUp.getByLabel('Broken connection').selectOption('human');
		await followUp.getByLabel('What breaks').fill('Nobody watches the queue at night');
		await followUp.getByRole('button', { name: 'Save' }).click();
		for (const page of [projector, sam]) {
			const step = page.getByTestId('journey-step').filter({ hasText: 'Follow-up within the SLA' });
			await step.getByText('Broken: Human').waitFor();
			await page.getByTestId('journey-link').filter({ hasText: '⚠ SLA 4 h' }).waitFor();
			// The return to nurture loops back to the first step.
			await page.getByTestId('journey-link').filter({ hasText: 'back to step 1' }).waitFor();
		}
		expect(await phoneProblems(sam)).toEqual([]);
		for (const page of [console_, projector]) expect(await sidewaysScroll(page)).toBe(0);
		await saveScreenshot(console_, 'live-4-console-connections');
		await saveScreenshot(sam, 'live-5-phone-connections');
		await saveScreenshot(projector, 'live-6-projector-connections');
		// The projector shows the whole journey without scrolling.
		expect(
			await projector.evaluate(() => document.documentElement.scrollHeight - window.innerHeight)
		).toBeLessThanOrEqual(0);
	});
	test('calibration: four phones classify ten leads, kappa on the console and the projector, then round 2', async () => {
		const url = suite.server.url;
		// The fewest leads a round takes, half of them budgeted: each phone's clicks are what this
		// scenario spends its time on.
		const LEADS = MIN_LEADS;
		const cal = await facilitatorWithWorkshop(url);
		const id = cal.workshopId;

		// The facilitator prepares the sample on its page: a CSV file with an email column,
		// which the preview says is personal data and proposes to drop.
		const laptop = await newContext({ viewport: LAPTOP });
		await addCookiesOf(laptop, cal.facilitator, url);
		const setup = await laptop.newPage();
		await setup.goto(`/workshops/${id}/calibration/calibration`);
		// The file is read by the page's script: a file chosen before it runs is not seen.
		await setup.locator('body[data-hydrated="true"]').waitFor();
		const csv = [
			'Lead,Source,Employees,Budget,Timeline,Email',
			...Array.from(
				{ length: LEADS },
				(_, i) =>
					`L-${i + 1},Webinar,${(i + 1) * 40},${i < LEADS / 2 ? 'Approved' : 'None'},Q${(i % 4) + 1},p${i}@example.com`
			)
		].join('\n');
		await setup
			.getByLabel('Lead file (CSV)')
			.setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
		await setup.getByTestId('personal-Email').getByText('it holds email addresses').waitFor();
		await setup.getByRole('button', { name: `Import ${LEADS} leads` }).click();
		await setup
			.getByTestId('lead-count')
			.filter({ hasText: `${LEADS} leads` })
			.waitFor();
		expect(await setup.getByText('p0@example.com').count()).toBe(0);

		const console_ = await laptop.newPage();
		await console_.goto(`/workshops/${id}/run`);
		const [projector] = await Promise.all([
			laptop.waitForEvent('page'),
			console_.getByRole('link', { name: 'Projector view' }).click()
		]);
		await projector.setViewportSize(PROJECTOR);

		// Two phones per team.
		const phones = await Promise.all(
			[
				['Sales', 'Sam'],
				['Sales', 'Sol'],
				['Marketing', 'Mia'],
				['Marketing', 'Max']
			].map(async ([team, name]) => {
				const client = await joinAs(url, cal.joinCode, cal.teams[team!]!, name!);
				const phone = await openAs(browser, url, client, `/w/${id}`, phoneContext());
				contexts.push(phone.context());
				return { team: team!, phone };
			})
		);
		await console_.getByTestId('here-Marketing').getByText('Max').waitFor();
		await console_
			.getByTestId('console-stage-calibration')
			.getByRole('button', { name: 'Bring everyone here' })
			.click();
		await console_
			.getByTestId('calibration-sample')
			.filter({ hasText: `${LEADS} leads · 6 categories` })
			.waitFor();

		/**
		 * Each phone classifies the ten leads, a card per screen (`pick(team, i)` names the
		 * category's button); Sam goes back one card and changes his mind on the way.
		 */
		const classify = (pick: (team: string, i: number) => string) =>
			Promise.all(
				phones.map(async ({ team, phone }) => {
					const stack = phone.getByTestId('calibration-stack');
					// One card per screen: the buttons of the next card replace the last one's.
					await stack
						.getByTestId('card-position')
						.filter({ hasText: `Lead 1 of ${LEADS}` })
						.waitFor();
					for (let i = 0; i < LEADS; i++) {
						await stack.getByRole('button', { name: pick(team, i), exact: true }).click();
						if (i === 0) await stack.getByRole('button', { name: 'Budget', exact: true }).click();
						if (i === 1 && phone === phones[0]!.phone) {
							await stack.getByRole('button', { name: 'Back' }).click();
							await stack
								.getByTestId('card-position')
								.filter({ hasText: `Lead 1 of ${LEADS}` })
								.waitFor();
							await stack.getByRole('button', { name: 'Next lead' }).click();
						}
						await stack
							.getByRole('button', { name: i === LEADS - 1 ? 'Review' : 'Next lead' })
							.click();
					}
					await stack.getByRole('button', { name: 'Send my classifications' }).click();
					await stack.getByTestId('classification-sent').waitFor();
				})
			);
		const round = async (n: number, pick: (team: string, i: number) => string) => {
			await console_.getByRole('button', { name: `Start round ${n}` }).click();
			await projector
				.getByTestId('projector-calibration')
				.getByText(`Round ${n} · classify`)
				.waitFor();
			await classify(pick);
			await console_.getByTestId('poll-turnout').getByText('4 of 4 have voted').waitFor();
			await console_.getByRole('button', { name: `Close round ${n}` }).click();
			await console_.getByRole('button', { name: `Reveal round ${n}` }).click();
			await console_
				.getByTestId('calibration-results')
				.getByText(`Results of round ${n}`)
				.waitFor();
		};

		// Round 1: Sales calls the budgeted leads SQL, Marketing calls them MQL.
		await round(1, (team, i) =>
			i < LEADS / 2 ? (team === 'Sales' ? 'SQL' : 'MQL') : 'Recycled / Nurture'
		);
		const firstKappa = await console_.getByTestId('kappa-sequence').innerText();
		expect(firstKappa).toMatch(/^-?\d\.\d\d$/);
		await projector.getByTestId('projector-kappa').getByText(firstKappa).waitFor();
		await projector
			.getByTestId('projector-split-lead')
			.first()
			.getByText('L-1', { exact: true })
			.waitFor();
		await phones[0]!.phone.getByTestId('phone-kappa').getByText(firstKappa).waitFor();
		// Two per team: each team's own figures stay hidden (k = 3).
		await console_
			.getByTestId('calibration-between')
			.getByText('shown for teams of 3 or more classifiers')
			.waitFor();

		// The facilitator opens the most split lead for discussion on every screen.
		await console_.getByRole('button', { name: 'Discuss L-1' }).click();
		await projector.getByTestId('projector-focus').getByText('Approved').waitFor();
		await saveScreenshot(projector, 'live-7-projector-calibration');

		// Back to Shared terms to revise the wording, then round 2 on the same leads.
		await console_.getByRole('button', { name: 'Revise the wording on Shared terms' }).click();
		await console_.getByTestId('current-stage-title').filter({ hasText: 'Shared terms' }).waitFor();
		await bringEveryoneTo(console_, 'calibration', 'Calibration');
		await round(2, (_, i) => (i < LEADS / 2 ? 'SQL' : 'Recycled / Nurture'));
		const sequence = await console_.getByTestId('kappa-sequence').innerText();
		expect(sequence).toBe(`${firstKappa} → 1.00`);
		await projector.getByTestId('kappa-sequence').getByText(sequence).waitFor();
		expect(await phoneProblems(phones[0]!.phone)).toEqual([]);
		for (const page of [console_, projector]) expect(await sidewaysScroll(page)).toBe(0);
	});
});
