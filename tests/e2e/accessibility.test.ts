/**
 * axe-core in Chromium on the screens people use in the room: joining, the participant's
 * phone (with a poll open), the facilitator console and the projector (with a result
 * revealed), the charter, a leader's review, the leadership overview and the public
 * verification page. No serious or critical violation may remain. The same server and browser
 * then print a signed charter (the last test).
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { inviteLeader, openLink, workshopWithCharterContent } from '../factories/charter';
import { launchChromium, SCREENSHOTS, shouldRunBrowserTests } from '../support/browser';
import { Client } from '../support/http';
import { openAs } from '../support/room';
import { serverForSuite } from '../support/suite';
import { controlPoll, createPoll, Voter } from '../support/voting';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');

interface Violation {
	id: string;
	impact: string | null;
	help: string;
	nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Serious and critical violations on the page as it stands, described for a failure message. */
async function seriousViolations(page: Page): Promise<string[]> {
	// Evaluated by the browser's debugger, not as a page script: the page's Content-Security-Policy
	// rightly refuses an injected inline script, and its own scripts are what is checked here.
	await page.evaluate(axeSource);
	const violations = await page.evaluate(async () => {
		const axe = (
			window as unknown as {
				axe: { run: (o: unknown) => Promise<{ violations: Violation[]; passes: unknown[] }> };
			}
		).axe;
		const result = await axe.run({
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }
		});
		return { violations: result.violations, checked: result.passes.length };
	});
	// axe ran and checked rules on this page (a page it could not read would pass vacuously).
	expect(violations.checked).toBeGreaterThan(10);
	return violations.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map(
			(v) =>
				`${v.id} (${v.impact}): ${v.help} at ${v.nodes
					.slice(0, 3)
					.map((n) => JSON.stringify(n.target))
					.join(', ')}`
		);
}

describe.runIf(shouldRunBrowserTests)('accessibility (axe-core)', () => {
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

	async function open(
		client: Client | null,
		path: string,
		viewport = { width: 1280, height: 900 }
	) {
		const page = await openAs(browser, suite.server.url, client, path, { viewport });
		contexts.push(page.context());
		return page;
	}

	test('join, participant room, console and projector have no serious or critical violations', async () => {
		const url = suite.server.url;
		const id = workshop.workshopId;
		const found: Record<string, string[]> = {};

		found['join by code'] = await seriousViolations(
			await open(null, '/join', { width: 360, height: 780 })
		);
		found['join link'] = await seriousViolations(
			await open(null, `/j/${workshop.joinCode}`, { width: 360, height: 780 })
		);

		const people: Voter[] = [];
		for (const [team, name] of [
			['Sales', 'Sam'],
			['Sales', 'Sol'],
			['Sales', 'Sky'],
			['Marketing', 'Mia'],
			['Marketing', 'Max'],
			['Marketing', 'Mo']
		] as const) {
			people.push(
				new Voter(await joinAs(url, workshop.joinCode, workshop.teams[team]!, name), id, name)
			);
		}
		await workshop.facilitator.json('POST', `/api/workshops/${id}/live`, {
			action: 'goTo',
			stageKey: 'shared-terms'
		});
		const agreement = await workshop.facilitator.json('POST', `/api/workshops/${id}/agreements`, {
			statement: 'An MQL is a lead scored 60 or more.'
		});
		const revealed = await createPoll(workshop.facilitator, id, {
			kind: 'consent',
			agreementId: agreement.body.id
		});
		await controlPoll(workshop.facilitator, id, revealed, 'open');
		for (const voter of people) await voter.vote(revealed, 'agree');
		await controlPoll(workshop.facilitator, id, revealed, 'close');
		await controlPoll(workshop.facilitator, id, revealed, 'reveal');
		const open_ = await createPoll(workshop.facilitator, id, {
			kind: 'scale',
			question: 'How confident are you in the SLA?'
		});
		await controlPoll(workshop.facilitator, id, open_, 'open');

		const phone = await open(people[0]!.client, `/w/${id}`, { width: 360, height: 780 });
		await phone.getByTestId('ballot').waitFor();
		found['participant room'] = await seriousViolations(phone);

		const console_ = await open(workshop.facilitator, `/workshops/${id}/run`);
		await console_.getByTestId('polls-panel').getByTestId('poll-result').waitFor();
		found['facilitator console'] = await seriousViolations(console_);

		const projector = await open(workshop.facilitator, `/workshops/${id}/projector`, {
			width: 1920,
			height: 1080
		});
		await projector.getByTestId('projector-poll').waitFor();
		found['projector'] = await seriousViolations(projector);

		found['workshop set-up'] = await seriousViolations(
			await open(workshop.facilitator, `/workshops/${id}`)
		);

		expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
	});

	test('the charter, a leader’s review, the leadership overview and the public verification page have no serious or critical violations', async () => {
		const url = suite.server.url;
		const ws = await workshopWithCharterContent(url);
		const published = await ws.act('publish');
		const versionId = (published.data?.published as { id: string }).id;
		const link = await inviteLeader(ws, {
			name: 'Dana Diaz',
			title: 'VP Sales',
			email: 'dana@example.com'
		});
		const leader = new Client(url);
		await openLink(leader, link);
		const found: Record<string, string[]> = {};

		const charter = await open(ws.facilitator, ws.charterPath);
		await charter.getByRole('heading', { name: 'Charter', exact: true }).waitFor();
		found['facilitator charter'] = await seriousViolations(charter);

		const review = await open(leader, `/charters/${ws.workshopId}`);
		await review.getByRole('heading', { level: 1, name: /Alignment Charter/ }).waitFor();
		found['leader review'] = await seriousViolations(review);

		const overview = await open(leader, '/leadership');
		await overview.getByRole('heading', { name: 'Your charters' }).waitFor();
		found['leadership overview'] = await seriousViolations(overview);

		const verification = await open(null, `/verify/${versionId}`);
		found['verification'] = await seriousViolations(verification);

		expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
	});

	/**
	 * The charter on paper: the page a leader prints from the browser, and the PDF export. Both
	 * are written next to the screenshots (tests/e2e/__screenshots__/charter-print.pdf and
	 * charter-export.pdf) so a person can render them to images and look at them; this test
	 * checks what can be checked by machine: the printed page carries the document and none of
	 * the screen's controls, nothing is wider than the paper, and no line of the PDF runs off its
	 * page.
	 */
	test('the printed page and the PDF carry the signed charter and nothing of the screen', async () => {
		const url = suite.server.url;
		const ws = await workshopWithCharterContent(url);
		const leaders = [
			{ name: 'Dana Diaz', title: 'Chief Marketing Officer', email: 'dana@acme.test' },
			{ name: 'Vic Vance', title: 'VP Sales', email: 'vic@acme.test' }
		];
		const links = [];
		for (const leader of leaders) links.push(await inviteLeader(ws, leader));
		const published = await ws.act('publish');
		const version = published.data?.published as { id: string; hash: string };
		expect(version?.hash).toMatch(/^[0-9a-f]{64}$/);
		const clients = leaders.map(() => new Client(url));
		for (const [i, leader] of leaders.entries()) {
			await openLink(clients[i]!, links[i]!);
			const signed = await clients[i]!.action(`/charters/${ws.workshopId}?/sign`, {
				versionId: version.id,
				hash: version.hash,
				fullName: leader.name,
				title: leader.title,
				consent: 'yes'
			});
			expect(signed.type, JSON.stringify(signed)).toBe('success');
		}

		const context = await browser.newContext({ baseURL: url });
		await context.addCookies(
			[...clients[0]!.cookies].map(([name, value]) => ({ name, value, url }))
		);
		const page = await context.newPage();
		await page.goto(`/charters/${ws.workshopId}`);
		await page.getByRole('heading', { level: 1, name: /Alignment Charter/ }).waitFor();
		await page.emulateMedia({ media: 'print' });

		const onPaper = await page.evaluate(() => {
			const shown = (el: Element) => {
				const box = el.getBoundingClientRect();
				return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
			};
			const controls = [
				...document.querySelectorAll('button, input, textarea, select, summary, form, nav')
			]
				.filter(shown)
				.map((el) => `${el.tagName} “${(el.textContent ?? '').trim().slice(0, 40)}”`);
			const width = document.documentElement.clientWidth;
			const tooWide = [...document.querySelectorAll('body *')]
				.filter((el) => shown(el) && el.getBoundingClientRect().right > width + 1)
				.map((el) => `${el.tagName}.${el.className} ends at ${el.getBoundingClientRect().right}`);
			return { controls, tooWide, text: document.body.innerText };
		});
		expect(onPaper.controls).toEqual([]);
		expect(onPaper.tooWide).toEqual([]);
		// The document itself, its fingerprint and both signatures are on paper.
		expect(onPaper.text).toContain('Sales follows up every MQL within 24 hours');
		expect(onPaper.text).toContain(version.hash);
		expect(onPaper.text).toMatch(/Dana Diaz[\s\S]*signed as Dana Diaz/);
		expect(onPaper.text).toMatch(/Vic Vance[\s\S]*signed as Vic Vance/);
		fs.mkdirSync(SCREENSHOTS, { recursive: true });
		fs.writeFileSync(
			`${SCREENSHOTS}/charter-print.pdf`,
			await page.pdf({ format: 'A4', printBackground: true })
		);

		// The export: every line of text lies inside its page, with a margin.
		const { getDocumentProxy } = await import('unpdf');
		const exported = await clients[0]!.get(`/charters/${ws.workshopId}/versions/${version.id}/pdf`);
		expect(exported.status).toBe(200);
		const bytes = new Uint8Array(await exported.arrayBuffer());
		fs.writeFileSync(`${SCREENSHOTS}/charter-export.pdf`, bytes);
		const pdf = await getDocumentProxy(bytes);
		const outside: string[] = [];
		let lines = 0;
		for (let n = 1; n <= pdf.numPages; n++) {
			const pdfPage = await pdf.getPage(n);
			const [, , pageWidth, pageHeight] = pdfPage.view as [number, number, number, number];
			const { items } = await pdfPage.getTextContent();
			for (const item of items) {
				if (!('str' in item) || !item.str.trim()) continue;
				lines++;
				const [x, y] = [item.transform[4] as number, item.transform[5] as number];
				if (x < 18 || x + item.width > pageWidth - 18 || y < 18 || y > pageHeight - 18) {
					outside.push(
						`page ${n}: “${item.str.slice(0, 40)}” at ${Math.round(x)},${Math.round(y)}`
					);
				}
			}
		}
		expect(lines).toBeGreaterThan(40);
		expect(outside).toEqual([]);
		await context.close();
	});
});
