import * as devalue from 'devalue';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import { journeyOrder } from '../../src/lib/collab/journey';
import { createWorkshop, joinAs, signUpFacilitator, teamsOnJoinPage } from '../factories/workshops';
import { addTerm } from '../support/board-text';
import { oneDatabase } from '../support/databases';
import { Client, type ActionResult } from '../support/http';
import { connectPeer } from '../support/realtime';
import type { RunningServer } from '../support/server';
import { serverForSuite } from '../support/suite';

const fixture = readFileSync('tests/fixtures/template-v1.json', 'utf8');

/** Posts the import form with a file, as the Templates page's "Import template" does. */
async function importFile(
	client: Client,
	contents: string,
	visibility = 'private'
): Promise<ActionResult> {
	const form = new FormData();
	form.set('visibility', visibility);
	form.set('file', new Blob([contents], { type: 'application/json' }), 'template.json');
	const response = await fetch(`${client.baseUrl}/templates?/import`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			cookie: client.cookieHeader(),
			origin: client.baseUrl,
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: form
	});
	const body = (await response.json()) as ActionResult & { data?: string };
	return {
		...body,
		data: body.data ? (devalue.parse(body.data as string) as Record<string, unknown>) : undefined
	};
}

const fileError = (result: ActionResult) =>
	(result.data?.errors as Record<string, string> | undefined)?.file ?? '';

/** The names in the library, as the Templates page lists them. */
async function library(client: Client): Promise<string[]> {
	const html = await (await client.get('/templates')).text();
	return [...html.matchAll(/data-testid="saved-template"[^>]*>\s*<h3[^>]*>([^<]*)</g)].map(
		(m) => m[1]!
	);
}

async function stageTitles(client: Client, workshopId: string): Promise<string[]> {
	const html = await (await client.get(`/workshops/${workshopId}`)).text();
	return [...html.matchAll(/data-testid="stage-title"[^>]*>([^<]*)</g)].map((m) =>
		m[1]!.replace(/&amp;/g, '&').trim()
	);
}

async function exported(client: Client, templateId: string) {
	const response = await client.get(`/templates/${templateId}/export`);
	return {
		status: response.status,
		disposition: response.headers.get('content-disposition'),
		body: response.status === 200 ? ((await response.json()) as Record<string, unknown>) : null
	};
}

const createdId = (result: ActionResult) =>
	/\/workshops\/([a-z2-7]+)$/.exec(result.location ?? '')?.[1];

describe.each(oneDatabase('pglite'))('the template library on %s', (kind) => {
	const suite = serverForSuite(kind);
	let server: RunningServer;
	let author: Client;
	let other: Client;
	let sourceId: string;
	let templateId: string;

	beforeAll(async () => {
		server = suite.server;
		({ facilitator: author } = await signUpFacilitator(server.url, 'Ana Author'));
		({ facilitator: other } = await signUpFacilitator(server.url, 'Otto Other'));
		// A workshop the author reworked: a term added and a draft on MQL, a step of their own,
		// a stage's prompt and timebox changed, a third team.
		sourceId = (await createWorkshop(author, 'Acme, Q3')).workshopId;
		await author.action(`/workshops/${sourceId}?/addTeam`, {
			name: 'Customer success',
			colour: '#15803d'
		});
		await author.action(`/workshops/${sourceId}?/updateStage`, {
			stageKey: 'barriers',
			title: 'Barriers',
			prompt: 'What gets in the way of the hand-off?',
			timeboxMinutes: '25'
		});
		await addTerm(author, sourceId, 'shared-terms', 'Pipeline');
		const sourceTeams = await teamsOnJoinPage(
			server.url,
			/data-testid="join-code"[^>]*>\s*([A-Z0-9]{6})\s*</.exec(
				await (await author.get(`/workshops/${sourceId}`)).text()
			)![1]!
		);
		const step = await author.json('POST', `/api/workshops/${sourceId}/stages/connections/cards`, {
			type: 'step',
			text: 'Customer success flags an expansion lead',
			ownerTeamId: sourceTeams['Customer success'],
			system: 'CS platform',
			slaHours: 48
		});
		expect(step.status).toBe(201);
		const terms = connectPeer(server.url, author, stageDocName(sourceId, 'shared-terms'));
		await terms.whenSynced();
		const mql = listCards(terms.doc, 'term').find((t) => t.text === 'MQL')!;
		termText(terms.doc, mql.id, TERM_TEXT.merged)!.insert(
			0,
			'Scored 60 or more, with a named buyer'
		);
		termText(terms.doc, mql.id, TERM_TEXT.wording(sourceTeams.Sales!))!.insert(0, 'Sales only');
		await terms.ack();
		terms.destroy();

		const saved = await author.action(`/workshops/${sourceId}/save-template`, {
			name: 'Acme format',
			description: 'Our day with a customer-success team',
			visibility: 'private'
		});
		expect(saved.type).toBe('redirect');
		templateId = /saved=([a-z2-7]+)/.exec(saved.location ?? '')![1]!;
	});

	test('a saved workshop is listed, and a workshop created from it has its stages, teams, terms and journey', async () => {
		expect(await library(author)).toEqual(['Acme format']);
		const workshopPage = await (await author.get(`/workshops/${sourceId}`)).text();
		expect(workshopPage).toContain(`href="/workshops/${sourceId}/save-template"`);
		const savePage = await author.get(`/workshops/${sourceId}/save-template`);
		expect(savePage.status).toBe(200);
		expect(await savePage.text()).toContain('Who sees it');
		const templatesPage = await (await author.get('/templates')).text();
		for (const label of ['Import template', 'Export', 'Delete', 'Quarterly alignment review'])
			expect(templatesPage).toContain(label);
		const newPage = await (await author.get('/workshops/new')).text();
		expect(newPage).toContain(`value="saved:${templateId}"`);
		expect(newPage).toContain('The Lead-definition summit template');

		const created = await author.action('/workshops/new', {
			title: 'Globex, Q4',
			clientOrganisation: 'Globex',
			startFrom: `saved:${templateId}`
		});
		const id = createdId(created)!;
		expect(await stageTitles(author, id)).toEqual(await stageTitles(author, sourceId));
		const page = await (await author.get(`/workshops/${id}`)).text();
		expect(page).toContain('What gets in the way of the hand-off?');
		const joinCode = /data-testid="join-code"[^>]*>\s*([A-Z0-9]{6})\s*</.exec(page)![1]!;
		const teams = await teamsOnJoinPage(server.url, joinCode);
		expect(Object.keys(teams).sort()).toEqual(['Customer success', 'Marketing', 'Sales']);

		const terms = connectPeer(server.url, author, stageDocName(id, 'shared-terms'));
		const journey = connectPeer(server.url, author, stageDocName(id, 'connections'));
		await Promise.all([terms.whenSynced(), journey.whenSynced()]);
		try {
			const names = listCards(terms.doc, 'term').map((t) => t.text);
			expect(names).toContain('Pipeline');
			expect(names).toContain('MQL');
			const mql = listCards(terms.doc, 'term').find((t) => t.text === 'MQL')!;
			expect(termText(terms.doc, mql.id, TERM_TEXT.merged)?.toString()).toBe(
				'Scored 60 or more, with a named buyer'
			);
			// A team's own wording was the client's: it stays behind.
			expect(termText(terms.doc, mql.id, TERM_TEXT.wording(teams.Sales!))?.toString()).toBe('');
			const steps = journeyOrder(listCards(journey.doc, 'step'));
			const expansion = steps.find((s) => s.text.startsWith('Customer success flags'))!;
			expect(expansion).toMatchObject({
				ownerTeamId: teams['Customer success'],
				system: 'CS platform',
				slaHours: 48
			});
			expect(steps.at(-1)!.isReturnPath).toBe(true);
		} finally {
			terms.destroy();
			journey.destroy();
		}

		// Saved again, the new workshop gives the same template: nothing was lost on the way.
		const again = await author.action(`/workshops/${id}/save-template`, {
			name: 'Acme format',
			description: 'Our day with a customer-success team',
			visibility: 'private'
		});
		const againId = /saved=([a-z2-7]+)/.exec(again.location ?? '')![1]!;
		expect((await exported(author, againId)).body).toEqual(
			(await exported(author, templateId)).body
		);
		await author.action('/templates?/delete', { templateId: againId });
	});

	test('export then import gives the same template', async () => {
		const first = await exported(author, templateId);
		expect(first.status).toBe(200);
		expect(first.disposition).toMatch(/attachment; filename="acme-format\.template\.json"/);
		expect(first.body).toMatchObject({ format: 'common-ground-template', version: 1 });
		const imported = await importFile(author, JSON.stringify(first.body), 'firm');
		expect(imported.type).toBe('success');
		const importedId = (imported.data?.imported as { id: string }).id;
		expect((await exported(author, importedId)).body).toEqual(first.body);
		expect(await library(author)).toEqual(['Acme format', 'Acme format']);
		expect(await (await author.get('/templates')).text()).toContain('Shared with the firm');
		await author.action('/templates?/delete', { templateId: importedId });
		// The published schema is served, and a built-in template exports in the same format.
		const schema = await author.get('/schema/template-v1.json');
		expect(schema.status).toBe(200);
		expect(await schema.json()).toEqual(
			JSON.parse(readFileSync('static/schema/template-v1.json', 'utf8'))
		);
		const summit = await exported(author, 'lead-definition-summit');
		expect(summit.body).toMatchObject({ name: 'Lead-definition summit', version: 1 });
		expect((await exported(new Client(server.url), 'lead-definition-summit')).status).toBe(303);
		// The file as first published reads too.
		const old = await importFile(author, fixture);
		expect(old.type).toBe('success');
		await author.action('/templates?/delete', {
			templateId: (old.data?.imported as { id: string }).id
		});
	});

	test('bad files are refused with the reason, and nothing is stored', async () => {
		const good = () => JSON.parse(fixture);
		const tooManyStages = good();
		tooManyStages.stages = Array.from({ length: 21 }, (_, i) => ({
			key: `s-${i}`,
			kind: 'open',
			title: `Stage ${i}`,
			prompt: '',
			timeboxMinutes: 5
		}));
		const unknownKind = good();
		unknownKind.stages[2].kind = 'charter-pulse';
		const longText = good();
		longText.stages[0].prompt = 'p'.repeat(2001);
		const cases: Array<[string, string, RegExp]> = [
			['not JSON', '{"format": "common-ground-template",', /not JSON/],
			['wrong version', JSON.stringify({ ...good(), version: 2 }), /version 2/],
			['unknown stage kind', JSON.stringify(unknownKind), /Stage 3: A stage’s kind is one of/],
			[
				'too big',
				JSON.stringify({ ...good(), description: 'x'.repeat(300 * 1024) }),
				/at most 256 KB/
			],
			['too many items', JSON.stringify(tooManyStages), /Stages: at most 20/],
			[
				'text too long',
				JSON.stringify(longText),
				/Stage 1: The stage’s prompt is longer than 2000/
			],
			['empty', '', /Choose a template file/]
		];
		for (const [what, contents, reason] of cases) {
			const result = await importFile(author, contents);
			expect(result.status, what).toBe(400);
			expect(fileError(result), what).toMatch(reason);
		}
		expect(await library(author)).toEqual(['Acme format']);
	});

	test('script-like content is stored and shown as text', async () => {
		const file = JSON.parse(fixture);
		file.name = '<script>alert(1)</script>';
		const result = await importFile(author, JSON.stringify(file));
		expect(result.type).toBe('success');
		const html = await (await author.get('/templates')).text();
		expect(html).toContain('&lt;script>alert(1)&lt;/script>');
		expect(html).not.toContain('<script>alert(1)</script>');
		await author.action('/templates?/delete', {
			templateId: (result.data?.imported as { id: string }).id
		});
	});

	test('another facilitator cannot see, use, export, delete or save into a private template', async () => {
		expect(await library(other)).toEqual([]);
		expect(await (await other.get('/workshops/new')).text()).not.toContain(templateId);
		const use = await other.action('/workshops/new', {
			title: 'Stolen',
			clientOrganisation: 'X',
			startFrom: `saved:${templateId}`
		});
		expect(use.status).toBe(400);
		expect((use.data?.errors as Record<string, string>).startFrom).toMatch(/your library/);
		expect((await exported(other, templateId)).status).toBe(404);
		const remove = await other.action('/templates?/delete', { templateId });
		expect(remove.status).toBe(404);
		expect((await other.get(`/workshops/${sourceId}/save-template`)).status).toBe(404);
		const saveTheirs = await other.action(`/workshops/${sourceId}/save-template`, {
			name: 'Theirs',
			description: '',
			visibility: 'private'
		});
		expect(saveTheirs.status).toBe(404);
		expect(await library(other)).toEqual([]);
		expect(await library(author)).toEqual(['Acme format']);
	});

	test('without a facilitator session the library is out of reach', async () => {
		const anonymous = new Client(server.url);
		expect((await anonymous.get('/templates')).status).toBe(303);
		expect((await exported(anonymous, templateId)).status).toBe(303);
		const joinCode = /data-testid="join-code"[^>]*>\s*([A-Z0-9]{6})\s*</.exec(
			await (await author.get(`/workshops/${sourceId}`)).text()
		)![1]!;
		const teams = await teamsOnJoinPage(server.url, joinCode);
		const participant = await joinAs(server.url, joinCode, teams.Sales!, 'Pat');
		expect((await participant.get('/templates')).status).toBe(303);
		expect((await exported(participant, templateId)).status).toBe(303);
		const imported = await importFile(participant, fixture);
		expect(imported.type).toBe('redirect');
		const removed = await participant.action('/templates?/delete', { templateId });
		expect(removed.type).toBe('redirect');
		expect(await library(author)).toEqual(['Acme format']);
	});

	test('a template shared with the firm reaches its members, never another firm; the firm’s owner may delete it', async () => {
		// Ana invites a colleague (no mail server here: the link is shown to copy).
		const invited = await author.action('/firm?/invite', {
			email: 'cora@firm-a.example',
			role: 'facilitator'
		});
		const path = /\/invitations\/[a-z2-7]{32}/.exec(
			(invited.data?.invited as { link: string }).link
		)![0];
		const colleague = new Client(server.url);
		await colleague.action(`/signup?next=${encodeURIComponent(path)}`, {
			name: 'Cora Colleague',
			email: 'cora@firm-a.example',
			password: 'a long enough password'
		});
		expect(await colleague.action(path, {})).toMatchObject({ type: 'redirect' });

		const shared = await importFile(colleague, fixture, 'firm');
		const sharedId = (shared.data?.imported as { id: string }).id;
		await importFile(colleague, fixture.replace('Partner-led lead review', 'Cora only'));
		expect(await library(author)).toContain('Partner-led lead review');
		expect(await library(author)).not.toContain('Cora only');
		expect((await exported(author, sharedId)).status).toBe(200);
		// Otto is a firm of his own: nothing of firm A's library reaches him.
		expect(await library(other)).toEqual([]);
		expect((await exported(other, sharedId)).status).toBe(404);
		expect((await other.action('/templates?/delete', { templateId: sharedId })).status).toBe(404);
		// Ana owns the firm: she may take the shared template out of its library.
		expect((await author.action('/templates?/delete', { templateId: sharedId })).type).toBe(
			'success'
		);
		expect(await library(colleague)).toEqual(['Cora only']);
	});

	test('the author deletes the template; it is gone for good', async () => {
		const { facilitator } = await signUpFacilitator(server.url, 'Dee Deleter');
		const result = await importFile(facilitator, fixture);
		const id = (result.data?.imported as { id: string }).id;
		expect(await library(facilitator)).toEqual(['Partner-led lead review']);
		const removed = await facilitator.action('/templates?/delete', { templateId: id });
		expect(removed.type).toBe('success');
		expect(await library(facilitator)).toEqual([]);
		expect((await exported(facilitator, id)).status).toBe(404);
	});

	test('saving is refused with the reason when the form or the workshop does not make a template', async () => {
		const unnamed = await author.action(`/workshops/${sourceId}/save-template`, {
			name: ' ',
			description: 'kept',
			visibility: 'everyone'
		});
		expect(unnamed.status).toBe(400);
		expect(unnamed.data?.errors).toMatchObject({
			name: 'Give the template a name.',
			visibility: expect.stringMatching(/only you, or your firm/)
		});
		expect(unnamed.data?.values).toMatchObject({ description: 'kept' });
		const terms = connectPeer(server.url, author, stageDocName(sourceId, 'shared-terms'));
		await terms.whenSynced();
		const pipeline = listCards(terms.doc, 'term').find((t) => t.text === 'Pipeline')!;
		termText(terms.doc, pipeline.id, TERM_TEXT.merged)!.insert(0, 'w'.repeat(2001));
		await terms.ack();
		terms.destroy();
		const tooLong = await author.action(`/workshops/${sourceId}/save-template`, {
			name: 'Too long',
			description: '',
			visibility: 'private'
		});
		expect(tooLong.status).toBe(400);
		expect((tooLong.data?.errors as Record<string, string>).form).toMatch(
			/Stage 2, term 9: The term’s draft wording is longer than 2000 characters/
		);
		expect(await library(author)).toEqual(['Acme format']);
	});

	test('the two new built-in templates start with their stages and boards', async () => {
		const summit = await author.action('/workshops/new', {
			title: 'Lead summit',
			clientOrganisation: 'Initech',
			startFrom: 'builtin:lead-definition-summit'
		});
		const summitId = createdId(summit)!;
		expect(await stageTitles(author, summitId)).toEqual([
			'Shared terms',
			'Calibration',
			'Connections',
			'Agreements'
		]);
		const terms = connectPeer(server.url, author, stageDocName(summitId, 'shared-terms'));
		await terms.whenSynced();
		expect(listCards(terms.doc, 'term').map((t) => t.text)).toContain('Hand-off SLA');
		terms.destroy();
		const review = await author.action('/workshops/new', {
			title: 'Q1 review',
			clientOrganisation: 'Initech',
			startFrom: 'builtin:quarterly-review'
		});
		expect(await stageTitles(author, createdId(review)!)).toEqual([
			'Measures since the charter',
			'Barriers still in the way',
			'Agreements to keep or amend'
		]);
		const unknown = await author.action('/workshops/new', {
			title: 'X',
			clientOrganisation: 'Y',
			startFrom: 'builtin:no-such-template'
		});
		expect(unknown.status).toBe(400);
	});
});
