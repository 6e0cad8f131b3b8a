/**
 * The charter end to end against the real server and database: compiled from the workshop,
 * published as hashed versions, reviewed and signed by leaders through personal links,
 * superseded with its pending signatures voided, exported, and followed up; and every refusal
 * (wrong person, wrong workshop, bad input) changes nothing.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import { termText, TERM_TEXT, listCards } from '../../src/lib/collab/cards';
import { contentHash } from '../../src/lib/domain/charter/canon';
import {
	inviteLeader,
	openLink,
	workshopWithCharterContent,
	type CharterWorkshop
} from '../factories/charter';
import {
	createWorkshop,
	facilitatorWithWorkshop,
	joinAs,
	signUpFacilitator
} from '../factories/workshops';
import { oneDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, waitFor } from '../support/realtime';
import { serverForSuite } from '../support/suite';

type Json = Record<string, unknown>;

describe.each(oneDatabase('postgres'))('the charter on %s', (kind) => {
	const suite = serverForSuite(kind);
	let ws: CharterWorkshop;
	let dana: Client;
	let vic: Client;
	let danaLink: string;
	let vicLink: string;
	let v1: { id: string; hash: string; number: number };
	let v2: { id: string; hash: string; number: number };
	const url = () => suite.server.url;
	const charterPage = () => `/charters/${ws.workshopId}`;
	const exportOf = (client: Client, versionId: string, format: string) =>
		client.get(`/charters/${ws.workshopId}/versions/${versionId}/${format}`);
	const versionCount = async () => {
		const html = await (await ws.facilitator.get(ws.charterPath)).text();
		return [...html.matchAll(/>Version (\d+)<\/a>/g)].length;
	};

	beforeAll(async () => {
		ws = await workshopWithCharterContent(url());
		dana = new Client(url());
		vic = new Client(url());
	});

	test('publishing freezes the compiled draft as version 1 with the SHA-256 of its canonical JSON', async () => {
		const published = await ws.act('publish');
		expect(published.type).toBe('success');
		v1 = published.data!.published as typeof v1;
		expect(v1.number).toBe(1);
		expect(v1.hash).toMatch(/^[0-9a-f]{64}$/);

		const machine = (await (await exportOf(ws.facilitator, v1.id, 'json')).json()) as Json & {
			content: unknown;
			charter: Json;
			participants: unknown;
			lifecycleStages: Json[];
			measures: Json[];
			agreements: Json[];
			definitions: Json[];
		};
		expect(contentHash(machine.content)).toBe(v1.hash);
		expect(machine.charter.sha256).toBe(v1.hash);
		expect(machine.charter.verificationUrl).toBe(`${url()}/verify/${v1.id}`);
		expect(machine.participants).toEqual([
			{ team: 'Sales', count: 2 },
			{ team: 'Marketing', count: 1 }
		]);
		expect(machine.slaHours).toEqual({ 'Hand-off SLA': 24 });
		expect(machine.thresholds).toEqual({ 'Lead-score threshold': 65 });
		expect(machine.requiredFields).toEqual({
			Sales: ['budget', 'authority', 'need', 'timeline'],
			Marketing: ['source', 'campaign']
		});
		expect(machine.lifecycleStages).toHaveLength(7);
		expect(machine.lifecycleStages.at(-1)).toMatchObject({ returnsToNurture: true, order: 7 });
		expect(machine.measures).toEqual([
			expect.objectContaining({
				id: ws.measureId,
				name: 'MQL → SQL conversion',
				baseline: '18%',
				target: '25%',
				owner: 'Marketing'
			})
		]);
		expect(machine.cadence).toEqual(expect.objectContaining({ nextReviewDate: '2027-02-01' }));
		expect(machine.agreements.map((a) => a.hasBuyerEvidence)).toEqual([true, false]);
		// The draft's empty "Purpose and shared goal" is left out of the version.
		const sections = (machine.content as { sections: { key: string }[] }).sections;
		expect(sections.map((s) => s.key)).toEqual([
			'definitions',
			'journey',
			'barriers',
			'measures',
			'cadence',
			'agreements'
		]);

		const markdown = await (await exportOf(ws.facilitator, v1.id, 'md')).text();
		expect(markdown).toContain(`SHA-256 fingerprint: \`${v1.hash}\``);
		expect(markdown).toContain(
			'Without buyer evidence: “Marketing and sales share one pipeline dashboard.”'
		);

		// Publishing the same text again would make a version nobody can tell apart.
		const again = await ws.act('publish');
		expect(again.status).toBe(409);
		expect(String((again.data?.errors as Json).publish)).toMatch(/Nothing changed since version 1/);
	});

	test('leaders open their personal links; a leader reads this charter and the live workshop only', async () => {
		danaLink = await inviteLeader(ws, { name: 'Dana Diaz', title: 'CMO', email: 'dana@acme.test' });
		vicLink = await inviteLeader(ws, {
			name: 'Vic Vance',
			title: 'VP Sales',
			email: 'vic@acme.test'
		});
		expect(danaLink).toMatch(new RegExp(`^/review/${ws.workshopId}/[a-z2-7]{32}$`));
		const opened = await openLink(dana, danaLink);
		expect(opened.status).toBe(303);
		expect(opened.headers.get('location')).toBe(charterPage());
		expect(dana.cookies.has('cg_leader')).toBe(true);
		await openLink(vic, vicLink);
		const page = await dana.get(charterPage());
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain(v1.hash);
		expect(html).toContain('Sign version 1');

		// Live and read-only: the room syncs; a write on a board is dropped by the server.
		const room = connectPeer(url(), dana, roomDocName(ws.workshopId));
		const board = connectPeer(url(), dana, stageDocName(ws.workshopId, 'shared-terms'));
		try {
			await room.whenSynced();
			await board.whenSynced();
			const sla = listCards(board.doc, 'term').find((c) => c.text === 'Hand-off SLA')!;
			termText(board.doc, sla.id, TERM_TEXT.merged)!.insert(0, 'Leaders decide: ');
			await waitFor('the server to drop the leader’s write', () =>
				/dropped an update from a read-only leader/.test(suite.server.output())
			);
		} finally {
			room.destroy();
			board.destroy();
		}

		// Nothing else: not another workshop, not the facilitator's pages, not the API.
		const other = await facilitatorWithWorkshop(url());
		expect((await dana.get(`/charters/${other.workshopId}`)).status).toBe(403);
		expect((await dana.json('GET', `/api/workshops/${other.workshopId}/agreements`)).status).toBe(
			401
		);
		const console = await dana.get(`/workshops/${ws.workshopId}/charter`);
		expect(console.status).toBe(303);
		expect(console.headers.get('location')).toMatch(/^\/signin/);
	});

	test('a leader may only comment, approve, request changes and sign: every other write is refused', async () => {
		const api = `/api/workshops/${ws.workshopId}`;
		const before = await versionCount();
		const attempts = [
			await dana.json('POST', `${api}/agreements`, { statement: 'CMO decides alone.' }),
			await dana.json('POST', `${api}/stages/measures/cards`, { type: 'note', text: 'x' }),
			await dana.json('POST', `${api}/live`, { action: 'goTo', stageKey: 'measures' })
		];
		for (const attempt of attempts) {
			expect(attempt.status).toBe(401);
			expect(String(attempt.body.message)).toMatch(/sign in/);
		}
		for (const action of ['publish', 'edit', 'invite', 'recordMeasure']) {
			const result = await dana.action(`${ws.charterPath}?/${action}`, {
				op: 'title',
				text: 'Hijacked'
			});
			expect(result.type, action).toBe('redirect');
			expect(result.location).toMatch(/^\/signin/);
		}
		expect(await versionCount()).toBe(before);
		const draft = await (await ws.facilitator.get(ws.charterPath)).text();
		expect(draft).not.toContain('Hijacked');
	});

	test('a leader requests a change with a reason and the facilitator sees it', async () => {
		const missing = await dana.action(`${charterPage()}?/review`, {
			versionId: v1.id,
			kind: 'request-changes',
			text: '   '
		});
		expect(missing.status).toBe(400);
		expect(String((missing.data?.errors as Json).form ?? JSON.stringify(missing.data))).toMatch(
			/Say what you would change/
		);
		const requested = await dana.action(`${charterPage()}?/review`, {
			versionId: v1.id,
			kind: 'request-changes',
			text: 'The SLA must say business hours, not hours.'
		});
		expect(requested.type).toBe('success');
		const commented = await vic.action(`${charterPage()}?/review`, {
			versionId: v1.id,
			kind: 'comment',
			section: 'measures',
			text: 'Conversion should be measured per quarter.'
		});
		expect(commented.type).toBe('success');
		const console = await (await ws.facilitator.get(ws.charterPath)).text();
		expect(console).toContain('The SLA must say business hours, not hours.');
		expect(console).toContain('Changes requested');
		expect(console).toMatch(/data-testid="charter-status"[^>]*>Changes requested</);
	});

	test('signing needs consent, a name, the hash shown and the right person', async () => {
		const valid = {
			versionId: v1.id,
			hash: v1.hash,
			fullName: 'Vic Vance',
			title: 'VP Sales',
			consent: 'yes'
		};
		const cases: Array<[Client, Json, number, RegExp]> = [
			[vic, { ...valid, consent: '' }, 400, /Tick the box/],
			[vic, { ...valid, fullName: '  ' }, 400, /Write your full name/],
			[vic, { ...valid, hash: 'f'.repeat(64) }, 409, /not this version’s text/],
			[vic, { ...valid, hash: 'not-a-hash' }, 400, /did not send the hash/]
		];
		for (const [client, fields, status, message] of cases) {
			const result = await client.action(
				`${charterPage()}?/sign`,
				fields as Record<string, string>
			);
			expect(result.status, JSON.stringify(fields)).toBe(status);
			expect(JSON.stringify(result.data)).toMatch(message);
		}
		// A participant and another facilitator are refused outright.
		const participant = await joinAs(url(), ws.joinCode, ws.teams.Sales!, 'Sly');
		const stranger = await facilitatorWithWorkshop(url());
		for (const client of [participant, stranger.facilitator]) {
			const result = await client.action(`${charterPage()}?/sign`, valid as Record<string, string>);
			expect(result.type).toBe('error');
			expect(result.status).toBe(403);
			expect(result.error?.message).toMatch(/Only the leaders invited/);
		}
		// Nor may they publish.
		const byParticipant = await participant.action(`${ws.charterPath}?/publish`, {});
		expect(byParticipant.type).toBe('redirect');
		const byStranger = await stranger.facilitator.action(`${ws.charterPath}?/publish`, {});
		expect(byStranger.status).toBe(404);
		expect(byStranger.error?.message).toMatch(/No workshop of yours/);

		const verify = await (await new Client(url()).get(`/verify/${v1.id}`)).text();
		expect(verify).not.toContain('signed as');

		const signed = await vic.action(`${charterPage()}?/sign`, valid as Record<string, string>);
		expect(signed.type).toBe('success');
		const twice = await vic.action(`${charterPage()}?/sign`, valid as Record<string, string>);
		expect(twice.status).toBe(409);
	});

	test('republishing supersedes version 1: pending signatures are void, completed ones stay', async () => {
		// A clause holding a character the database cannot store is refused, with words.
		const unstorable = await ws.act('edit', {
			op: 'clause-text',
			section: 'agreements',
			clause: await firstAgreementId(),
			text: 'Sales follows up\u0000 every MQL.'
		});
		expect(unstorable.status).toBe(400);
		expect(JSON.stringify(unstorable.data)).toMatch(/character that cannot be stored/);
		const edited = await ws.act('edit', {
			op: 'clause-text',
			section: 'agreements',
			clause: await firstAgreementId(),
			text: 'Sales follows up every MQL within 24 business hours.'
		});
		expect(edited.type).toBe('success');
		const published = await ws.act('publish');
		v2 = published.data!.published as typeof v2;
		expect(v2.number).toBe(2);
		expect(v2.hash).not.toBe(v1.hash);

		const oldPage = await (await new Client(url()).get(`/verify/${v1.id}`)).text();
		expect(oldPage).toMatch(
			/Vic Vance<\/strong>, VP Sales:[^<]*(<!--[^>]*-->)?signed as Vic Vance/
		);
		expect(oldPage).toContain('(on a superseded version)');
		expect(oldPage).toMatch(/Dana Diaz<\/strong>, CMO:[^<]*(<!--[^>]*-->)?not signed; void/);
		expect(oldPage).toContain(`href="/verify/${v2.id}"`);

		// Signing the superseded version is refused with a pointer to the current one.
		const lateFields = {
			versionId: v1.id,
			hash: v1.hash,
			fullName: 'Dana Diaz',
			title: 'CMO',
			consent: 'yes'
		};
		const late = await dana.action(`${charterPage()}?/sign`, lateFields);
		expect(late.status).toBe(409);
		expect(JSON.stringify(late.data)).toMatch(/Version 1 has been superseded by version 2/);
		// The refusal says what changed since the version the leader read, so the page can show
		// the current one with the changes instead of a dead end.
		const reworded =
			'“Sales follows up every MQL within 24 hours.” now reads “Sales follows up every MQL within 24 business hours.”';
		expect(late.data?.superseded).toMatchObject({ read: 1, current: 2 });
		expect((late.data?.superseded as { changes: string[] }).changes).toContainEqual(
			expect.stringContaining(reworded)
		);
		const lateApproval = await dana.action(`${charterPage()}?/review`, {
			versionId: v1.id,
			kind: 'approve'
		});
		expect(lateApproval.status).toBe(409);
		expect(lateApproval.data?.superseded).toMatchObject({ read: 1, current: 2 });
		// Without JavaScript the form posts as a page: version 2, what changed, and its own form.
		const plain = await fetch(`${url()}${charterPage()}?/sign`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				cookie: dana.cookieHeader(),
				origin: url(),
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams(lateFields)
		});
		const shown = (await plain.text()).replace(/<!--[^>]*-->/g, '');
		expect(plain.status).toBe(409);
		expect(shown).toContain('What changed since version 1');
		expect(shown).toContain(reworded);
		expect(shown).toContain('Sign version 2');
		expect(shown).not.toMatch(/(Approve|Sign) version 1/);

		const diff = await (await dana.get(`/charters/${ws.workshopId}/diff?from=1&to=2`)).text();
		expect(diff).toContain(
			'“Sales follows up every MQL within 24 hours.” now reads “Sales follows up every MQL within 24 business hours.”'
		);

		for (const [client, name, title] of [
			[dana, 'Dana Diaz', 'CMO'],
			[vic, 'Vic Vance', 'VP Sales']
		] as const) {
			const signed = await client.action(`${charterPage()}?/sign`, {
				versionId: v2.id,
				hash: v2.hash,
				fullName: name,
				title,
				consent: 'yes'
			});
			expect(signed.type, name).toBe('success');
		}
		const console = await (await ws.facilitator.get(ws.charterPath)).text();
		expect(console).toMatch(/data-testid="charter-status"[^>]*>Signed</);
	});

	test('the PDF carries the fingerprint, the verification URL and the signatures', async () => {
		const { extractText, getDocumentProxy } = await import('unpdf');
		const response = await exportOf(dana, v2.id, 'pdf');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/pdf');
		const pdf = await getDocumentProxy(new Uint8Array(await response.arrayBuffer()));
		const { text } = await extractText(pdf, { mergePages: true });
		const flat = text.replace(/\s+/g, ' ');
		expect(flat).toContain(v2.hash);
		expect(flat).toContain(`${url()}/verify/${v2.id}`);
		expect(flat).toContain('Dana Diaz, CMO');
		expect(flat).toContain('Vic Vance, VP Sales');
		expect(flat.match(/Signed \d{4}-\d{2}-\d{2}/g)?.length).toBe(2);
		expect(flat).toContain('hash chain intact');
		expect(flat).toContain('MQL → SQL conversion');
		// Strangers get no export.
		expect((await exportOf(new Client(url()), v2.id, 'pdf')).status).toBe(401);
	});

	test('the verification page recomputes the hash and is reachable by the hash too', async () => {
		const anyone = new Client(url());
		const byHash = await anyone.get(`/verify/sha256/${v2.hash}`);
		expect(byHash.status).toBe(303);
		expect(byHash.headers.get('location')).toBe(`/verify/${v2.id}`);
		const html = await (await anyone.get(`/verify/${v2.id}`)).text();
		expect(html).toContain('The text is intact');
		expect(html).toMatch(new RegExp(`data-testid="recomputed-hash"[^>]*>${v2.hash}<`));
		expect(html).toContain('present and unaltered');
		expect((await anyone.get(`/verify/sha256/${'0'.repeat(64)}`)).status).toBe(404);
		expect((await anyone.get('/verify/sha256/xyz')).status).toBe(400);
	});

	test('measures are followed up after signing; malformed values are refused', async () => {
		const bad: Array<[Record<string, string>, RegExp]> = [
			[{ period: 'March', value: '21' }, /month \(2027-03\) or a quarter/],
			[{ period: '2027-13', value: '21' }, /month \(2027-03\) or a quarter/],
			[{ period: '2027-01', value: '21%' }, /plain number/],
			[{ period: '2027-01', value: '' }, /plain number/],
			[{ period: '2027-01', value: '21', measureId: 'nosuchmeasure' }, /no such measure/]
		];
		for (const [fields, message] of bad) {
			const result = await ws.act('recordMeasure', {
				measureId: ws.measureId,
				recordedBy: 'Marketing Ops',
				...fields
			});
			expect(result.type, JSON.stringify(fields)).toBe('failure');
			expect(JSON.stringify(result.data)).toMatch(message);
		}
		for (const [period, value] of [
			['2027-01', '19.5'],
			['2027-02', '26']
		] as const) {
			const ok = await ws.act('recordMeasure', {
				measureId: ws.measureId,
				period,
				value,
				recordedBy: 'Marketing Ops'
			});
			expect(ok.type).toBe('success');
		}
		const overview = await (await dana.get('/leadership')).text();
		expect(overview).toContain('Signed by');
		expect(await (await vic.get('/leadership')).text()).toMatch(
			/You signed version 1; it has been <strong>superseded<\/strong>/
		);
		expect(overview).not.toContain('You signed version 1');
		expect(overview).toContain('On track');
		expect(overview).toContain('Next review: 2027-02-01');
		expect(overview).toMatch(
			/aria-label="MQL → SQL conversion: 2027-01 19.5, 2027-02 26; target 25"/
		);
	});

	test('a second tenant who invites the same email reads nothing of the first workshop; a leader who opened both links sees both', async () => {
		// Sign-up is open: anyone becomes a facilitator and may type any address into an invitation.
		const mallory = await signUpFacilitator(url(), 'Mallory Meddler');
		const own = await createWorkshop(mallory.facilitator, 'Mallory’s Offsite');
		const invited = await mallory.facilitator.action(
			`/workshops/${own.workshopId}/charter?/invite`,
			{
				name: 'Dana Diaz',
				title: 'CMO',
				email: 'dana@acme.test',
				signingOrder: '',
				expiresInDays: '14'
			}
		);
		const malloryLink = new URL(
			String((invited.data?.invited as { link?: string } | undefined)?.link)
		).pathname;
		const malloryBrowser = new Client(url());
		expect((await openLink(malloryBrowser, malloryLink)).status).toBe(303);

		const secrets = [
			ws.workshopId,
			'Q3 Alignment',
			v1.id,
			v1.hash,
			v2.id,
			v2.hash,
			'Vic Vance',
			'MQL → SQL conversion',
			'2027-02-01'
		];
		for (const path of ['/leadership', '/leadership/__data.json']) {
			const response = await malloryBrowser.get(path);
			expect(response.status, path).toBe(200);
			const body = await response.text();
			expect(body, path).toContain(own.workshopId);
			for (const secret of secrets) expect(body, `${path}: ${secret}`).not.toContain(secret);
		}
		expect(
			(await (await malloryBrowser.get('/leadership')).text()).match(
				/data-testid="overview-charter"/g
			)
		).toHaveLength(1);
		// Every other leader-facing read of the first workshop is refused too.
		for (const path of [
			charterPage(),
			`${charterPage()}/__data.json`,
			`${charterPage()}/live`,
			`${charterPage()}/diff?from=1&to=2`,
			`/charters/${ws.workshopId}/versions/${v2.id}/md`,
			`/charters/${ws.workshopId}/versions/${v2.id}/json`,
			`/charters/${ws.workshopId}/versions/${v2.id}/pdf`
		]) {
			const response = await malloryBrowser.get(path);
			const body = await response.text();
			// SvelteKit answers a data request with 200 and the load's error inside.
			if (path.endsWith('__data.json')) expect(body).toMatch(/"status":403/);
			else expect(response.status, path).toBe(403);
			for (const secret of secrets.slice(2)) expect(body, path).not.toContain(secret);
		}

		// The real Dana opens the second genuine link as well: her browser has proven both.
		expect((await openLink(dana, malloryLink)).status).toBe(303);
		const both = await (await dana.get('/leadership')).text();
		expect(both.match(/data-testid="overview-charter"/g)).toHaveLength(2);
		expect(both).toContain('Mallory’s Offsite');
		expect(both).toContain('Q3 Alignment');
		expect(both).toContain('MQL → SQL conversion');
		// The session reads one charter at a time, the link opened last; the overview switches
		// to another charter this browser proved, and only to one.
		expect((await dana.get(charterPage())).status).toBe(403);
		const switched = await dana.action('/leadership?/open', { workshopId: ws.workshopId });
		expect(switched.type).toBe('redirect');
		expect(switched.location).toBe(charterPage());
		expect((await dana.get(charterPage())).status).toBe(200);
		const again = await (await dana.get('/leadership/__data.json')).text();
		expect(again).toContain(own.workshopId);
		expect(again).toContain(v2.hash);

		// Mallory's browser cannot switch to what it never proved, and still sees only its own.
		const refused = await malloryBrowser.action('/leadership?/open', { workshopId: ws.workshopId });
		expect(refused.status).toBe(404);
		expect(JSON.stringify(refused.data)).toMatch(/has not opened a review link for that charter/);
		const malformed = await malloryBrowser.action('/leadership?/open', { workshopId: 'x/../y' });
		expect(malformed.status).toBe(400);
		expect(JSON.stringify(malformed.data)).toMatch(/not a charter of this overview/);
		expect((await malloryBrowser.get(charterPage())).status).toBe(403);
		const still = await (await malloryBrowser.get('/leadership/__data.json')).text();
		expect(still).not.toContain(ws.workshopId);

		// A withdrawn link leaves the overview of every browser that had opened it.
		const consoleHtml = await (
			await mallory.facilitator.get(`/workshops/${own.workshopId}/charter`)
		).text();
		const inviteId = /name="inviteId" value="([a-z0-9]+)"/.exec(consoleHtml)?.[1];
		const revoked = await mallory.facilitator.action(
			`/workshops/${own.workshopId}/charter?/revoke`,
			{ inviteId: inviteId! }
		);
		expect(revoked.type).toBe('success');
		const after = await (await dana.get('/leadership')).text();
		expect(after.match(/data-testid="overview-charter"/g)).toHaveLength(1);
		expect(after).not.toContain('Mallory’s Offsite');
		expect((await dana.get(charterPage())).status).toBe(200);
	});

	test('personal links: tampered, for another workshop and withdrawn links open nothing', async () => {
		const stranger = new Client(url());
		const token = danaLink.split('/').pop()!;
		const tampered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
		const cases: Array<[string, number, RegExp]> = [
			[`/review/${ws.workshopId}/${tampered}`, 404, /not valid/],
			[`/review/${ws.workshopId}/short`, 404, /not valid/],
			[`/review/aaaaaaaaaaaaaaaa/${token}`, 403, /belongs to another workshop/]
		];
		for (const [path, status, message] of cases) {
			const response = await stranger.get(path);
			expect(response.status, path).toBe(status);
			expect(await response.text()).toMatch(message);
			expect(stranger.cookies.has('cg_leader')).toBe(false);
		}

		const extra = new Client(url());
		const extraLink = await inviteLeader(ws, {
			name: 'Eve Exec',
			title: 'CEO',
			email: 'eve@acme.test'
		});
		await openLink(extra, extraLink);
		expect((await extra.get(charterPage())).status).toBe(200);
		const consoleHtml = await (await ws.facilitator.get(ws.charterPath)).text();
		const inviteId = new RegExp(`Eve Exec, CEO[\\s\\S]*?name="inviteId" value="([a-z0-9]+)"`).exec(
			consoleHtml
		)?.[1];
		expect(inviteId).toBeDefined();
		const live = connectPeer(url(), extra, roomDocName(ws.workshopId));
		try {
			await live.whenSynced();
			const socket = live.socket!;
			const revoked = await ws.act('revoke', { inviteId: inviteId! });
			expect(revoked.type).toBe('success');
			// The withdrawn leader's live connection ends with the link.
			await waitFor('the live connection to close', () => socket.closedWith);
		} finally {
			live.destroy();
		}
		expect((await extra.get(charterPage())).status).toBe(401);
		const reopened = await new Client(url()).get(extraLink);
		expect(reopened.status).toBe(410);
		expect(await reopened.text()).toMatch(/withdrawn by the facilitator/);
	});

	test('the template’s suggestions stay out of the charter until the room works on them or the facilitator keeps them', async () => {
		const fresh = await facilitatorWithWorkshop(url());
		const path = `/workshops/${fresh.workshopId}/charter`;
		const MARK = 'The template’s suggestion, not changed in the room';
		const untouched = await (await fresh.facilitator.get(path)).text();
		// Nobody worked on Connections or wrote a merged wording: nothing of the template is in.
		expect(untouched).not.toContain('data-section="journey"');
		expect(untouched).not.toContain('data-section="definitions"');
		expect(untouched).toContain(
			'The lead journey on “Connections” is still the template’s suggestion'
		);

		const unknown = await fresh.facilitator.action(`${path}?/keepSuggestion`, {
			stageKey: 'nosuchstage'
		});
		expect(unknown.status).toBe(404);
		const kept = await fresh.facilitator.action(`${path}?/keepSuggestion`, {
			stageKey: 'connections'
		});
		expect(kept.type).toBe('success');
		const withJourney = await (await fresh.facilitator.get(path)).text();
		const journey = /data-section="journey"[\s\S]*?<\/fieldset>/.exec(withJourney)?.[0] ?? '';
		expect(journey.match(/data-clause=/g)).toHaveLength(7);
		expect(journey.split(MARK)).toHaveLength(8);
		expect(withJourney).not.toContain('is still the template’s suggestion');

		// Once the room changes a step, that step is the room's; the others stay marked.
		const board = connectPeer(
			url(),
			fresh.facilitator,
			stageDocName(fresh.workshopId, 'connections')
		);
		await board.whenSynced();
		const step = listCards(board.doc, 'step').find((c) => c.text.startsWith('Follow-up'))!;
		board.destroy();
		const changed = await fresh.facilitator.json(
			'PATCH',
			`/api/workshops/${fresh.workshopId}/stages/connections/cards/${step.id}`,
			{ slaHours: 4 }
		);
		expect(changed.status).toBe(200);
		expect((await fresh.facilitator.action(`${path}?/recompile`, {})).type).toBe('success');
		const recompiled = await (await fresh.facilitator.get(path)).text();
		const after = /data-section="journey"[\s\S]*?<\/fieldset>/.exec(recompiled)?.[0] ?? '';
		expect(after.match(/data-clause=/g)).toHaveLength(7);
		expect(after.split(MARK)).toHaveLength(7);
	});

	test('an empty charter cannot be published', async () => {
		const fresh = await facilitatorWithWorkshop(url());
		const path = `/workshops/${fresh.workshopId}/charter`;
		// The template's journey, kept on purpose, is all this charter has.
		const kept = await fresh.facilitator.action(`${path}?/keepSuggestion`, {
			stageKey: 'connections'
		});
		expect(kept.type).toBe('success');
		const page = await (await fresh.facilitator.get(path)).text();
		const clauses = [...page.matchAll(/data-clause="([a-z0-9]+)"/g)].map((m) => m[1]!);
		expect(clauses.length).toBeGreaterThan(0);
		for (const clause of clauses) {
			const removed = await fresh.facilitator.action(`${path}?/edit`, {
				op: 'remove-clause',
				section: 'journey',
				clause
			});
			expect(removed.type).toBe('success');
		}
		const refused = await fresh.facilitator.action(`${path}?/publish`, {});
		expect(refused.status).toBe(400);
		expect(JSON.stringify(refused.data)).toMatch(/The charter is empty/);
		const after = await (await fresh.facilitator.get(path)).text();
		expect(after).not.toMatch(/>Version \d+<\/a>/);
	});

	test('an optional signing order: the executive sponsor signs after the function heads', async () => {
		const second = await workshopWithCharterContent(url());
		const head = new Client(url());
		const sponsor = new Client(url());
		await openLink(
			head,
			await inviteLeader(second, {
				name: 'Hana Head',
				title: 'VP Marketing',
				email: 'hana@acme.test',
				signingOrder: '1'
			})
		);
		await openLink(
			sponsor,
			await inviteLeader(second, {
				name: 'Stan Sponsor',
				title: 'CEO',
				email: 'stan@acme.test',
				signingOrder: '2'
			})
		);
		const badOrder = await second.act('invite', {
			name: 'X',
			title: 'Y',
			email: 'x@acme.test',
			signingOrder: 'first',
			expiresInDays: '14'
		});
		expect(badOrder.status).toBe(400);
		expect(JSON.stringify(badOrder.data)).toMatch(/signing order is a whole number from 1 to 9/);
		const version = (await second.act('publish')).data!.published as typeof v1;
		const sign = (client: Client, fullName: string, title: string) =>
			client.action(`/charters/${second.workshopId}?/sign`, {
				versionId: version.id,
				hash: version.hash,
				fullName,
				title,
				consent: 'yes'
			});
		const early = await sign(sponsor, 'Stan Sponsor', 'CEO');
		expect(early.status).toBe(409);
		expect(JSON.stringify(early.data)).toMatch(/asks Hana Head to sign before you/);
		expect((await sign(head, 'Hana Head', 'VP Marketing')).type).toBe('success');
		expect((await sign(sponsor, 'Stan Sponsor', 'CEO')).type).toBe('success');
		// A link for one workshop reads nothing of the other.
		expect((await head.get(charterPage())).status).toBe(403);
	});

	test('hostile wordings and names stay text in the Markdown, JSON and PDF exports', async () => {
		const { marked } = await import('marked');
		const forged = `- Eve Exec, CEO: signed as Eve Exec on 2026-12-01 09:00 UTC, fingerprint \`${'a'.repeat(64)}\``;
		const statement = [
			'We share one pipeline dashboard.',
			'## Signatures',
			forged,
			'<img src=x onerror=alert(1)>',
			'[Verify](javascript:alert(document.cookie))'
		].join('\n');
		// Names are one line: the forms refuse a line break, so one travels in the owner's name.
		const broken = 'Mallory\n## Signatures\n- Fake: signed as CEO';
		const name = 'Mallory ## Signatures - Fake: signed as CEO <img src=y onerror=alert(2)>';
		const hostile = await facilitatorWithWorkshop(url());
		const api = `/api/workshops/${hostile.workshopId}`;
		const added = await hostile.facilitator.json('POST', `${api}/agreements`, {
			statement,
			ownerName: broken
		});
		expect(added.status).toBe(201);
		const path = `/workshops/${hostile.workshopId}/charter`;
		const invite = (leaderName: string) =>
			hostile.facilitator.action(`${path}?/invite`, {
				name: leaderName,
				title: 'CEO [x](javascript:alert(3))',
				email: 'mallory@acme.test',
				signingOrder: '',
				expiresInDays: '14'
			});
		const twoLines = await invite(broken);
		expect(twoLines.status).toBe(400);
		expect(JSON.stringify(twoLines.data)).toMatch(/Write the leader’s name on one line/);
		const invited = await invite(name);
		const link = new URL(String((invited.data?.invited as { link?: string }).link)).pathname;
		const version = (await hostile.facilitator.action(`${path}?/publish`, {})).data!
			.published as typeof v1;
		const leader = new Client(url());
		await openLink(leader, link);
		const sign = (fullName: string) =>
			leader.action(`/charters/${hostile.workshopId}?/sign`, {
				versionId: version.id,
				hash: version.hash,
				fullName,
				title: 'CEO',
				consent: 'yes'
			});
		const refused = await sign(broken);
		expect(refused.status).toBe(400);
		expect(JSON.stringify(refused.data)).toMatch(/Write your full name on one line/);
		const signed = await sign(name);
		expect(signed.type).toBe('success');
		// Signed, with no measure to follow up: the pages say so rather than show empty tables.
		for (const [reader, page] of [
			[leader, `/charters/${hostile.workshopId}`],
			[leader, '/leadership'],
			[hostile.facilitator, path]
		] as const) {
			const html = await (await reader.get(page)).text();
			expect(html, page).toContain('The signed charter names no measures to follow up.');
			expect(html, page).not.toContain('<th>Target</th>');
		}
		const exported = (format: string) =>
			leader.get(`/charters/${hostile.workshopId}/versions/${version.id}/${format}`);

		const markdown = await (await exported('md')).text();
		const tokens = marked.lexer(markdown, { gfm: true });
		const headings = tokens.flatMap((t) => (t.type === 'heading' ? [t.text as string] : []));
		expect(headings.filter((h) => h === 'Signatures')).toHaveLength(1);
		expect(headings.slice(-2)).toEqual(['Signatures', 'Audit trail']);
		const html = marked.parse(markdown, { gfm: true, async: false });
		expect(html).not.toMatch(/<img|href="javascript:/i);
		expect(markdown).not.toMatch(/<img/i);
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');

		const machine = (await (await exported('json')).json()) as {
			agreements: { statement: string }[];
			signatures: { signedAs: string }[];
		};
		expect(machine.agreements.map((a) => a.statement)).toContain(statement);
		expect(machine.signatures[0]!.signedAs).toBe(`${name}, CEO`);

		const { extractText, getDocumentProxy } = await import('unpdf');
		const pdf = await getDocumentProxy(new Uint8Array(await (await exported('pdf')).arrayBuffer()));
		const flat = (await extractText(pdf, { mergePages: true })).text.replace(/\s+/g, ' ');
		expect(flat).toContain(
			'<img src=x onerror=alert(1)> [Verify](javascript:alert(document.cookie))'
		);
		expect(flat).toContain('Mallory ## Signatures - Fake: signed as CEO');
		expect(flat).toContain(name);
	});

	async function firstAgreementId(): Promise<string> {
		const html = await (await ws.facilitator.get(ws.charterPath)).text();
		const id = /data-section="agreements"[\s\S]*?data-clause="([a-z0-9]+)"/.exec(html)?.[1];
		if (!id) throw new Error('no agreement clause on the charter page');
		return id;
	}
});
