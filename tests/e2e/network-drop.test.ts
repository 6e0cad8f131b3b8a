/**
 * A participant's network drops for 30 seconds while they keep typing (Chromium, PGlite).
 *
 * Sam (Sales) and Mia (Marketing) are on Shared terms, both in MQL's merged wording. Sam's
 * phone loses its network for 30 s and Sam keeps typing: in the merged wording and in his
 * team's wording. Mia, online, types in the same merged wording meanwhile. While the network
 * is gone, Sam's screen says it is offline and nothing he types reaches anyone; when it comes
 * back, his screen reconnects by itself and says so, and Sam's phone, Mia's phone and the
 * server's document all hold the same text, with every character either of them typed.
 *
 * How the network is cut. Playwright's `context.setOffline(true)` does not cut a WebSocket
 * that is already open in this Chromium: the socket stays open and its frames are held, then
 * delivered when the context goes online again (a pause, not a drop; checked by hand against
 * a plain WebSocket server). So Sam's browser reaches the app through a TCP proxy of its own
 * (tests/support/tcp-proxy.ts) and the drop is both: the proxy resets Sam's connections and
 * turns new ones away (what a lost network does to a socket), and the context goes offline
 * (what the phone itself notices: `navigator.onLine`, the `offline` and `online` events).
 * Mia and the test's own reader connect to the server directly.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import { facilitatorWithWorkshop, joinAs } from '../factories/workshops';
import { launchChromium, saveScreenshot, shouldRunBrowserTests } from '../support/browser';
import type { Client } from '../support/http';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { serverForSuite } from '../support/suite';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const PHONE = { width: 360, height: 740 };
/** How long the network is gone: the scenario itself, not a wait for something. */
const DROP_MS = 30_000;

describe.runIf(shouldRunBrowserTests)('a participant’s network drops while they type', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;
	let proxy: TcpProxy;
	const contexts: BrowserContext[] = [];
	const peers: Peer[] = [];

	beforeAll(async () => {
		browser = await launchChromium();
		proxy = await startTcpProxy({ host: '127.0.0.1', port: suite.server.port });
	});
	afterAll(async () => {
		for (const peer of peers) peer.destroy();
		for (const context of contexts) await context.close();
		await browser?.close();
		await proxy?.close();
	});

	/** A phone in its own browser context, signed in as `client`, reaching the app at `origin`. */
	async function phone(client: Client, origin: string, workshopId: string) {
		const context = await browser.newContext({
			baseURL: origin,
			viewport: PHONE,
			isMobile: true,
			hasTouch: true
		});
		contexts.push(context);
		await context.addCookies(
			[...client.cookies].map(([name, value]) => ({ name, value, url: origin }))
		);
		const page = await context.newPage();
		await page.goto(`/w/${workshopId}`);
		await page.getByTestId('current-stage-title').getByText('Shared terms').waitFor();
		await status(page, 'live');
		return { context, page };
	}

	function status(page: Page, state: 'live' | 'offline') {
		return page.locator(`[data-testid="connection-status"][data-status="${state}"]`).waitFor();
	}

	/** Types at the very end of a textarea, as someone adding to it would. */
	async function typeAtEnd(area: Locator, text: string) {
		await area.evaluate((e: HTMLTextAreaElement) => {
			e.focus();
			e.setSelectionRange(e.value.length, e.value.length);
		});
		await area.pressSequentially(text);
	}

	test('Sam types through a 30-second drop while Mia types too: everything merges and the screen says what happened', async () => {
		const direct = suite.server.url;
		const viaProxy = `http://127.0.0.1:${proxy.port}`;
		const ws = await facilitatorWithWorkshop(direct);
		const id = ws.workshopId;
		const moved = await ws.facilitator.json('POST', `/api/workshops/${id}/live`, {
			action: 'goTo',
			stageKey: 'shared-terms'
		});
		expect(moved.status).toBe(200);
		const [samClient, miaClient] = await Promise.all([
			joinAs(viaProxy, ws.joinCode, ws.teams.Sales!, 'Sam from Sales'),
			joinAs(direct, ws.joinCode, ws.teams.Marketing!, 'Mia from Marketing')
		]);
		const [sam, mia] = await Promise.all([
			phone(samClient, viaProxy, id),
			phone(miaClient, direct, id)
		]);
		const reader = connectPeer(direct, ws.facilitator, stageDocName(id, 'shared-terms'));
		peers.push(reader);
		await reader.whenSynced();
		const mql = listCards(reader.doc, 'term').find((card) => card.text === 'MQL')!;
		const onServer = {
			merged: () => termText(reader.doc, mql.id, TERM_TEXT.merged)?.toString() ?? '',
			sales: () => termText(reader.doc, mql.id, TERM_TEXT.wording(ws.teams.Sales!))?.toString()
		};

		const samMerged = sam.page.getByTestId('term-mql').getByTestId('merged-wording');
		const samWording = sam.page.getByTestId('term-mql').getByTestId('wording-Sales');
		const miaMerged = mia.page.getByTestId('term-mql').getByTestId('merged-wording');
		const miaSeesSales = mia.page.getByTestId('term-mql').getByTestId('wording-Sales');
		await typeAtEnd(samMerged, 'An MQL is a lead.');
		await expect.poll(() => miaMerged.inputValue()).toBe('An MQL is a lead.');

		// The network goes.
		proxy.cut();
		await sam.context.setOffline(true);
		const droppedAt = Date.now();
		await status(sam.page, 'offline');
		await sam.page.getByTestId('connection-status').getByText('Offline').waitFor();

		// Sam keeps typing the whole time; Mia types in the same wording meanwhile.
		const samTyped: string[] = [];
		const miaTyped: string[] = [];
		await typeAtEnd(samWording, 'Scored 50+ and asked for a demo');
		for (let round = 0; Date.now() - droppedAt < DROP_MS - 3_000; round++) {
			const chunk = ` [Sam ${round}]`;
			await typeAtEnd(samMerged, chunk);
			samTyped.push(chunk);
			if (round === 1 || round === 5) {
				const said = round === 1 ? ' Mia: two visits in 30 days.' : ' Mia: and a form.';
				await typeAtEnd(miaMerged, said);
				miaTyped.push(said);
			}
			// Nothing of it gets out, nothing gets in, and the screen keeps saying so.
			expect(onServer.merged()).not.toContain('[Sam');
			expect(await miaMerged.inputValue()).not.toContain('[Sam');
			expect(await samMerged.inputValue()).not.toContain('Mia:');
			expect(await sam.page.getByTestId('connection-status').getAttribute('data-status')).toBe(
				'offline'
			);
			await sam.page.waitForTimeout(2_500);
		}
		expect(samTyped.length).toBeGreaterThanOrEqual(8);
		expect(miaTyped.length).toBe(2);
		await expect.poll(() => onServer.merged()).toContain(miaTyped.join(''));
		expect(onServer.sales() ?? '').toBe('');
		await saveScreenshot(sam.page, 'network-drop-1-offline');
		const samExpected = `An MQL is a lead.${samTyped.join('')}`;
		expect(await samMerged.inputValue()).toBe(samExpected);
		// The rest of the 30 seconds.
		await sam.page.waitForTimeout(Math.max(0, DROP_MS - (Date.now() - droppedAt)));

		// The network comes back: Sam's phone reconnects by itself and the state clears.
		proxy.restore();
		await sam.context.setOffline(false);
		await status(sam.page, 'live');
		await sam.page.getByTestId('connection-status').getByText('Live').waitFor();

		const complete = (text: string) =>
			text.startsWith('An MQL is a lead.') &&
			text.includes(samTyped.join('')) &&
			text.includes(miaTyped.join('')) &&
			text.length === samExpected.length + miaTyped.join('').length;
		await waitFor('the server to hold both people’s text', () => complete(onServer.merged()));
		const merged = onServer.merged();
		await expect.poll(() => samMerged.inputValue()).toBe(merged);
		await expect.poll(() => miaMerged.inputValue()).toBe(merged);
		await expect.poll(() => onServer.sales()).toBe('Scored 50+ and asked for a demo');
		await miaSeesSales.getByText('Scored 50+ and asked for a demo').waitFor();
		await saveScreenshot(sam.page, 'network-drop-2-back');
		console.log(
			`offline ${Math.round((Date.now() - droppedAt) / 1000)} s; merged wording: ${merged}`
		);
	});

	test("Sol, moved to Marketing while offline, sees what he typed in Sales' wording undone and writes as Marketing", async () => {
		// While offline, Sol's screen still offers Sales' wording as his own; what he types there
		// is sent when the network is back, after the move: the server refuses it (another team's
		// text), his phone starts over from the server's copy and reloads who he is.
		const direct = suite.server.url;
		const viaProxy = `http://127.0.0.1:${proxy.port}`;
		const ws = await facilitatorWithWorkshop(direct);
		const id = ws.workshopId;
		const moved = await ws.facilitator.json('POST', `/api/workshops/${id}/live`, {
			action: 'goTo',
			stageKey: 'shared-terms'
		});
		expect(moved.status).toBe(200);
		const solClient = await joinAs(viaProxy, ws.joinCode, ws.teams.Sales!, 'Sol from Sales');
		const sol = await phone(solClient, viaProxy, id);
		const reader = connectPeer(direct, ws.facilitator, stageDocName(id, 'shared-terms'));
		peers.push(reader);
		await reader.whenSynced();
		const mql = listCards(reader.doc, 'term').find((card) => card.text === 'MQL')!;
		const onServer = (teamName: string) =>
			termText(reader.doc, mql.id, TERM_TEXT.wording(ws.teams[teamName]!))?.toString();
		const term = sol.page.getByTestId('term-mql');
		/** What a wording shows: the textarea's value for one's own team, the text for others. */
		const shown = (teamName: string) =>
			term
				.getByTestId(`wording-${teamName}`)
				.evaluate((e) => (e instanceof HTMLTextAreaElement ? e.value : (e.textContent ?? '')));

		await typeAtEnd(term.getByTestId('wording-Sales'), 'Budget confirmed');
		await expect.poll(() => onServer('Sales')).toBe('Budget confirmed');

		proxy.cut();
		await sol.context.setOffline(true);
		await status(sol.page, 'offline');
		await typeAtEnd(term.getByTestId('wording-Sales'), ' and typed offline');
		const page = await (await ws.facilitator.get(`/workshops/${id}`)).text();
		const participantId = /Sol from Sales[\s\S]*?name="participantId" value="([a-z2-7]+)"/.exec(
			page
		)![1]!;
		const move = await ws.facilitator.action(`/workshops/${id}?/moveParticipant`, {
			participantId,
			teamId: ws.teams.Marketing!
		});
		expect(move.type).toBe('success');
		proxy.restore();
		await sol.context.setOffline(false);

		// Sol's phone shows the server's text again, tells him, and now offers Marketing's.
		await sol.page.getByTestId('edit-undone').waitFor();
		await expect.poll(() => shown('Sales')).toBe('Budget confirmed');
		await term.locator('textarea[data-testid="wording-Marketing"]').waitFor();
		await status(sol.page, 'live');
		await typeAtEnd(term.getByTestId('wording-Marketing'), 'Engaged twice in 30 days');
		await expect.poll(() => onServer('Marketing')).toBe('Engaged twice in 30 days');
		expect(onServer('Sales')).toBe('Budget confirmed');
		await saveScreenshot(sol.page, 'network-drop-3-edit-undone');
	});
});
