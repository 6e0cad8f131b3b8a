/**
 * One scenario in Chromium: a charter is signed (through the factory), the facilitator
 * uploads the CRM's lead report on the charter page, and the leader sees on the leadership
 * overview where the CRM drifts from what was signed. Before the upload, the facilitator
 * downloads the CRM configuration of the signed version, which names its fingerprint.
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	inviteLeader,
	openLink,
	workshopWithCharterContent,
	type CharterWorkshop
} from '../factories/charter';
import { launchChromium, saveScreenshot, shouldRunBrowserTests } from '../support/browser';
import { Client } from '../support/http';
import { expectedOf, generateLeads, leadCsv } from '../support/lead-report';
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

	// The signed charter is set-up (the factory, through the same endpoints the pages use).
	let ws: CharterWorkshop;
	let dana: Client;
	let signedHash = '';
	beforeAll(async () => {
		const url = suite.server.url;
		ws = await workshopWithCharterContent(url);
		dana = new Client(url);
		await openLink(
			dana,
			await inviteLeader(ws, { name: 'Dana Diaz', title: 'CMO', email: 'dana@acme.test' })
		);
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
		signedHash = version.hash;
	});

	test('sign, export, upload the lead report, see the drift on the leadership overview', async () => {
		const url = suite.server.url;
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
