/**
 * A review session three months after signing, in Chromium: the server's scheduling clock is
 * moved by CG_TEST_CLOCK_OFFSET (tests only), the charter (from the factory) is signed, the
 * facilitator sees the review due and starts one on a clause, three phones pulse it
 * anonymously, the room marks it for change, the amendment becomes version 2 and the leader
 * signs it again; the leadership overview then shows the clause's pulse. A phone proposes an
 * item for the shared learning agenda, the leader accepts it, and the overview lists it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inviteLeader, openLink, workshopWithCharterContent } from '../factories/charter';
import { launchChromium, saveScreenshot, shouldRunBrowserTests } from '../support/browser';
import { Client } from '../support/http';
import {
	castChoice,
	joinByCode,
	openAs,
	phoneContext,
	phoneProblems,
	signCharter
} from '../support/room';
import { serverForSuite } from '../support/suite';

const DAY_MS = 24 * 60 * 60 * 1000;
const NINETY_TWO_DAYS_MS = 92 * DAY_MS;

describe.runIf(shouldRunBrowserTests)('a review session months after signing', () => {
	const suite = serverForSuite('pglite', { CG_TEST_CLOCK_OFFSET: String(NINETY_TWO_DAYS_MS) });
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
	});

	test('phones pulse a clause, it becomes version 2, the leader signs again and sees the pulse', async () => {
		const url = suite.server.url;
		const ws = await workshopWithCharterContent(url);
		const vic = new Client(url);
		await openLink(
			vic,
			await inviteLeader(ws, { name: 'Vic Vance', title: 'VP Sales', email: 'vic@acme.test' })
		);
		const published = await ws.act('publish');
		const v1 = published.data!.published as { id: string; hash: string };
		const signed = await vic.action(`/charters/${ws.workshopId}?/sign`, {
			versionId: v1.id,
			hash: v1.hash,
			fullName: 'Vic Vance',
			title: 'VP Sales',
			consent: 'yes'
		});
		expect(signed.type).toBe('success');

		// Three months later: the charter's cadence date (2027-02-01) has passed.
		const console_ = await openAs(
			browser,
			url,
			ws.facilitator,
			`/workshops/${ws.workshopId}/reviews`
		);
		await console_.getByTestId('next-review').filter({ hasText: 'due now' }).waitFor();
		await console_.locator('body[data-hydrated="true"]').waitFor();
		const clauses = console_.getByRole('group', { name: 'Clauses to pulse' }).getByRole('checkbox');
		for (const box of await clauses.all()) await box.uncheck();
		const sla = 'Sales follows up every MQL within 24 hours.';
		await console_
			.getByRole('checkbox', { name: /^Sales follows up every MQL within 24 hours\. \(/ })
			.check();
		await console_.getByRole('button', { name: 'Start a review session' }).click();
		await console_.getByRole('heading', { name: 'Review session 1' }).waitFor();

		const phones = await Promise.all(
			[0, 1, 2].map(async () =>
				(await browser.newContext({ baseURL: url, ...phoneContext() })).newPage()
			)
		);
		const people = [
			['Ann', 'Sales', 'Needs a change', 'Fridays are missed.'],
			['Bob', 'Sales', 'Needs a change', undefined],
			['Dee', 'Marketing', 'Still holds', undefined]
		] as const;
		for (const [i, [name, team, choice, reason]] of people.entries()) {
			const phone = phones[i]!;
			await joinByCode(phone, ws.joinCode, name, team);
			await phone.locator('body[data-hydrated="true"]').waitFor();
			await phone.getByTestId('poll').getByRole('heading', { name: sla }).waitFor();
			await castChoice(phone, choice, reason);
		}

		await console_.getByRole('button', { name: 'Close the review and show the pulses' }).click();
		await console_.getByTestId('clause-pulse').filter({ hasText: 'Needs a change: 2' }).waitFor();
		await console_.getByText('“Fridays are missed.”').waitFor();
		await console_.getByRole('heading', { name: /^Measures for \d{4}-\d{2}$/ }).waitFor();
		await saveScreenshot(console_, 'review-session-measures');

		const clause = console_.getByTestId('review-clause').filter({ hasText: sla });
		await clause
			.getByLabel('New wording')
			.fill('Sales follows up every MQL within 24 business hours.');
		await clause.getByRole('button', { name: 'Mark for change' }).click();
		await clause.getByText('Marked for change:').waitFor();
		await console_.getByRole('button', { name: 'Publish the amendment' }).click();
		await console_.getByText('Version 2 is published for the leaders to sign.').waitFor();

		const leader = await openAs(browser, url, vic, `/charters/${ws.workshopId}`);
		await leader.locator('body[data-hydrated="true"]').waitFor();
		await signCharter(leader, 'Vic Vance', 'VP Sales', 2);

		// A phone proposes a learning item; it waits, unnamed, until the leader accepts it.
		const ann = phones[0]!;
		await ann.getByRole('link', { name: 'Shared learning agenda' }).click();
		await ann.getByRole('heading', { name: 'Propose an item' }).waitFor();
		await ann.locator('body[data-hydrated="true"]').waitFor();
		expect(await phoneProblems(ann)).toEqual([]);
		const talk = 'Gong talk: what top reps do differently';
		const proposal = ann.getByRole('form', { name: 'Propose an item' });
		await proposal.getByLabel('Title').fill(talk);
		await proposal.getByLabel('Kind').selectOption({ label: 'Talk' });
		const salesId = await proposal.getByRole('option', { name: 'Sales' }).getAttribute('value');
		expect(await proposal.getByLabel('Chosen by').inputValue()).toBe(salesId);
		await proposal.getByLabel('Owner').fill('Ann');
		const inAWeek = new Date(Date.now() + NINETY_TWO_DAYS_MS + 7 * DAY_MS);
		await proposal.getByLabel('Discussion date').fill(inAWeek.toISOString().slice(0, 10));
		await proposal.getByRole('button', { name: 'Propose' }).click();
		await ann
			.getByRole('status')
			.filter({ hasText: 'waits for the facilitator or a leader' })
			.waitFor();
		await saveScreenshot(ann, 'learning-agenda-phone-360');
		// The form starts afresh, with Ann's team chosen again.
		expect(await proposal.getByLabel('Title').inputValue()).toBe('');
		expect(await proposal.getByLabel('Chosen by').inputValue()).toBe(salesId);
		await ann
			.getByTestId('learning-proposal')
			.filter({ hasText: talk })
			.getByText('A participant proposed it')
			.waitFor();

		await leader.reload();
		await leader.locator('body[data-hydrated="true"]').waitFor();
		await leader
			.getByTestId('learning-proposal')
			.filter({ hasText: talk })
			.getByRole('button', { name: 'Accept' })
			.click();
		await leader.getByTestId('learning-item').filter({ hasText: talk }).waitFor();
		await saveScreenshot(leader, 'learning-agenda-leader');

		await leader.goto('/leadership');
		await leader.getByTestId('overview-learning-item').filter({ hasText: talk }).waitFor();
		await leader.getByRole('heading', { name: 'Charter health' }).waitFor();
		const pulse = leader.getByTestId('charter-health').getByRole('row').filter({ hasText: sla });
		await expect
			.poll(async () => pulse.getByTestId('pulse-counts').innerText())
			.toMatch(/1 still hold · 2 need a change · 0 not working/);
	}, 120_000);
});
