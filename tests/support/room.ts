/**
 * What the browser tests do in the room the way a person does it: join by code on the real
 * form, open a page signed in as someone, move everyone from the console, record an agreement,
 * cast a ballot, sign a charter; and what they check on every screen (a phone's fit, no
 * sideways scrolling, controls named by their words).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Client } from './http';

/** The narrowest phone the room is made for. */
export const PHONE = { width: 360, height: 740 };
/** A common larger phone. */
export const LARGE_PHONE = { width: 390, height: 844 };
export const LAPTOP = { width: 1440, height: 900 };
export const PROJECTOR = { width: 1920, height: 1080 };

type ContextOptions = NonNullable<Parameters<Browser['newContext']>[0]>;

/** The options of a browser context on a phone of this size (touch, mobile layout). */
export function phoneContext(viewport = PHONE): ContextOptions {
	return { viewport, isMobile: true, hasTouch: true };
}

/** Gives a browser context the cookies a test client holds (a facilitator or a participant). */
export async function addCookiesOf(context: BrowserContext, client: Client, url: string) {
	await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url })));
}

/**
 * A page in a browser context of its own, signed in as `client` (a facilitator or a participant
 * made by the factories; null for someone signed in as nobody), opened at `path`.
 */
export async function openAs(
	browser: Browser,
	url: string,
	client: Client | null,
	path: string,
	options: ContextOptions = { viewport: LAPTOP }
): Promise<Page> {
	const context = await browser.newContext({ baseURL: url, ...options });
	if (client) await addCookiesOf(context, client, url);
	const page = await context.newPage();
	await page.goto(path);
	return page;
}

/**
 * Joins on the real form, as a person does: the code shown on the screen (typed in lower
 * case), then a name and a team; answers once the room greets the person by name.
 */
export async function joinByCode(
	page: Page,
	joinCode: string,
	displayName: string,
	team: string
): Promise<void> {
	await page.goto('/join');
	await page.getByLabel('Code shown on the screen').fill(joinCode.toLowerCase());
	await page.getByRole('button', { name: 'Continue' }).click();
	await page.getByLabel('Your name, as others will see it').fill(displayName);
	await page.getByLabel(team, { exact: true }).check();
	await page.getByRole('button', { name: 'Join' }).click();
	await page.getByTestId('me').filter({ hasText: displayName }).waitFor();
}

/**
 * Adds a card from a participant's board: the "Add …" button, the form's fields by their labels
 * (texts typed, `choose` for the selects), then "Add"; answers once the server took the card
 * and the form closed.
 */
export async function addCard(
	page: Page,
	add: string,
	fields: Record<string, string>,
	choose: Record<string, string> = {}
): Promise<void> {
	await page.getByRole('button', { name: add, exact: true }).click();
	const form = page.getByRole('form', { name: add });
	for (const [label, value] of Object.entries(fields)) {
		await form.getByLabel(label, { exact: true }).fill(value);
	}
	for (const [label, option] of Object.entries(choose)) {
		// Not exact: a label wrapped round a select takes in the options' words.
		await form.getByLabel(label).selectOption({ label: option });
	}
	await form.getByRole('button', { name: 'Add', exact: true }).click();
	// Closed once the server took the card; a refusal stays in the form, in words: say them.
	const refusal = form.getByRole('alert');
	const state = async () => {
		if ((await form.count()) === 0) return 'added';
		if ((await refusal.count()) > 0) return `refused: ${await refusal.innerText()}`;
		return 'open';
	};
	let outcome = 'open';
	await expect
		.poll(async () => (outcome = await state()), { timeout: 30_000 })
		.not.toBe('open')
		.catch(async () => {
			const text = await form
				.getByRole('textbox')
				.first()
				.inputValue()
				.catch(() => '?');
			throw new Error(`"${add}" neither closed nor said why in 30 s (its text: "${text}")`);
		});
	if (outcome !== 'added') throw new Error(`"${add}" was ${outcome}`);
}

/** The console's "Bring everyone here" on a stage; answers once the console shows it current. */
export async function bringEveryoneTo(console_: Page, stageKey: string, title: string) {
	// The button is the page script's: a press before it runs goes nowhere.
	await console_.locator('body[data-hydrated="true"]').waitFor();
	await console_
		.getByTestId(`console-stage-${stageKey}`)
		.getByRole('button', { name: 'Bring everyone here' })
		.click();
	await console_.getByTestId('current-stage-title').filter({ hasText: title }).waitFor();
}

/** Waits until every page (the room's, the console or the projector) shows this stage. */
export async function waitForStage(pages: Page[], title: string) {
	await Promise.all(
		pages.map((page) =>
			page
				.locator('[data-testid="current-stage-title"], [data-testid="projector-stage-title"]')
				.filter({ hasText: title })
				.waitFor()
		)
	);
}

export interface AgreementFields {
	statement?: string;
	ownerTeam?: string;
	ownerName?: string;
	dueDate?: string;
	metric?: string;
	evidence?: { kind: string; text: string; source?: string };
}

/** Fills the console's agreement dialog and records the agreement. */
export async function recordAgreement(dialog: Locator, fields: AgreementFields) {
	if (fields.statement !== undefined) await dialog.getByLabel('Statement').fill(fields.statement);
	if (fields.ownerTeam) {
		await dialog.getByLabel('Owner team').selectOption({ label: fields.ownerTeam });
	}
	if (fields.ownerName) await dialog.getByLabel('Owner name').fill(fields.ownerName);
	if (fields.dueDate) await dialog.getByLabel('Due date (YYYY-MM-DD)').fill(fields.dueDate);
	if (fields.metric) await dialog.getByLabel('Linked metric').fill(fields.metric);
	if (fields.evidence) {
		await dialog.getByLabel('Kind').selectOption({ label: fields.evidence.kind });
		await dialog.getByLabel('Evidence', { exact: true }).fill(fields.evidence.text);
		if (fields.evidence.source) await dialog.getByLabel('Source').fill(fields.evidence.source);
	}
	await dialog.getByRole('button', { name: 'Record agreement' }).click();
	await dialog.waitFor({ state: 'hidden' });
}

/** The register's entry for an agreement, by its statement. */
export function registerEntry(page: Page, statement: string): Locator {
	return page
		.getByTestId('register')
		.locator('li.entry')
		.filter({ has: page.getByText(statement, { exact: true }) });
}

/** Casts a consent or single-choice ballot on a participant's screen. */
export async function castChoice(page: Page, option: string, reason?: string) {
	const ballot = page.getByTestId('ballot');
	await ballot.getByRole('radio', { name: option, exact: true }).check();
	if (reason !== undefined) await ballot.getByLabel(/Reason/).fill(reason);
	const isChange = (await ballot.getByRole('button', { name: 'Change my vote' }).count()) > 0;
	await ballot.getByRole('button', { name: isChange ? 'Change my vote' : 'Cast my vote' }).click();
	await page
		.getByTestId('ballot-cast')
		.getByText(`Your vote is ${isChange ? 'changed' : 'in'}. You voted: ${option}.`)
		.waitFor();
}

/** Places dots (card text → number) on a participant's dot-vote ballot and casts it. */
export async function castDots(page: Page, dots: Record<string, number>) {
	const ballot = page.getByTestId('ballot');
	for (const [label, n] of Object.entries(dots)) {
		const more = ballot.getByRole('button', { name: `One dot more on ${label}`, exact: true });
		for (let i = 0; i < n; i++) await more.click();
		await ballot
			.getByLabel(`Dots on ${label}`, { exact: true })
			.filter({ hasText: String(n) })
			.waitFor();
	}
	await ballot.getByRole('button', { name: 'Cast my vote' }).click();
	await page.getByTestId('ballot-cast').getByText('Your vote is in.').waitFor();
}

/** Signs the charter version a leader's page shows, with the mouse. */
export async function signCharter(page: Page, fullName: string, title: string, version: number) {
	await page.getByLabel('Your full name').fill(fullName);
	await page.getByLabel('Your title').fill(title);
	await page.getByRole('checkbox', { name: /I agree to it/ }).check();
	await page.getByRole('button', { name: `Sign version ${version}` }).click();
	await page.getByText(`You have signed version ${version}.`).waitFor();
}

/**
 * What makes a phone screen hard to use: a page wider than the screen, or a control smaller
 * than a fingertip (44 px). Checkboxes and radio buttons count by their label, which is the
 * target.
 */
export async function phoneProblems(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		// Against the layout viewport: a phone zooms out to show a page wider than itself, and
		// then the window (innerWidth) is as wide as the page.
		const { scrollWidth, clientWidth } = document.documentElement;
		if (scrollWidth > clientWidth) problems.push(`the page is ${scrollWidth} px wide`);
		const controls = document.querySelectorAll(
			'.room-header button, main button, main textarea, main select, main summary, main input:not([type="checkbox"]):not([type="radio"])'
		);
		for (const control of controls) {
			const box = control.getBoundingClientRect();
			if (box.width === 0) continue;
			if (box.height < 44 || box.width < 44) {
				const name = control.textContent?.trim() || control.getAttribute('aria-label') || '';
				problems.push(`${control.tagName} "${name}" is ${box.width}×${box.height} px`);
			}
		}
		return problems;
	});
}

/**
 * What a person in the back row of the room would miss on a projector's screen: a page larger
 * than the screen (a scroll bar), an element that cuts its content off (any overflow that is
 * not visible and holds more than it shows), an element outside the screen, and text under
 * 24 px. Text for screen readers only is clipped on purpose and left out.
 */
export function projectorProblems(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		const root = document.documentElement;
		if (root.scrollWidth > root.clientWidth || root.scrollHeight > root.clientHeight) {
			problems.push(`the page is ${root.scrollWidth}×${root.scrollHeight}, beyond the screen`);
		}
		const name = (el: Element) =>
			`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''} “${(el.textContent ?? '').trim().slice(0, 40)}”`;
		for (const el of document.body.querySelectorAll('*')) {
			if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
			// Text for screen readers only is clipped to 1×1 px on purpose.
			if (el.closest('.visually-hidden')) continue;
			const box = el.getBoundingClientRect();
			const style = getComputedStyle(el);
			const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible';
			if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
				problems.push(
					`${name(el)} cuts off ${el.scrollWidth}×${el.scrollHeight} to ${el.clientWidth}×${el.clientHeight}`
				);
			}
			if (
				box.right > innerWidth + 1 ||
				box.bottom > innerHeight + 1 ||
				box.left < -1 ||
				box.top < -1
			) {
				problems.push(`${name(el)} lies outside the screen (${Math.round(box.bottom)} px down)`);
			}
			const hasText = [...el.childNodes].some(
				(n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''
			);
			if (hasText && parseFloat(style.fontSize) < 24) {
				problems.push(`${name(el)} is set in ${style.fontSize}`);
			}
		}
		return problems;
	});
}

/** How far the page scrolls sideways (0 when it fits its window). */
export function sidewaysScroll(page: Page): Promise<number> {
	return page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
}

/**
 * Every visible button and link (in `main` unless told otherwise) is named by its visible words,
 * which is what a voice-control user says to press it. Each distinct control is checked once.
 */
export async function expectControlsNamedByTheirWords(
	page: Page,
	selector = 'main button, main a[href]'
) {
	const controls = await page.evaluate(
		(selector) =>
			[...document.querySelectorAll<HTMLElement>(selector)]
				.filter((el) => el.checkVisibility())
				.map((el) => ({
					role: el.tagName === 'A' ? ('link' as const) : ('button' as const),
					words: el.innerText.trim().replace(/\s+/g, ' ')
				})),
		selector
	);
	expect(controls.length).toBeGreaterThan(0);
	const distinct = new Map(controls.map((c) => [`${c.role} ${c.words}`, c]));
	for (const { role, words } of distinct.values()) {
		expect(
			await page.getByRole(role, { name: words, exact: true }).count(),
			`${role} “${words}”`
		).toBeGreaterThan(0);
	}
}
