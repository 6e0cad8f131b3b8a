/**
 * The charter on paper: the page a leader prints from the browser, and the PDF export. Both
 * are written next to the screenshots (tests/e2e/__screenshots__/charter-print.pdf and
 * charter-export.pdf) so a person can render them to images and look at them; this test
 * checks what can be checked by machine: the printed page carries the document and none of
 * the screen's controls, nothing is wider than the paper, and no line of the PDF runs off its
 * page.
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inviteLeader, openLink, workshopWithCharterContent } from '../factories/charter';
import { launchChromium, shouldRunBrowserTests, SCREENSHOTS } from '../support/browser';
import { Client } from '../support/http';
import { serverForSuite } from '../support/suite';

describe.runIf(shouldRunBrowserTests)('the charter on paper', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
	});

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
