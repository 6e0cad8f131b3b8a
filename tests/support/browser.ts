/**
 * Finds a Chromium for the browser tests: an explicit path, Playwright's own download, then
 * the system's. Without one the browser tests are skipped with a loud notice, unless
 * REQUIRE_BROWSER=1 (CI), which turns a missing browser into a failure.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const SYSTEM_CANDIDATES = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome',
	'/usr/bin/google-chrome-stable',
	'/snap/bin/chromium',
	'/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
	'/Applications/Chromium.app/Contents/MacOS/Chromium'
];

export function findChromium(): string | undefined {
	const explicit = process.env.CHROMIUM_PATH || process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH;
	if (explicit) return explicit;
	let playwrights: string | undefined;
	try {
		playwrights = chromium.executablePath();
	} catch {
		playwrights = undefined;
	}
	return [playwrights, ...SYSTEM_CANDIDATES].find((p): p is string => !!p && fs.existsSync(p));
}

export const chromiumPath = findChromium();
export const isBrowserRequired = process.env.REQUIRE_BROWSER === '1';

if (!chromiumPath) {
	const notice = [
		'',
		'!'.repeat(78),
		'!! BROWSER TESTS SKIPPED: no Chromium found.',
		'!! Install one (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH.',
		isBrowserRequired
			? '!! REQUIRE_BROWSER=1 is set, so this run FAILS.'
			: '!! Set REQUIRE_BROWSER=1 to make this a failure.',
		'!'.repeat(78),
		''
	].join('\n');
	console.warn(notice);
}

/** Whether this run should run browser tests (true also when a required browser is missing, so they fail). */
export const shouldRunBrowserTests = !!chromiumPath || isBrowserRequired;

export async function launchChromium(): Promise<Browser> {
	if (!chromiumPath) {
		throw new Error(
			'REQUIRE_BROWSER=1 but no Chromium was found: install `chromium` or set CHROMIUM_PATH.'
		);
	}
	return chromium.launch({
		executablePath: chromiumPath,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run'
		]
	});
}

export const SCREENSHOTS = 'tests/e2e/__screenshots__';

/**
 * Saves the whole page as a test artifact, scrolled to the top so sticky bars sit where they
 * belong; with `firstScreen`, also what a phone shows before any scrolling.
 */
export async function saveScreenshot(
	page: Page,
	name: string,
	{ firstScreen = false } = {}
): Promise<void> {
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
	if (firstScreen) await page.screenshot({ path: `${SCREENSHOTS}/${name}-first-screen.png` });
}
