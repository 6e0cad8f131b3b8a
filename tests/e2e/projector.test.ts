/**
 * The projector in Chromium at 1920×1080, with three teams (Sales, Marketing and Customer
 * Success) and thirty cards on each stage that has cards, seeded through the server's own
 * endpoints and realtime documents: each stage's work is on the screen, nothing overflows or is
 * cut off (the page, and every element that clips), no text is under 24 px, and a screenshot of
 * every screen goes to test-artifacts/projector/. The facilitator drives it from the console in
 * the same browser: pages, the term in focus, a result put away, the board hidden and shown.
 *
 * That a hidden board never reaches the projector, and a private round never reaches the other
 * teams' phones, is shown on the sockets themselves in tests/integration/realtime-sync.test.ts.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listCards, TERM_TEXT, termText } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import {
	facilitatorWithWorkshop,
	joinAs,
	teamsOnJoinPage,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests } from '../support/browser';
import type { Client } from '../support/http';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { addCookiesOf, LAPTOP, PROJECTOR, projectorProblems } from '../support/room';
import { serverForSuite } from '../support/suite';
import { controlPoll, createPoll, Voter } from '../support/voting';

const ARTIFACTS = 'test-artifacts/projector';
const TEAMS = ['Sales', 'Marketing', 'Customer Success'] as const;
type TeamName = (typeof TEAMS)[number];

/** Card texts of the lengths people write: a few words to a long sentence. */
const PHRASES = [
	'Pipeline we can forecast',
	'Fewer leads, better ones',
	'Every MQL gets a call within four hours of the form, with the context of what the lead read and downloaded',
	'Renewals above 90%',
	'Accounts we can expand',
	'A shared definition of a qualified lead, written once and used by both teams in every report',
	'Win rate',
	'Campaign attribution that sales believes',
	'Time back from chasing unqualified leads',
	'Feedback on lost deals within a week'
];

const BARRIERS = [
	'Week 13 we sell boxes on price',
	'Quota counts bookings, not margin',
	'Scores reach the CRM a day late',
	'Nobody owns the lead between the form and the first call',
	'We meet only when the numbers are bad',
	'Marketing is paid on lead volume',
	'Two definitions of pipeline in two dashboards',
	'No field for why a lead was sent back',
	'Hand-offs happen in email, not in the CRM',
	'Each team blames the other in the quarterly review'
];

describe.runIf(shouldRunBrowserTests)('the projector at 1920×1080 with three teams', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	let ws: FacilitatorWithWorkshop;
	const contexts: BrowserContext[] = [];
	let console_: Page;
	let projector: Page;
	let teams: Record<TeamName, string>;
	const people = {} as Record<TeamName, Client>;
	const peers: Peer[] = [];

	const api = (path: string) => `/api/workshops/${ws.workshopId}${path}`;
	const add = async (client: Client, stageKey: string, card: Record<string, unknown>) => {
		const added = await client.json('POST', api(`/stages/${stageKey}/cards`), card);
		expect(added.status, JSON.stringify(added.body)).toBe(201);
		return String(added.body.id);
	};
	/** Ten cards from each team, through the cards endpoint, as their phones send them, at once. */
	const thirtyCards = (
		stageKey: string,
		card: (team: TeamName, i: number) => Record<string, unknown>
	) =>
		Promise.all(
			TEAMS.flatMap((team) =>
				Array.from({ length: 10 }, (_, i) => add(people[team], stageKey, card(team, i)))
			)
		);
	const goTo = async (stageKey: string, title: string) => {
		const moved = await ws.facilitator.json('POST', api('/live'), { action: 'goTo', stageKey });
		expect(moved.status).toBe(200);
		for (const page of [console_, projector]) {
			await page
				.locator('[data-testid="current-stage-title"], [data-testid="projector-stage-title"]')
				.filter({ hasText: title })
				.waitFor();
		}
	};
	const controls = () => console_.getByTestId('projector-controls');
	/** Once the work is laid out: nothing overflows or is too small; then the screenshot. */
	// The projector fits its content to the screen after it renders (rows are measured, then
	// trimmed): on a loaded machine that takes a moment, so the check waits for it to settle.
	const checkScreen = async (name: string) => {
		await expect.poll(() => projectorProblems(projector), { message: name }).toEqual([]);
		await projector.screenshot({ path: `${ARTIFACTS}/${name}.png` });
	};
	const pageLabel = () => projector.getByTestId('projector-page');

	beforeAll(async () => {
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		browser = await launchChromium();
		ws = await facilitatorWithWorkshop(suite.server.url);
		const added = await ws.facilitator.action(`/workshops/${ws.workshopId}?/addTeam`, {
			name: 'Customer Success',
			colour: '#15803d'
		});
		expect(added.type).toBe('success');
		teams = (await teamsOnJoinPage(suite.server.url, ws.joinCode)) as Record<TeamName, string>;
		for (const team of TEAMS) {
			people[team] = await joinAs(suite.server.url, ws.joinCode, teams[team], `${team} lead`);
		}
		// The console on the laptop's screen, the projector in a window of its own on the big one
		// (two windows, so that neither is a background tab the browser slows down).
		const window = async (viewport: typeof LAPTOP) => {
			const context = await browser.newContext({ baseURL: suite.server.url, viewport });
			await addCookiesOf(context, ws.facilitator, suite.server.url);
			contexts.push(context);
			return context.newPage();
		};
		console_ = await window(LAPTOP);
		await console_.goto(`/workshops/${ws.workshopId}/run`);
		projector = await window(PROJECTOR);
		await projector.goto(`/workshops/${ws.workshopId}/projector`);
		await projector.locator('[data-testid="connection-status"][data-status="live"]').waitFor();
	});
	afterAll(async () => {
		for (const peer of peers) peer.destroy();
		for (const context of contexts) await context.close();
		await browser?.close();
	});

	test('every stage’s work fits the screen, in type the back row reads', async () => {
		// 1. Focus & value: each team's cards side by side, split into pages the console turns.
		await thirtyCards('focus-value', (team, i) => ({
			type: (['focus', 'value-driver', 'outcome', 'need'] as const)[i % 4],
			text: `${PHRASES[i]}${team === 'Marketing' && i === 2 ? ', and a nurture track for the rest' : ''}`
		}));
		await goTo('focus-value', 'Focus & value');
		for (const team of TEAMS) {
			await projector.getByRole('heading', { name: team, exact: true }).waitFor();
		}
		await pageLabel()
			.filter({ hasText: /^Page 1 of [2-9]$/ })
			.waitFor();
		await checkScreen('1-focus-value-page-1');
		await controls().getByRole('button', { name: 'Next page' }).click();
		await pageLabel()
			.filter({ hasText: /^Page 2 of [2-9]$/ })
			.waitFor();
		await checkScreen('2-focus-value-page-2');

		// The empathy round: each team's view of another, and the verdicts of the team described.
		const empathy: Array<[TeamName, TeamName, string, 'accurate' | 'inaccurate' | null]> = [
			['Sales', 'Marketing', 'They are judged on lead volume', 'inaccurate'],
			['Sales', 'Customer Success', 'They want accounts that fit the product', 'accurate'],
			['Marketing', 'Sales', 'They distrust every lead we send', 'accurate'],
			['Marketing', 'Customer Success', 'They inherit promises sales made', null],
			['Customer Success', 'Sales', 'Quota at the end of the quarter beats fit', 'inaccurate'],
			['Customer Success', 'Marketing', 'Campaigns end before customers renew', null]
		];
		const judge = async ([author, about, text, verdict]: (typeof empathy)[number]) => {
			const id = await add(people[author], 'focus-value', {
				type: 'empathy-pain',
				text,
				aboutTeamId: teams[about]
			});
			if (!verdict) return;
			const judged = await people[about].json('PATCH', api(`/stages/focus-value/cards/${id}`), {
				verdict,
				...(verdict === 'inaccurate'
					? { correction: 'We are judged on pipeline and renewals' }
					: {})
			});
			expect(judged.status).toBe(200);
		};
		await Promise.all(empathy.map(judge));
		await projector.getByRole('heading', { name: 'About Sales' }).waitFor();
		await projector.getByText('✗ Not accurate').first().waitFor();
		await checkScreen('3-focus-value-empathy');

		// 2. Shared terms: the facilitator puts a term on the screen; its merged wording is typed live.
		const termId = await add(ws.facilitator, 'shared-terms', {
			type: 'term',
			text: 'Qualified meeting',
			hint: 'When does a first meeting count as qualified?'
		});
		const board = connectPeer(
			suite.server.url,
			ws.facilitator,
			stageDocName(ws.workshopId, 'shared-terms')
		);
		peers.push(board);
		await board.whenSynced();
		await waitFor('the new term on the board', () => termText(board.doc, termId, TERM_TEXT.merged));
		const wordings: Record<TeamName, string> = {
			Sales:
				'A meeting with someone who owns the budget, booked within two weeks of the MQL, where the need and the timeline were both confirmed on the call.',
			Marketing:
				'Any first meeting with a lead that scored above sixty and came from a campaign in the last ninety days.',
			'Customer Success':
				'A meeting where the customer described the outcome they need, so onboarding can start from it.'
		};
		for (const team of TEAMS) {
			termText(board.doc, termId, TERM_TEXT.wording(teams[team]))!.insert(0, wordings[team]);
			termText(board.doc, termId, TERM_TEXT.fields(teams[team]))!.insert(
				0,
				'Budget, Authority, Need'
			);
		}
		await board.ack();
		await goTo('shared-terms', 'Shared terms');
		await controls()
			.getByLabel('Term on the projector')
			.selectOption({ label: 'Qualified meeting' });
		const term = projector.getByTestId('projector-term');
		await term.getByRole('heading', { name: 'Qualified meeting' }).waitFor();
		const merged = termText(board.doc, termId, TERM_TEXT.merged)!;
		merged.insert(0, 'A first meeting with the budget owner');
		await projector
			.getByTestId('projector-merged')
			.getByText('A first meeting with the budget owner')
			.waitFor();
		merged.insert(
			merged.length,
			', booked within two weeks of the MQL, need and timeline confirmed.'
		);
		await projector
			.getByTestId('projector-merged')
			.getByText(/need and timeline confirmed\.$/)
			.waitFor();
		for (const team of TEAMS) {
			await projector.getByTestId(`projector-wording-${team}`).getByText(wordings[team]).waitFor();
		}
		await checkScreen('4-shared-terms');
		// Left to itself, the projector follows the typing: someone drafts MQL, and MQL is shown.
		await controls()
			.getByLabel('Term on the projector')
			.selectOption({ label: 'The one being typed in' });
		const mql = listCards(board.doc, 'term').find((c) => c.text === 'MQL')!;
		termText(board.doc, mql.id, TERM_TEXT.merged)!.insert(0, 'Scored 60+ and engaged twice');
		await term.getByRole('heading', { name: 'MQL', exact: true }).waitFor();
		// On Shared terms the pages are the terms: from "the one being typed in", the first, then
		// the next.
		const next = controls().getByRole('button', { name: 'Next page' });
		await next.click();
		await expect.poll(() => controls().getByRole('combobox').inputValue()).toBe(mql.id);
		await next.click();
		await term.getByRole('heading', { name: 'SAL', exact: true }).waitFor();
		await term.getByText('Term 2 of 9').waitFor();

		// 3. Connections: the lead's journey, as before.
		await goTo('connections', 'Connections');
		await expect.poll(() => projector.getByTestId('journey-step').count()).toBe(7);
		await checkScreen('5-connections');

		// 4. Barriers: a private round shows counts only, then the revealed cards by category.
		const stageControl = (action: string) =>
			ws.facilitator.json('POST', api('/stages/barriers'), { action });
		await goTo('barriers', 'Barriers & incentives');
		expect((await stageControl('startPrivate')).status).toBe(200);
		const categories = ['incentives', 'metrics', 'technology', 'process', 'culture'];
		await thirtyCards('barriers', (team, i) => ({
			type: 'barrier',
			text: `${BARRIERS[i]} (${team})`,
			category: categories[i % categories.length]
		}));
		for (const team of TEAMS) {
			await projector.getByTestId(`projector-written-${team}`).getByText('10').waitFor();
		}
		expect(await projector.getByText(BARRIERS[0]!, { exact: false }).count()).toBe(0);
		await checkScreen('6-barriers-private-round');
		expect((await stageControl('reveal')).status).toBe(200);
		await projector.getByRole('heading', { name: /Conflicting metrics/ }).waitFor();
		await checkScreen('7-barriers-by-category');

		// The dot vote: its result takes the stage, then the console puts it away for the ranking.
		const barrierIds = await waitFor('the revealed barriers', async () => {
			const read = connectPeer(
				suite.server.url,
				ws.facilitator,
				stageDocName(ws.workshopId, 'barriers')
			);
			peers.push(read);
			await read.whenSynced();
			const ids = listCards(read.doc, 'barrier').map((c) => c.id);
			return ids.length === 30 ? ids : null;
		});
		const pollId = await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'dot',
			question: 'Which barriers hurt the shared goal most?',
			stageKey: 'barriers',
			dotBudget: 5,
			dotMaxPerCard: 3
		});
		expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
		for (const [n, team] of TEAMS.entries()) {
			const voter = new Voter(people[team], ws.workshopId, team, teams[team]);
			const ballot = { [barrierIds[0]!]: 2, [barrierIds[n + 1]!]: 2, [barrierIds[7]!]: 1 };
			expect((await voter.vote(pollId, ballot)).status).toBe(201);
		}
		for (const step of ['close', 'reveal'] as const) {
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, step)).status).toBe(200);
		}
		await projector.getByTestId('projector-poll').getByText('Result').waitFor();
		await checkScreen('8-barriers-vote-result');
		await controls().getByRole('button', { name: 'Show the board instead' }).click();
		await projector.getByTestId('projector-top-barriers').waitFor();
		await checkScreen('9-barriers-ranked');

		// 5. Measures: the table, thirty rows over pages, the header on each.
		await thirtyCards('measures', (team, i) => ({
			type: 'measure',
			text: `${['MQL → SQL conversion', 'Hand-off SLA adherence', 'Marketing-sourced pipeline', 'Win rate', 'Net revenue retention'][i % 5]} (${team})`,
			definition:
				i % 3 === 0
					? 'Share of MQLs that sales qualifies within 30 days of the hand-off'
					: 'Monthly, from the CRM',
			baseline: `${10 + i}%`,
			target: `${20 + i}%`,
			ownerTeamId: teams[team],
			system: 'CRM funnel report',
			...(i % 4 === 0 ? {} : { frequency: 'Monthly' })
		}));
		await add(ws.facilitator, 'measures', {
			type: 'cadence',
			text: 'Joint pipeline review',
			frequency: 'Every other Monday',
			nextReviewDate: '2027-02-01'
		});
		await goTo('measures', 'Measures & cadence');
		await pageLabel()
			.filter({ hasText: /Page 1 of [2-9]/ })
			.waitFor();
		await checkScreen('10-measures-page-1');
		await controls().getByRole('button', { name: 'Previous page' }).click();
		await pageLabel()
			.filter({ hasText: /Page ([2-9]) of \1/ })
			.waitFor();
		await checkScreen('11-measures-last-page');

		// 6. Agreements: the register, with evidence markers.
		const agree = async (i: number) => {
			const created = await ws.facilitator.json('POST', api('/agreements'), {
				statement: `${PHRASES[i % PHRASES.length]}, agreed by ${TEAMS[i % 3]}.`,
				ownerTeamId: teams[TEAMS[i % 3]!],
				ownerName: 'Tom Becker',
				dueDate: '2027-01-31',
				...(i % 3 === 0
					? {
							evidence: [
								{
									kind: 'quote',
									text: 'Nobody called us back for a week.',
									source: 'Lost deal, March'
								}
							]
						}
					: {})
			});
			expect(created.status).toBe(201);
		};
		await Promise.all(Array.from({ length: 30 }, (_, i) => agree(i)));
		await goTo('agreements', 'Agreements');
		await projector.getByTestId('projector-register-count').getByText('10').waitFor();
		await projector.getByText('No buyer evidence yet').first().waitFor();
		await checkScreen('12-agreements');

		// 7. A private moment: the board leaves the projector; the title and the timer stay.
		await controls().getByRole('button', { name: 'Hide from projector' }).click();
		await projector.getByTestId('projector-neutral').waitFor();
		expect(await projector.getByTestId('projector-pages').count()).toBe(0);
		await checkScreen('13-hidden');
		await controls().getByRole('button', { name: 'Show on projector' }).click();
		await projector.getByTestId('projector-register-count').waitFor();

		// 8. The spotlight takes the stage.
		const spotlit = await ws.facilitator.json('POST', api('/live'), {
			action: 'spotlight',
			stageKey: 'agreements',
			itemId: null,
			text: 'Only the buyer gets to be right: every agreement needs its evidence.',
			teamId: null
		});
		expect(spotlit.status).toBe(200);
		await projector.getByTestId('projector-spotlight').waitFor();
		await checkScreen('14-spotlight');
	});
});
