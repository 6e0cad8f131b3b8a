/**
 * A phone's tab is left open across a release (Chromium, PGlite).
 *
 * Two builds: this run's own build, and an older one made from a copy of it in which the build's
 * version name and the document-shape tag (src/lib/collab/compat.ts) are rewritten to an
 * earlier value, which is all that tells two releases apart to a page and to the realtime
 * server. Sam's phone loads the workshop from the older build and types. The server is replaced
 * by the current build on the same port and database while Sam's network is down, and Sam keeps
 * typing. When his phone reconnects, the server refuses the older page's documents (close 4426)
 * and the screen says a new version is available, with Reload; nothing Sam typed reaches the
 * server from the old page. After Reload, the page is the new build, and what Sam typed while
 * the server was being replaced reaches it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { DOCUMENT_SCHEMA } from '../../src/lib/collab/compat';
import { stageDocName } from '../../src/lib/collab/doc-names';
import { facilitatorWithWorkshop, joinAs } from '../factories/workshops';
import { launchChromium, saveScreenshot, shouldRunBrowserTests } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { connectPeer, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

const OLDER_SCHEMA = 'cg-documents-0';

/**
 * A copy of build/ whose version name and document-shape tag are an earlier release's. It sits
 * under node_modules so the copy's server finds the packages as build/server.js does.
 */
function makeOlderBuild(): string {
	const versionFile = path.resolve('build/client/_app/version.json');
	const name = (JSON.parse(fs.readFileSync(versionFile, 'utf8')) as { version: string }).version;
	expect(name).toMatch(/^cg-build-/);
	fs.mkdirSync(path.resolve('node_modules/.cache'), { recursive: true });
	const older = fs.mkdtempSync(path.resolve('node_modules/.cache/cg-older-build-'));
	fs.cpSync(path.resolve('build'), older, { recursive: true });
	let rewritten = 0;
	const rewrite = (dir: string) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const file = path.join(dir, entry.name);
			if (entry.isDirectory()) rewrite(file);
			// Precompressed twins would still hold the build's own text: served plain instead.
			else if (/\.(br|gz)$/.test(entry.name)) fs.rmSync(file);
			else if (/\.(js|json|html)$/.test(entry.name)) {
				const text = fs.readFileSync(file, 'utf8');
				const changed = text
					.replaceAll(name, `${name}-older`)
					.replaceAll(DOCUMENT_SCHEMA, OLDER_SCHEMA);
				if (changed !== text) {
					fs.writeFileSync(file, changed);
					rewritten++;
				}
			}
		}
	};
	rewrite(older);
	// The server, the page's code and version.json at least.
	expect(rewritten).toBeGreaterThanOrEqual(3);
	return older;
}

describe.runIf(shouldRunBrowserTests)('a tab left open across a release', () => {
	let database: TestDatabase;
	let olderBuild: string;
	let browser: Browser;
	const servers: RunningServer[] = [];
	const peers: Peer[] = [];

	beforeAll(async () => {
		database = await createTestDatabase('pglite');
		olderBuild = makeOlderBuild();
		browser = await launchChromium();
	});
	afterAll(async () => {
		for (const peer of peers) peer.destroy();
		await browser?.close();
		for (const server of servers) await server.stop();
		await database?.drop();
		if (olderBuild) fs.rmSync(olderBuild, { recursive: true, force: true });
	});

	test('the older page is told to reload and loses nothing typed while the server was replaced', async () => {
		const older = await startServer(
			database,
			{ MIGRATIONS_DIR: path.resolve('drizzle') },
			{ entry: path.join(olderBuild, 'server.js') }
		);
		servers.push(older);
		const ws = await facilitatorWithWorkshop(older.url);
		const id = ws.workshopId;
		const moved = await ws.facilitator.json('POST', `/api/workshops/${id}/live`, {
			action: 'goTo',
			stageKey: 'shared-terms'
		});
		expect(moved.status).toBe(200);
		const sam = await joinAs(older.url, ws.joinCode, ws.teams.Sales!, 'Sam from Sales');

		const context = await browser.newContext({
			baseURL: older.url,
			viewport: { width: 390, height: 844 },
			isMobile: true,
			hasTouch: true
		});
		await context.addCookies(
			[...sam.cookies].map(([name, value]) => ({ name, value, url: older.url }))
		);
		const page = await context.newPage();
		// Both builds name their files alike (one is a rewritten copy of the other), so the
		// browser's cache would serve the older page's code to the reloaded one; two real
		// releases differ in their files' names.
		const devtools = await context.newCDPSession(page);
		await devtools.send('Network.enable');
		await devtools.send('Network.setCacheDisabled', { cacheDisabled: true });
		await page.goto(`/w/${id}`);
		const status = (state: string) =>
			page.locator(`[data-testid="connection-status"][data-status="${state}"]`);
		await status('live').waitFor();
		const wording = page.getByTestId('term-mql').getByTestId('wording-Sales');
		await wording.click();
		await wording.pressSequentially('Scored 50+');

		const serverHolds = async (url: string) => {
			const reader = connectPeer(url, ws.facilitator, stageDocName(id, 'shared-terms'));
			peers.push(reader);
			await reader.whenSynced();
			const mql = listCards(reader.doc, 'term').find((card) => card.text === 'MQL')!;
			return () =>
				termText(reader.doc, mql.id, TERM_TEXT.wording(ws.teams.Sales!))?.toString() ?? '';
		};
		const onOlder = await serverHolds(older.url);
		await waitFor('the older server to hold what Sam typed', () => onOlder() === 'Scored 50+');

		// The release: the older server stops, and Sam types on while it is gone.
		expect(await older.stop()).toBe(0);
		await status('offline').waitFor();
		await wording.pressSequentially(' and asked for a demo');

		const current = await startServer(database, { PORT: String(older.port) });
		servers.push(current);
		const notice = page.getByTestId('new-version');
		// The page may reconnect on its own first, when its back-off runs out; the button is then
		// gone, and the notice is what counts.
		const retry = page.getByRole('button', { name: 'Retry now' });
		await Promise.race([notice.waitFor(), retry.click().catch(() => notice.waitFor())]);
		await notice.getByText('A new version of Common Ground is available.').waitFor();
		// The connection's own line says why it stopped (read aloud; the phone shows only its dot).
		await expect
			.poll(() => page.getByTestId('connection-status').textContent())
			.toContain('A new version of Common Ground is available: reload the page.');
		await saveScreenshot(page, 'version-skew-1-new-version');
		const onCurrent = await serverHolds(current.url);
		expect(onCurrent()).toBe('Scored 50+');
		expect(await wording.inputValue()).toBe('Scored 50+ and asked for a demo');

		await notice.getByRole('button', { name: 'Reload' }).click();
		await status('live').waitFor();
		await expect
			.poll(() => page.evaluate(() => fetch('/_app/version.json').then((r) => r.json())))
			.not.toMatchObject({ version: expect.stringMatching(/-older$/) });
		await waitFor('the current server to hold what Sam typed while it was replaced', () =>
			onCurrent().includes('Scored 50+ and asked for a demo')
		);
		expect(onCurrent()).toBe('Scored 50+ and asked for a demo');
		await expect.poll(() => wording.inputValue()).toBe('Scored 50+ and asked for a demo');
		expect(await page.getByTestId('new-version').count()).toBe(0);
		await context.close();
	});
});
