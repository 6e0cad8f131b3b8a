/**
 * One scenario in Chromium: on a 360 px phone the room sets two lifecycle facts of its terms
 * (SQL's exit criteria, the attempts before return to nurture), the charter is signed (through
 * the factory), the facilitator uploads the CRM's lead report on the charter page, and the
 * leader sees on the leadership overview where the CRM drifts from what was signed. Before the
 * upload, the facilitator downloads the lifecycle of the signed version, which names its
 * fingerprint and carries the facts the phone set.
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import {
	inviteLeader,
	openLink,
	workshopWithCharterContent,
	type CharterWorkshop
} from '../factories/charter';
import { joinAs } from '../factories/workshops';
import { launchChromium, saveScreenshot, shouldRunBrowserTests } from '../support/browser';
import { Client } from '../support/http';
import { expectedOf, generateLeads, leadCsv } from '../support/lead-report';
import { connectPeer, waitFor } from '../support/realtime';
import { bringEveryoneTo, openAs, phoneContext, phoneProblems } from '../support/room';
import { serverForSuite } from '../support/suite';

describe.runIf(shouldRunBrowserTests)('evidence from the CRM in the browser', () => {
	const suite = serverForSuite('pglite');
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
	});

	// The charter and its leader are set-up (the factory, through the endpoints the pages use).
	let ws: CharterWorkshop;
	let dana: Client;
	beforeAll(async () => {
		ws = await workshopWithCharterContent(suite.server.url);
		dana = new Client(suite.server.url);
		await openLink(
			dana,
			await inviteLeader(ws, { name: 'Dana Diaz', title: 'CMO', email: 'dana@acme.test' })
		);
	});

	/** Publishes the charter as the boards are now and has the leader sign it. */
	async function publishAndSign(): Promise<string> {
		await ws.act('recompile');
		const published = await ws.act('publish');
		const version = published.data?.published as { id: string; hash: string };
		const signed = await dana.action(`/charters/${ws.workshopId}?/sign`, {
			versionId: version.id,
			hash: version.hash,
			fullName: 'Dana Diaz',
			title: 'CMO',
			consent: 'yes'
		});
		if (signed.type !== 'success') throw new Error(`signing failed: ${JSON.stringify(signed)}`);
		return version.hash;
	}

	test('set lifecycle facts on a phone, sign, export, upload the lead report, see the drift on the leadership overview', async () => {
		const url = suite.server.url;
		// On Shared terms, a phone words SQL and the return to nurture and sets their facts.
		const console_ = await openAs(browser, url, ws.facilitator, `/workshops/${ws.workshopId}/run`);
		await bringEveryoneTo(console_, 'shared-terms', 'Shared terms');
		const mo = await joinAs(url, ws.joinCode, ws.teams.Marketing!, 'Mo');
		const phone = await openAs(browser, url, mo, `/w/${ws.workshopId}`, phoneContext());
		await phone.locator('body[data-hydrated="true"]').waitFor();
		const merged = { sql: 'Budget and need confirmed.', recycled: 'Not ready: back to nurture.' };
		for (const [key, label, value] of [
			['sql', 'Exit criteria', 'Sales opens an opportunity.'],
			['recycled', 'Attempts before return to nurture', '4']
		] as const) {
			const term = phone.getByTestId(`term-${key}`);
			await term.getByTestId('merged-wording').pressSequentially(merged[key]);
			await term.getByText('Lifecycle details', { exact: true }).click();
			await term.getByLabel(label).fill(value);
			await term.getByRole('button', { name: 'Save lifecycle details' }).click();
			await term.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
		}
		expect(await phoneProblems(phone)).toEqual([]);
		await saveScreenshot(phone, 'crm-evidence-phone-lifecycle');
		const board = connectPeer(url, ws.facilitator, stageDocName(ws.workshopId, 'shared-terms'));
		await board.whenSynced();
		await waitFor('the typed wordings on the server', () =>
			listCards(board.doc, 'term').every(
				(c) =>
					!['SQL', 'Recycled / Nurture'].includes(c.text) ||
					Object.values(merged).includes(termText(board.doc, c.id, TERM_TEXT.merged)!.toString())
			)
		);
		board.destroy();
		await console_.context().close();
		await phone.context().close();
		const signedHash = await publishAndSign();

		const leads = generateLeads(500, 11);
		const june = leads
			.map((l) => expectedOf(l, { slaHours: 24, threshold: 65, business: false }))
			.filter((e) => e?.period === '2027-06');
		const within = june.filter((e) => e!.isWithinSla).length;

		const facilitator = await browser.newContext({ baseURL: url });
		await facilitator.addCookies(
			[...ws.facilitator.cookies].map(([name, value]) => ({ name, value, url }))
		);
		const page = await facilitator.newPage();
		await page.goto(ws.charterPath);
		await page.locator('body[data-hydrated="true"]').waitFor();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download lifecycle JSON' }).click()
		]);
		const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
		expect(JSON.stringify(exported)).toContain(signedHash);
		expect(exported.stages[2]).toMatchObject({
			label: 'SQL',
			exitCriteria: { defined: true, value: 'Sales opens an opportunity.' }
		});
		expect(exported.attemptsBeforeNurture).toMatchObject({ defined: true, value: 4 });
		await expect
			.poll(() => page.getByTestId('evidence-privacy').textContent())
			.toMatch(/Only counts per month are kept/);
		await page.getByLabel('Lead report (CSV exported from HubSpot or Salesforce)').setInputFiles({
			name: 'hubspot-contacts.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from(leadCsv(leads))
		});
		await page.getByRole('button', { name: 'Upload lead report' }).click();
		await page.getByRole('status').filter({ hasText: 'Read 500 leads (HubSpot export)' }).waitFor();
		await page.getByText(`${within} of ${june.length} MQLs (2027-06)`).waitFor();
		await saveScreenshot(page, 'crm-evidence-charter');

		const leader = await browser.newContext({ baseURL: url });
		await leader.addCookies([...dana.cookies].map(([name, value]) => ({ name, value, url })));
		const overview = await leader.newPage();
		await overview.goto('/leadership');
		await overview
			.getByRole('heading', { name: 'Drift from the charter (CRM evidence)' })
			.waitFor();
		const drift = overview.getByTestId('drift');
		await expect
			.poll(() => drift.textContent())
			.toContain(
				`MQLs touched by sales within the SLA (CRM): ${within} of ${june.length} MQLs (2027-06); agreed 100% within 24 calendar hours.`
			);
		await saveScreenshot(overview, 'crm-evidence-leadership');
		await facilitator.close();
		await leader.close();
	});
});
