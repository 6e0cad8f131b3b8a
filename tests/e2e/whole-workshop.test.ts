/**
 * The whole Sales & Marketing Alignment template in Chromium, from joining to a signed charter,
 * with named actors in browser contexts of their own: Fay the facilitator (console and
 * projector on her laptop), Sam, Sol and Sky from Sales and Mia, Max and Mo from Marketing (Sam
 * and Mia on 360 px phones, Sol and Max on larger phones, Sky and Mo on laptops), and two
 * leaders, Vic (VP Sales) and Dana (CMO), who open their personal review links.
 *
 * All six join on the real join form. Every stage gets content from both teams through the
 * participant room: focus and empathy cards (one corrected by the team it is about), wordings,
 * fields and a merged wording of MQL, journey steps, barriers and an incentive, measures and the
 * review rhythm, notes on the agreements stage. A consent vote adopts the MQL definition by
 * double majority (all six vote, three per team, so both teams' breakdowns are shown); a dot
 * vote ranks the barriers; an agreement carries buyer evidence. The charter is published, Dana
 * asks for a change, Fay publishes version 2, both leaders sign it, and the public verification
 * page confirms its fingerprint. Screenshots of every stage go to tests/e2e/__screenshots__/.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { facilitatorWithWorkshop, type FacilitatorWithWorkshop } from '../factories/workshops';
import {
	launchChromium,
	saveScreenshot,
	SCREENSHOTS,
	shouldRunBrowserTests
} from '../support/browser';
import {
	addCard,
	addCookiesOf,
	bringEveryoneTo,
	castChoice,
	castDots,
	expectControlsNamedByTheirWords,
	joinByCode,
	LAPTOP,
	LARGE_PHONE,
	PHONE,
	phoneContext,
	phoneProblems,
	PROJECTOR,
	recordAgreement,
	registerEntry,
	sidewaysScroll,
	signCharter,
	waitForStage
} from '../support/room';
import { serverForSuite } from '../support/suite';

type TeamName = 'Sales' | 'Marketing';

/** The six participants: who they are, their team, and the screen they work on. */
const PEOPLE = [
	{ name: 'Sam', team: 'Sales', viewport: PHONE, isPhone: true },
	{ name: 'Sol', team: 'Sales', viewport: LARGE_PHONE, isPhone: true },
	{ name: 'Sky', team: 'Sales', viewport: { width: 1280, height: 800 }, isPhone: false },
	{ name: 'Mia', team: 'Marketing', viewport: PHONE, isPhone: true },
	{ name: 'Max', team: 'Marketing', viewport: LARGE_PHONE, isPhone: true },
	{ name: 'Mo', team: 'Marketing', viewport: { width: 1280, height: 800 }, isPhone: false }
] as const satisfies ReadonlyArray<{
	name: string;
	team: TeamName;
	viewport: { width: number; height: number };
	isPhone: boolean;
}>;
type Name = (typeof PEOPLE)[number]['name'];

const MERGED_MQL = 'A lead scoring 60+ that asked for a demo or visited pricing twice.';
const BARRIERS = {
	comp: 'Comp plan pays on bookings, not margin',
	status: 'No shared lead status in the CRM',
	late: 'MQLs arrive at 5 pm with no context'
};
const SLA_NOTE = 'Sales calls every MQL within 4 business hours';
const SLA_REWORDED = 'Sales calls every MQL within 4 business hours, Monday to Friday.';

describe.runIf(shouldRunBrowserTests)('a whole workshop, from joining to a signed charter', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	let ws: FacilitatorWithWorkshop;
	const contexts: BrowserContext[] = [];
	let console_: Page;
	let projector: Page;
	const people = {} as Record<Name, Page>;
	const everyone = () => Object.values(people);
	const teamOf = (team: TeamName) =>
		PEOPLE.filter((p) => p.team === team).map((p) => people[p.name]);

	async function newContext(options: Parameters<Browser['newContext']>[0] = {}) {
		const context = await browser.newContext({ baseURL: suite.server.url, ...options });
		contexts.push(context);
		return context;
	}

	beforeAll(async () => {
		[browser, ws] = await Promise.all([
			launchChromium(),
			facilitatorWithWorkshop(suite.server.url)
		]);
	});
	afterAll(async () => {
		for (const context of contexts) await context.close();
		await browser?.close();
	});

	test('1. six people join by code on their own devices; the console and the projector see them', async () => {
		const laptop = await newContext({ viewport: LAPTOP });
		await addCookiesOf(laptop, ws.facilitator, suite.server.url);
		console_ = await laptop.newPage();
		await console_.goto(`/workshops/${ws.workshopId}/run`);
		await console_.getByTestId('not-started').waitFor();
		[projector] = await Promise.all([
			laptop.waitForEvent('page'),
			console_.getByRole('link', { name: 'Projector view' }).click()
		]);
		await projector.setViewportSize(PROJECTOR);

		await Promise.all(
			PEOPLE.map(async (person) => {
				const context = await newContext(
					person.isPhone ? phoneContext(person.viewport) : { viewport: person.viewport }
				);
				const page = await context.newPage();
				await joinByCode(page, ws.joinCode, person.name, person.team);
				people[person.name] = page;
			})
		);
		for (const person of PEOPLE) {
			await console_.getByTestId(`here-${person.team}`).getByText(person.name).waitFor();
		}
		for (const team of ['Sales', 'Marketing']) {
			await projector.getByTestId(`projector-here-${team}`).filter({ hasText: '3' }).waitFor();
		}
		await people.Mia.getByTestId('present').getByText('Sky').waitFor();
		expect(await phoneProblems(people.Mia)).toEqual([]);
		await saveScreenshot(people.Mia, 'whole-1-join-mia', { firstScreen: true });
		await saveScreenshot(projector, 'whole-1-join-projector');
	});

	test('2. Focus & value: each team writes about itself and the other; Sales corrects what Marketing thinks it wants', async () => {
		await bringEveryoneTo(console_, 'focus-value', 'Focus & value');
		await waitForStage([...everyone(), projector], 'Focus & value');
		const { Sam, Mia, Max } = people;

		// Everyone writes at once.
		await Promise.all([
			addCard(Sam, 'Add a focus', {
				'What your team is focused on': 'Pipeline that closes this quarter'
			}),
			addCard(Mia, 'Add their goal', {
				'A goal of the other team, as you see it': 'Hit quota, any lead'
			}),
			addCard(Max, 'Add a need', {
				'What your team needs from the other team': 'The reason behind every lost deal'
			})
		]);

		// The goal Marketing wrote about Sales is Sales' to judge: Sam corrects it.
		const aboutSales = Sam.getByTestId('group-empathy-goal')
			.getByTestId('card')
			.filter({ hasText: 'Hit quota, any lead' });
		await aboutSales.getByRole('button', { name: 'Inaccurate' }).click();
		await aboutSales.getByLabel('Correction').fill('Quota with margin: the lead source matters');
		await aboutSales.getByRole('button', { name: 'Save correction' }).click();
		await Mia.getByTestId('card')
			.filter({ hasText: 'Hit quota, any lead' })
			.getByText('Quota with margin: the lead source matters')
			.waitFor();
		await Mia.getByTestId('group-focus').getByText('Pipeline that closes this quarter').waitFor();
		await Sam.getByTestId('group-need').getByText('The reason behind every lost deal').waitFor();

		// The console shows the empathy round's answer, and its balance meter counts both teams'
		// cards on this stage.
		await console_
			.getByTestId('live-board')
			.locator('li', { hasText: 'Hit quota, any lead' })
			.getByTestId('verdict')
			.getByText('Sales says: inaccurate — Quota with margin: the lead source matters')
			.waitFor();
		await console_.getByTestId('balance-Sales-stage-cards').filter({ hasText: '1' }).waitFor();
		await console_.getByTestId('balance-Marketing-stage-cards').filter({ hasText: '2' }).waitFor();
		expect(await phoneProblems(Mia)).toEqual([]);
		await saveScreenshot(Mia, 'whole-2-focus-value-mia', { firstScreen: true });
	});

	test('3. Shared terms: both teams word MQL and list their fields, draft one wording, and adopt it by double majority', async () => {
		await bringEveryoneTo(console_, 'shared-terms', 'Shared terms');
		await waitForStage(everyone(), 'Shared terms');
		const { Sam, Sol, Sky, Mia, Max, Mo } = people;
		const mql = (page: Page) => page.getByTestId('term-mql');

		await Promise.all([
			mql(Sam).getByTestId('wording-Sales').fill('Asked for a demo and has budget'),
			mql(Mia).getByTestId('wording-Marketing').fill('Scored 60+ in the last 30 days')
		]);
		await mql(Mia)
			.getByTestId('wording-Sales')
			.getByText('Asked for a demo and has budget')
			.waitFor();
		await mql(Sam)
			.getByTestId('wording-Marketing')
			.getByText('Scored 60+ in the last 30 days')
			.waitFor();
		// The fields each side needs on a lead, from the suggestions, on both phones.
		await Promise.all(
			(
				[
					[Sam, 'Budget'],
					[Mia, 'Source']
				] as const
			).map(async ([page, field]) => {
				await mql(page).getByText('Fields each team needs on a lead', { exact: true }).click();
				await mql(page)
					.getByRole('button', { name: `Add ${field}` })
					.click();
			})
		);
		await mql(Mia).getByTestId('fields-Sales').getByText('Budget').waitFor();
		await mql(Sam).getByTestId('fields-Marketing').getByText('Source').waitFor();

		// Sol starts the merged wording; Max finishes it on his phone.
		const start = 'A lead scoring 60+ that asked for a demo';
		await mql(Sol).getByTestId('merged-wording').fill(start);
		await expect.poll(() => mql(Max).getByTestId('merged-wording').inputValue()).toBe(start);
		await mql(Max).getByTestId('merged-wording').fill(MERGED_MQL);
		await expect.poll(() => mql(Sam).getByTestId('merged-wording').inputValue()).toBe(MERGED_MQL);
		expect(await phoneProblems(Sam)).toEqual([]);

		// Fay puts the merged wording to a consent vote from the console.
		const panel = console_.getByTestId('polls-panel');
		await panel.getByRole('button', { name: 'New poll' }).click();
		const form = panel.getByTestId('poll-form');
		await form.getByLabel('Kind of poll').selectOption({ label: 'Consent on an agreement' });
		await form.getByLabel('What to decide').selectOption({ label: `MQL: ${MERGED_MQL}` });
		await form.getByRole('button', { name: 'Save draft' }).click();
		const openVoting = panel
			.locator('[data-status="draft"]')
			.getByRole('button', { name: 'Open voting' });
		await openVoting.waitFor();
		// While the poll is a draft, every phone has already prepared its blinded token request.
		for (const page of everyone()) {
			await expect
				.poll(() =>
					page.evaluate(
						() =>
							Object.keys(localStorage).filter(
								(k) =>
									k.startsWith('common-ground:ballot:') &&
									JSON.parse(localStorage.getItem(k) ?? '{}').pending
							).length
					)
				)
				.toBe(1);
		}
		await openVoting.click();
		// Fay runs the vote; her console offers no ballot.
		expect(await console_.getByTestId('ballot').count()).toBe(0);

		// Everyone votes at once; Sam objects at first, with a reason, then changes his mind
		// before the close.
		await Promise.all([
			castChoice(Sam, 'Object', 'Sixty is too low for our reps.').then(() =>
				castChoice(Sam, 'Agree', '')
			),
			castChoice(Sol, 'Agree'),
			castChoice(Sky, 'Agree'),
			castChoice(Mia, 'Can live with it'),
			castChoice(Max, 'Agree'),
			castChoice(Mo, 'Agree')
		]);
		for (const page of [console_, projector, Mo]) {
			await page.getByTestId('poll-turnout').getByText('6 of 6 have voted').waitFor();
		}
		expect(await Mo.getByTestId('poll-result').count()).toBe(0);

		await panel.getByRole('button', { name: 'Close voting' }).click();
		await Mia.getByText('The votes are being counted.').waitFor();
		await panel.getByRole('button', { name: 'Reveal result' }).click();
		for (const page of [...everyone(), console_, projector]) {
			await page
				.getByTestId('poll-outcome')
				.getByText('Adopted: passed by double majority')
				.waitFor();
		}
		// Three voters in each team: both teams' breakdowns are shown; the reason taken back is gone.
		const result = Mia.getByTestId('poll-result');
		await result.getByText('6 people voted').waitFor();
		expect((await result.locator('table.teams th.team').allInnerTexts()).sort()).toEqual([
			'Marketing',
			'Sales'
		]);
		expect(await result.getByText('Sixty is too low').count()).toBe(0);
		// Each phone finds its own ballot on the published list: Sam's changed one, as changed.
		for (const page of [Sam, Mia]) {
			await page
				.getByTestId('ballot-verified')
				.getByText('Your ballot is in the count, as cast')
				.waitFor();
		}
		await Sam.getByTestId('ballot-verified').getByText('(Agree)').waitFor();
		await registerEntry(console_, `MQL: ${MERGED_MQL}`)
			.getByTestId('agreement-status')
			.getByText('Adopted')
			.waitFor();
		expect(await phoneProblems(Mia)).toEqual([]);
		// The projector shows the whole result and the join strip without scrolling.
		expect(
			await projector.evaluate(() => document.documentElement.scrollHeight - window.innerHeight)
		).toBeLessThanOrEqual(0);
		await saveScreenshot(Mia, 'whole-3-shared-terms-mia-result', { firstScreen: true });
		await saveScreenshot(projector, 'whole-3-shared-terms-projector-result');
	});

	test("4. Connections: Sales adds its follow-up step, Marketing marks its scoring step broken; every screen draws the lead's journey", async () => {
		await bringEveryoneTo(console_, 'connections', 'Connections');
		const { Sam, Sol, Max } = people;
		// The room has moved on: the phones open on the new stage, not on the last vote's result.
		await waitForStage([Sam], 'Connections');
		expect(await Sam.getByTestId('poll').count()).toBe(0);
		const steps = (page: Page) => page.getByTestId('journey-step');
		await expect.poll(() => steps(Sol).count()).toBe(7);

		await addCard(Sol, 'Add a step', {
			'What happens': 'SDR calls within the SLA',
			System: 'CRM',
			'SLA (hours)': '4'
		});

		const scoring = steps(Max).filter({ hasText: 'Scoring reaches the threshold' });
		await scoring.getByRole('button', { name: 'Edit step' }).click();
		await scoring.getByLabel('SLA (hours)').fill('24');
		await scoring.getByLabel('Broken connection').selectOption('technology');
		await scoring.getByLabel('What breaks').fill('Scores reach the CRM a day late');
		await scoring.getByRole('button', { name: 'Save' }).click();

		for (const page of [Sam, projector]) {
			await expect.poll(() => steps(page).count()).toBe(8);
			await steps(page).filter({ hasText: 'SDR calls within the SLA' }).waitFor();
			await steps(page)
				.filter({ hasText: 'Scoring reaches the threshold' })
				.getByText('Broken: Technology')
				.waitFor();
			await page.getByTestId('journey-link').filter({ hasText: '⚠ SLA 24 h' }).waitFor();
		}
		expect(await phoneProblems(Sam)).toEqual([]);
		await saveScreenshot(Sam, 'whole-4-connections-sam', { firstScreen: true });
		await saveScreenshot(projector, 'whole-4-connections-projector');
	});

	test('5. Barriers & incentives: both teams name barriers, a dot vote ranks them, and the top one gets a remedy', async () => {
		await bringEveryoneTo(console_, 'barriers', 'Barriers & incentives');
		const { Sam, Sol, Sky, Mia, Max, Mo } = people;
		const addBarrier = (page: Page, text: string, category: string) =>
			addCard(page, 'Add a barrier', { Barrier: text }, { Category: category });
		await Promise.all([
			addBarrier(Sam, BARRIERS.comp, 'Incentives & compensation'),
			addBarrier(Mia, BARRIERS.status, 'Technology & data'),
			addBarrier(Max, BARRIERS.late, 'Process'),
			addCard(Mo, 'Add an incentive', {
				'Team or role': 'Campaign managers',
				'Rewarded for today': 'Number of MQLs',
				'What the shared goal needs': 'Pipeline from MQLs'
			})
		]);
		await Sky.getByTestId('table-incentive').getByText('Pipeline from MQLs').waitFor();
		for (const text of Object.values(BARRIERS)) {
			await Sol.getByTestId('card').getByText(text, { exact: true }).waitFor();
		}

		const panel = console_.getByTestId('polls-panel');
		await panel.getByRole('button', { name: 'New poll' }).click();
		const form = panel.getByTestId('poll-form');
		await form.getByLabel('Kind of poll').selectOption({ label: 'Dot vote over cards' });
		await form.getByLabel('Question').fill('Which barriers hurt the shared goal most?');
		await form.getByLabel('Cards from stage').selectOption({ label: 'Barriers & incentives' });
		await form.getByLabel('Dots per person').fill('3');
		await form.getByLabel('Most dots on one card').fill('2');
		await form.getByRole('button', { name: 'Save draft' }).click();
		await panel
			.locator('[data-status="draft"]')
			.getByRole('button', { name: 'Open voting' })
			.click();

		// Sales puts 2 + 1 dots, Marketing 1 + 1 + 1: 9, 6 and 3 dots.
		const sales = { [BARRIERS.status]: 2, [BARRIERS.comp]: 1 };
		const marketing = { [BARRIERS.status]: 1, [BARRIERS.comp]: 1, [BARRIERS.late]: 1 };
		await Promise.all([
			...teamOf('Sales').map((page) => castDots(page, sales)),
			...teamOf('Marketing').map((page) => castDots(page, marketing))
		]);
		await console_.getByTestId('poll-turnout').getByText('6 of 6 have voted').waitFor();
		await panel
			.locator('[data-status="open"]')
			.getByRole('button', { name: 'Close voting' })
			.click();
		await panel
			.locator('[data-status="closed"]')
			.getByRole('button', { name: 'Reveal result' })
			.click();

		const ranking = (page: Page) => page.getByTestId('top-barriers').getByTestId('top-barrier');
		for (const page of [Sam, Mo]) {
			await expect
				.poll(async () =>
					(await ranking(page).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())
				)
				.toEqual([
					expect.stringMatching(new RegExp(`^Rank 1 ${BARRIERS.status} 9 dots`)),
					expect.stringMatching(new RegExp(`^Rank 2 ${BARRIERS.comp} 6 dots`)),
					expect.stringMatching(new RegExp(`^Rank 3 ${BARRIERS.late} 3 dots`))
				]);
		}

		// Each team's dots, in the order of the ranking (three voters each: both are shown).
		const perTeam = Sam.getByTestId('poll-result').locator('table.teams tr');
		expect((await perTeam.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
			'Sales Marketing',
			'Voters 3 3',
			`${BARRIERS.status} 6 3`,
			`${BARRIERS.comp} 3 3`,
			`${BARRIERS.late} 0 3`
		]);

		// The top barrier gets a remedy with an owner, from Sky's laptop; the ranking shows it.
		const top = Sky.getByTestId('card').filter({ hasText: BARRIERS.status });
		await top.getByRole('button', { name: 'Add remedy' }).click();
		await top.getByLabel('Remedy', { exact: true }).fill('One lead status in the CRM by Q3');
		await top.getByLabel('Owner (a team or a person)').fill('RevOps');
		await top.getByRole('button', { name: 'Save remedy' }).click();
		await ranking(Sam).first().getByText('One lead status in the CRM by Q3').waitFor();
		expect(await phoneProblems(Sam)).toEqual([]);
		await saveScreenshot(Sam, 'whole-5-barriers-sam', { firstScreen: true });
	});

	test('6. Measures & cadence: a measure from each team and the joint review, read as tables on a phone', async () => {
		await bringEveryoneTo(console_, 'measures', 'Measures & cadence');
		const { Mia, Sol, Sky, Sam } = people;
		await Promise.all([
			addCard(Mia, 'Add a measure', {
				Metric: 'MQL → SQL conversion',
				Baseline: '12%',
				Target: '25%',
				'Data source': 'CRM funnel report'
			}),
			addCard(Sol, 'Add a measure', { Metric: 'Hand-off SLA adherence', Target: '95%' }),
			addCard(Sky, 'Add a review meeting', {
				Meeting: 'Joint pipeline review',
				'How often': 'Every other Monday',
				'Next review': '2027-02-01'
			})
		]);

		const measures = Sam.getByTestId('table-measure');
		const conversion = measures.getByRole('row', { name: /MQL → SQL conversion/ });
		// On a phone each row reads as a card, every value after its column's name.
		await conversion.locator('td[data-label="Target"]').filter({ hasText: '25%' }).waitFor();
		expect(await conversion.locator('td[data-label="Baseline"]').innerText()).toBe('12%');
		expect(await conversion.locator('td[data-label="Owner team"]').innerText()).toBe('Marketing');
		const adherence = measures.getByRole('row', { name: /Hand-off SLA adherence/ });
		expect(await adherence.locator('td[data-label="Owner team"]').innerText()).toBe('Sales');
		await Sam.getByTestId('table-cadence')
			.getByRole('row', { name: /Joint pipeline review/ })
			.locator('td[data-label="Next review"]')
			.filter({ hasText: '2027-02-01' })
			.waitFor();
		expect(await phoneProblems(Sam)).toEqual([]);
		await saveScreenshot(Sam, 'whole-6-measures-sam', { firstScreen: true });
	});

	test('7. Agreements: both teams propose, and Fay records one with its buyer evidence from the keyboard', async () => {
		await bringEveryoneTo(console_, 'agreements', 'Agreements');
		const { Sky, Mo, Max } = people;
		await Promise.all([
			addCard(Sky, 'Add a note', { Note: SLA_NOTE }),
			addCard(Mo, 'Add a note', {
				Note: 'Marketing sends every lost deal back to nurture with its reason'
			})
		]);
		await Max.getByTestId('card').getByText(SLA_NOTE, { exact: true }).waitFor();

		const card = console_.getByTestId('live-board').locator('li', { hasText: SLA_NOTE });
		await card.getByRole('button', { name: 'Make agreement', exact: true }).focus();
		await console_.keyboard.press('Enter');
		const dialog = console_.getByRole('dialog', { name: 'Make agreement from this card' });
		await dialog.waitFor();
		await console_.waitForFunction(
			() => document.activeElement?.getAttribute('data-testid') === 'agreement-statement'
		);
		expect(await dialog.getByLabel('Statement').inputValue()).toBe(SLA_NOTE);
		await recordAgreement(dialog, {
			ownerTeam: 'Sales',
			ownerName: 'Tom Becker',
			dueDate: '2027-03-31',
			metric: 'Hand-off SLA adherence',
			evidence: {
				kind: 'Lost-deal reason',
				text: 'Lost Contoso: the buyer waited four days for a call',
				source: 'Q2 loss review'
			}
		});
		const entry = registerEntry(console_, SLA_NOTE);
		await entry.getByText('Lost Contoso: the buyer waited four days for a call').waitFor();
		await entry.getByText('Lost-deal reason:').waitFor();
		await entry.getByText('Q2 loss review').waitFor();
		await entry.getByText('Tom Becker (Sales)').waitFor();
		await entry.getByText('2027-03-31').waitFor();
		expect(await entry.getByTestId('no-evidence').count()).toBe(0);
		// The adopted MQL definition has no evidence yet, and the register says so.
		await console_
			.getByTestId('register')
			.getByText('1 of 2 agreements have buyer evidence')
			.waitFor();
		expect(await sidewaysScroll(console_)).toBe(0);
		await saveScreenshot(console_, 'whole-7-agreements-console');
	});

	test('8. The charter: published, a change requested, version 2 signed by both leaders and verified', async () => {
		// The room's screens are done; the charter is the facilitator's and the leaders'.
		for (const page of [...everyone(), projector]) await page.close();
		const fay = console_;
		await fay.goto(`/workshops/${ws.workshopId}`);
		await fay.getByRole('link', { name: 'Charter', exact: true }).click();
		await fay.getByRole('heading', { name: 'Charter', exact: true }).waitFor();
		// What the room decided on every stage is in the draft.
		for (const section of [
			'value',
			'definitions',
			'journey',
			'barriers',
			'incentives',
			'measures',
			'cadence',
			'agreements'
		]) {
			await fay.locator(`[data-section="${section}"]`).waitFor();
		}

		// The shared goal, which no board holds, is written into the draft.
		await fay
			.getByLabel('New clause in “Purpose and shared goal”')
			.fill('Grow marketing-sourced pipeline to 40% of new bookings by Q4, together.');
		await fay
			.locator('[data-section="purpose"]')
			.getByRole('button', { name: 'Add clause' })
			.click();
		await fay.locator('[data-section="purpose"] li.clause textarea').first().waitFor();

		const links: Record<string, string> = {};
		for (const [name, title, email] of [
			['Vic Vance', 'VP Sales', 'vic@acme.test'],
			['Dana Diaz', 'CMO', 'dana@acme.test']
		] as const) {
			const invite = fay.locator('form[action="?/invite"]');
			await invite.getByLabel('Name', { exact: true }).fill(name);
			await invite.getByLabel('Title', { exact: true }).fill(title);
			await invite.getByLabel('Email', { exact: true }).fill(email);
			await invite.getByRole('button', { name: 'Invite leader' }).click();
			const link = fay.getByLabel(`Personal link for ${name}`);
			await link.waitFor();
			links[name] = await link.inputValue();
		}
		await fay.getByTestId('without-evidence').getByText('1 agreement carry no').waitFor();
		await fay.getByRole('button', { name: 'Publish version 1' }).click();
		await fay.getByRole('status').filter({ hasText: 'Version 1 published' }).waitFor();
		await expectControlsNamedByTheirWords(fay);

		// Dana (Marketing's leader) reads version 1 and asks for a change.
		const dana = await (await newContext({ viewport: { width: 1280, height: 900 } })).newPage();
		await dana.goto(links['Dana Diaz']!);
		await dana.waitForURL(`**/charters/${ws.workshopId}`);
		expect(await dana.getByTestId('charter-status').innerText()).toBe('In review');
		await dana.getByText(MERGED_MQL).first().waitFor();
		await dana.getByText(BARRIERS.status).first().waitFor();
		await expectControlsNamedByTheirWords(dana);
		await dana
			.getByLabel('What should change, and why')
			.fill('Say which days: a Friday-evening MQL cannot wait until Monday noon.');
		await dana.getByRole('button', { name: 'Request changes' }).click();
		await dana
			.getByRole('status')
			.filter({ hasText: 'Your request for changes was sent to the facilitator.' })
			.waitFor();
		// She can follow the workshop itself, live and read-only.
		await dana.getByRole('link', { name: 'The workshop, live' }).click();
		await dana.getByText('Following the workshop live, read-only.').waitFor();
		await dana.getByRole('heading', { name: 'Now: Agreements' }).waitFor();
		await dana
			.getByRole('listitem')
			.filter({ hasText: `MQL: ${MERGED_MQL} (adopted, no buyer evidence yet)` })
			.waitFor();

		// Fay sees the request, rewords the clause and publishes version 2.
		await fay.reload();
		await fay.getByText('Say which days: a Friday-evening MQL').waitFor();
		expect(await fay.getByTestId('charter-status').innerText()).toBe('Changes requested');
		const clause = fay
			.locator('[data-section="agreements"] li.clause')
			.filter({ hasText: 'Tom Becker' });
		await clause.getByLabel('Wording').fill(SLA_REWORDED);
		await clause.getByRole('button', { name: 'Save wording' }).click();
		await fay.getByRole('button', { name: 'Publish version 2' }).click();
		await fay.getByRole('status').filter({ hasText: 'Version 2 published' }).waitFor();

		// Dana signs version 2 with the mouse; without the consent box nothing is signed.
		await dana.goto(`/charters/${ws.workshopId}`);
		await dana.getByText(SLA_REWORDED).first().waitFor();
		const v2Hash = await dana.getByTestId('charter-hash').innerText();
		await dana.getByLabel('Your full name').fill('Dana Diaz');
		await dana.getByRole('button', { name: 'Sign version 2' }).click();
		await dana.getByRole('alert').filter({ hasText: 'Tick the box' }).waitFor();
		await signCharter(dana, 'Dana Diaz', 'Chief Marketing Officer', 2);

		// Vic (Sales' leader) signs from the keyboard alone.
		const vic = await (await newContext({ viewport: { width: 1280, height: 900 } })).newPage();
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
		await saveScreenshot(vic, 'whole-8-charter-vic-signed');
		await vic.getByRole('link', { name: 'Leadership overview' }).click();
		const overview = vic.getByTestId('overview-charter');
		await overview.getByText('Signed by Vic Vance, VP Sales; Dana Diaz, CMO').waitFor();

		await fay.reload();
		expect(await fay.getByTestId('charter-status').innerText()).toBe('Signed');

		// The signed PDF, kept next to the screenshots for a person to look at.
		const pdfLink = await dana.getByRole('link', { name: 'Download PDF' }).getAttribute('href');
		const pdf = await dana.request.get(pdfLink!);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		fs.writeFileSync(`${SCREENSHOTS}/whole-8-charter-v2.pdf`, await pdf.body());

		// Anyone with the link verifies the signed text against its fingerprint.
		const verifyUrl = await dana.getByRole('link', { name: /^Verify at / }).getAttribute('href');
		const verifier = await (await newContext({ viewport: { width: 1280, height: 900 } })).newPage();
		await verifier.goto(verifyUrl!);
		expect(new URL(verifier.url()).pathname).toMatch(/^\/verify\//);
		await verifier.getByRole('heading', { name: 'The text is intact' }).waitFor();
		expect(await verifier.getByTestId('published-hash').innerText()).toBe(v2Hash);
		expect(await verifier.getByTestId('recomputed-hash').innerText()).toBe(v2Hash);
		const signatures = await verifier.getByTestId('verify-signatures').innerText();
		expect(signatures).toContain('signed as Dana Diaz, Chief Marketing Officer');
		expect(signatures).toContain('signed as Vic Vance, VP Sales');
		expect(signatures.match(/— matches the stored text/g)).toHaveLength(2);
		await saveScreenshot(verifier, 'whole-9-verify');
	});
});
