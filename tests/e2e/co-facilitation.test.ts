/**
 * Two consoles run one stage together while a phone follows: each console sees the other's
 * presence, one locks while the other reveals, and the phone ends on the one consistent state.
 * The two consoles are the workshop's facilitator and a colleague of the same firm, a producer
 * who joined by the invitation link the facilitator copied (no mail server here).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { launchChromium, shouldRunBrowserTests } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { bringEveryoneTo, openAs, phoneContext } from '../support/room';
import { startServer, type RunningServer } from '../support/server';

describe.runIf(shouldRunBrowserTests)('two facilitators run one stage together', () => {
	let database: TestDatabase;
	let server: RunningServer;
	let browser: Browser;
	let ws: FacilitatorWithWorkshop;
	let secondSession: Client;
	let sam: Client;

	beforeAll(async () => {
		database = await createTestDatabase('pglite');
		[server, browser] = await Promise.all([startServer(database), launchChromium()]);
		ws = await facilitatorWithWorkshop(server.url);
		const invited = await ws.facilitator.action('/firm?/invite', {
			email: 'pat@firm.example',
			role: 'producer'
		});
		const link = (invited.data?.invited as { link: string | null } | undefined)?.link;
		const path = /\/invitations\/[a-z2-7]{32}/.exec(link ?? '')?.[0];
		if (!path) throw new Error(`no invitation link: ${JSON.stringify(invited)}`);
		secondSession = new Client(server.url);
		await secondSession.action(`/signup?next=${encodeURIComponent(path)}`, {
			name: 'Pat Producer',
			email: 'pat@firm.example',
			password: 'a long enough password'
		});
		const accepted = await secondSession.action(path, {});
		if (accepted.type !== 'redirect') throw new Error(`not accepted: ${JSON.stringify(accepted)}`);
		sam = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Sam from Sales');
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await database?.drop();
	});

	const hydrated = (page: Page) => page.locator('body[data-hydrated="true"]').waitFor();

	test('A sees what B is doing; B locks while A reveals; the phone shows the one result', async () => {
		const id = ws.workshopId;
		const [a, b, phone] = await Promise.all([
			openAs(browser, server.url, ws.facilitator, `/workshops/${id}/run`),
			openAs(browser, server.url, secondSession, `/workshops/${id}/run`),
			openAs(browser, server.url, sam, `/w/${id}`, phoneContext())
		]);
		await Promise.all([a, b, phone].map(hydrated));

		// Each console lists the other.
		await a.getByTestId('co-facilitator').filter({ hasText: 'Pat Producer' }).waitFor();
		await b.getByTestId('co-facilitator').filter({ hasText: 'Fran Facilitator' }).waitFor();

		await bringEveryoneTo(a, 'shared-terms', 'Shared terms');
		await b.getByTestId('current-stage-title').filter({ hasText: 'Shared terms' }).waitFor();
		await phone.getByTestId('current-stage-title').filter({ hasText: 'Shared terms' }).waitFor();

		await a.getByRole('button', { name: 'Private writing' }).click();
		await phone.getByTestId('private-notice').waitFor();
		const card = await sam.json('POST', `/api/workshops/${id}/stages/shared-terms/cards`, {
			type: 'term',
			text: 'Sales accepted lead'
		});
		expect(card.status).toBe(201);

		// B starts the timer: A sees B at it.
		await b.getByRole('button', { name: 'Start', exact: true }).click();
		await a
			.getByTestId('co-facilitator')
			.filter({ hasText: 'Pat Producer is editing the timer' })
			.waitFor();
		await phone.locator('[data-testid="timer"][data-state="running"]').waitFor();

		// B locks while A reveals.
		await Promise.all([
			b.getByRole('button', { name: 'Lock', exact: true }).click(),
			a.getByRole('button', { name: 'Reveal', exact: true }).click()
		]);
		for (const console_ of [a, b]) {
			await console_.locator('[data-testid="lock-state"][data-locked="true"]').waitFor();
			await console_
				.locator('[data-testid="private-state"][data-private="false"]')
				.filter({ hasText: 'Revealed' })
				.waitFor();
		}
		await expect
			.poll(
				async () =>
					(await a.getByTestId('console-error').count()) +
					(await b.getByTestId('console-error').count())
			)
			.toBe(0);
		await phone.getByTestId('locked-notice').waitFor();
		await phone.getByText('Sales accepted lead').first().waitFor();
		expect(await phone.getByTestId('private-notice').count()).toBe(0);
		await a
			.getByTestId('co-facilitator')
			.filter({ hasText: 'Pat Producer is locking or revealing the board' })
			.waitFor();

		// A writes the stage's notes; the run-sheet shows the stage running.
		await a.getByLabel('Notes for Shared terms').fill('Draw in Marketing on the SAL wording.');
		await a.getByRole('button', { name: 'Save notes' }).click();
		await a.getByTestId('stage-notes').getByText('Saved.').waitFor();
		await a.getByTestId('run-sheet-shared-terms').waitFor();
		expect(await phone.getByText('Draw in Marketing').count()).toBe(0);

		// A producer's console has no votes or charter to run: it shows no poll controls, and the
		// server refuses them.
		await a.getByRole('button', { name: 'New poll' }).waitFor();
		await b.getByTestId('polls-for-producer').waitFor();
		expect(await b.getByRole('button', { name: 'New poll' }).count()).toBe(0);
		const poll = await secondSession.json('POST', `/api/workshops/${id}/polls`, {
			kind: 'consent',
			question: 'Adopt the SAL wording?'
		});
		expect(poll.status).toBe(403);

		// B's console goes away; A carries on and nothing is lost.
		await b.context().close();
		await a.getByTestId('co-facilitators').getByText('Only you.').waitFor();
		await a.getByRole('button', { name: 'Unlock', exact: true }).click();
		await phone.getByTestId('locked-notice').waitFor({ state: 'detached' });
		await phone.getByText('Sales accepted lead').first().waitFor();
	});
});
