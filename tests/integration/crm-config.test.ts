/**
 * CRM configuration from a signed charter, against a real server and database: who may
 * download it, which versions it comes from, what the files say, and the dry run of a CRM's
 * current configuration (refused when it is not one, and never stored).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	lifecycleJsonSchema,
	lifecycleSchemaErrors
} from '../../src/lib/domain/lifecycle/validate';
import { openDatabase } from '../../src/lib/server/db/open';
import {
	agreeLifecycle,
	inviteLeader,
	openLink,
	workshopWithCharterContent,
	type CharterWorkshop
} from '../factories/charter';
import { createWorkshop, joinAs, signUpFacilitator } from '../factories/workshops';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client, type ActionResult } from '../support/http';
import { startServer, type RunningServer } from '../support/server';

const CURRENT = join(import.meta.dirname, '../fixtures/crm/current');
/** A string only the uploads carry, looked for in every table afterwards. */
const MARKER = `upload-marker-${process.pid}-${Date.now()}`;

/** Posts files to a form action as a browser's multipart form does. */
async function upload(client: Client, path: string, files: [string, string][]) {
	const form = new FormData();
	for (const [name, text] of files) form.append('configuration', new Blob([text]), name);
	const response = await fetch(client.baseUrl + path, {
		method: 'POST',
		headers: {
			cookie: client.cookieHeader(),
			origin: client.baseUrl,
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: form
	});
	const body = (await response.json()) as {
		type: ActionResult['type'];
		status?: number;
		data?: string;
	};
	const { parse } = await import('devalue');
	return {
		type: body.type,
		status: body.status ?? response.status,
		data: body.data ? (parse(body.data) as Record<string, unknown>) : undefined
	};
}

const pipelineFile = (): [string, string] => {
	const pipeline = JSON.parse(readFileSync(join(CURRENT, 'hubspot-pipeline.json'), 'utf8'));
	return ['pipeline.json', JSON.stringify({ ...pipeline, label: MARKER })];
};

describe.each(oneDatabase('postgres'))('CRM configuration from a charter on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let ws: CharterWorkshop;
	let other: { workshopId: string };
	let dana: Client;
	let otherLeader: Client;
	let v1: { id: string; hash: string; number: number };

	const crm = (versionId: string, what: string) =>
		`/charters/${ws.workshopId}/versions/${versionId}/crm/${what}`;
	const sign = async (
		leader: Client,
		workshopId: string,
		version: { id: string; hash: string }
	) => {
		const signed = await leader.action(`/charters/${workshopId}?/sign`, {
			versionId: version.id,
			hash: version.hash,
			fullName: 'Dana Diaz',
			title: 'CMO',
			consent: 'yes'
		});
		if (signed.type !== 'success') throw new Error(`signing failed: ${JSON.stringify(signed)}`);
	};

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		[ws, other] = await Promise.all([
			workshopWithCharterContent(server.url).then(async (ws) => {
				await agreeLifecycle(server.url, ws);
				return ws;
			}),
			anotherCharterWithLeader()
		]);
		v1 = (await ws.act('publish')).data!.published as typeof v1;
		dana = new Client(server.url);
		await openLink(
			dana,
			await inviteLeader(ws, { name: 'Dana Diaz', title: 'CMO', email: 'dana@acme.test' })
		);
	});
	/** A second facilitator's charter, one clause long, with its own invited leader. */
	async function anotherCharterWithLeader() {
		const { facilitator } = await signUpFacilitator(server.url, 'Oscar Other');
		const { workshopId } = await createWorkshop(facilitator, 'Another alignment');
		const card = await facilitator.json(
			'POST',
			`/api/workshops/${workshopId}/stages/measures/cards`,
			{ type: 'cadence', text: 'Monthly pipeline review' }
		);
		if (card.status !== 201) throw new Error(`card refused: ${JSON.stringify(card.body)}`);
		const path = `/workshops/${workshopId}/charter`;
		const published = await facilitator.action(`${path}?/publish`, {});
		if (published.type !== 'success')
			throw new Error(`publishing failed: ${JSON.stringify(published)}`);
		const invited = await facilitator.action(`${path}?/invite`, {
			name: 'Olga Other',
			title: 'CRO',
			email: 'olga@other.test',
			signingOrder: '',
			expiresInDays: '14'
		});
		const link = (invited.data?.invited as { link?: string } | undefined)?.link;
		if (!link) throw new Error(`inviting failed: ${JSON.stringify(invited)}`);
		otherLeader = new Client(server.url);
		await openLink(otherLeader, new URL(link).pathname);
		return { workshopId };
	}

	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});

	test('a version not signed yet is refused: no download, no dry run, and the pages offer neither', async () => {
		const refused = await ws.facilitator.get(crm(v1.id, 'hubspot'));
		expect(refused.status).toBe(409);
		expect(await refused.text()).toContain('Version 1 is not signed by every leader yet.');
		const check = await upload(ws.facilitator, `${ws.charterPath}?/checkCrm`, [pipelineFile()]);
		expect(check).toMatchObject({ type: 'failure', status: 409 });
		expect(check.data!.crmError).toContain('No version of this charter is signed yet');
		const page = await (await ws.facilitator.get(ws.charterPath)).text();
		expect(page).not.toContain('Download HubSpot configuration');
		expect(page).toContain('Once every invited leader has signed a version');
	});

	test('once signed, the facilitator and the leader download all four, named and stamped with the hash', async () => {
		await sign(dana, ws.workshopId, v1);
		for (const client of [ws.facilitator, dana]) {
			for (const what of ['hubspot', 'salesforce', 'lifecycle.json', 'lifecycle.yaml']) {
				const response = await client.get(crm(v1.id, what));
				expect(response.status, what).toBe(200);
				expect(response.headers.get('content-disposition')).toMatch(
					new RegExp(`attachment; filename="charter-v1-${v1.hash.slice(0, 8)}-`)
				);
				const bytes = new Uint8Array(await response.arrayBuffer());
				const texts =
					what.endsWith('.json') || what.endsWith('.yaml')
						? [strFromU8(bytes)]
						: Object.values(unzipSync(bytes)).map((b) => strFromU8(b));
				for (const text of texts) {
					expect(text).toContain(v1.hash);
					expect(text).toContain(`${server.url}/verify/${v1.id}`);
				}
			}
		}
	});

	test('the lifecycle JSON holds what the room recorded, matches the schema and leaves the rest undefined', async () => {
		const model = (await (await dana.get(crm(v1.id, 'lifecycle.json'))).json()) as {
			stages: {
				label: string;
				entryCriteria: { defined: boolean };
				exitCriteria: unknown;
				ownerTeam: unknown;
			}[];
			mqlThreshold: unknown;
			attemptsBeforeNurture: unknown;
			handoffs: { name: string; hours: unknown; hoursBasis: unknown }[];
			disqualification: { reasons: unknown };
		};
		expect(lifecycleSchemaErrors(model)).toEqual([]);
		expect(model.stages.map((s) => [s.label, s.entryCriteria.defined])).toEqual([
			['MQL', true],
			['SAL', false],
			['SQL', true],
			['Opportunity', false]
		]);
		expect(model.stages[0]!.exitCriteria).toMatchObject({
			defined: true,
			value: 'Sales accepts or returns it.'
		});
		expect(model.stages[0]!.ownerTeam).toMatchObject({ value: 'Marketing' });
		expect(model.stages[2]!.exitCriteria).toEqual({
			defined: false,
			reason: 'exit criteria not agreed in the workshop'
		});
		expect(model.mqlThreshold).toMatchObject({ defined: true, value: 65 });
		expect(model.attemptsBeforeNurture).toMatchObject({ defined: true, value: 3 });
		expect(model.disqualification.reasons).toMatchObject({
			value: ['Competitor', 'Outside our market']
		});
		expect(model.handoffs.find((h) => h.name === 'Hand-off SLA')).toMatchObject({
			hours: { defined: true, value: 24 },
			hoursBasis: { defined: true, value: 'business' }
		});
	});

	test('both pages offer the downloads and the dry run by their visible names', async () => {
		for (const [client, path] of [
			[ws.facilitator, ws.charterPath],
			[dana, `/charters/${ws.workshopId}`]
		] as const) {
			const html = await (await client.get(path)).text();
			for (const [name, what] of [
				['Download HubSpot configuration', 'hubspot'],
				['Download Salesforce package', 'salesforce'],
				['Download lifecycle JSON', 'lifecycle.json'],
				['Download lifecycle YAML', 'lifecycle.yaml']
			] as const) {
				expect(html).toMatch(
					new RegExp(`href="${crm(v1.id, what).replace(/\./g, '\\.')}"[^>]*>${name}</a>`)
				);
			}
			expect(html).toContain('>Check against your CRM</button>');
		}
		// The schema the lifecycle JSON follows is public, as the pages link it.
		const schema = await new Client(server.url).get('/schema/lifecycle-v1.json');
		expect(schema.status).toBe(200);
		expect(await schema.json()).toEqual(lifecycleJsonSchema);
	});

	test('the CRM section names where the room sets each fact the signed version leaves undefined', async () => {
		for (const [client, path] of [
			[ws.facilitator, ws.charterPath],
			[dana, `/charters/${ws.workshopId}`]
		] as const) {
			const html = await (await client.get(path)).text();
			expect(html).toContain('Not defined in version 1');
			for (const sentence of [
				'Exit criteria for SQL is not defined: set it on the Shared terms board (SQL, Lifecycle details: “Exit criteria”).',
				'SAL is not defined, so no CRM receives it: agree a merged wording for SAL on the Shared terms board.',
				'The team handing off under “Hand-off SLA” is not defined: set it on the Shared terms board (Hand-off SLA, Lifecycle details: “Handed over by”).'
			]) {
				expect(html).toContain(sentence);
			}
			// What the room did set is not listed.
			expect(html).not.toContain('Exit criteria for MQL');
			expect(html).not.toContain('Attempts before return to nurture is not defined');
		}
	});

	test('the dry run shows what would change, for the facilitator and the leader', async () => {
		const pipeline = await upload(ws.facilitator, `${ws.charterPath}?/checkCrm`, [pipelineFile()]);
		expect(pipeline.type).toBe('success');
		const check = pipeline.data!.crmCheck as {
			versionNumber: number;
			files: { changes: { text: string }[] }[];
		};
		expect(check.versionNumber).toBe(1);
		expect(check.files[0]!.changes.map((c) => c.text)).toEqual([
			'Stage “Marketing qualified lead” would be renamed “MQL”.',
			'Stage “SQL” would move from position 4 to 2.',
			'Stage “SAL” would be removed (the charter does not name it).',
			'Stage “Opportunity” would be removed (the charter does not name it).'
		]);
		const salesforce = await upload(dana, `/charters/${ws.workshopId}?/checkCrm`, [
			[
				'LeadStatus.xml',
				readFileSync(join(CURRENT, 'LeadStatus.standardValueSet-meta.xml'), 'utf8')
			]
		]);
		expect(salesforce.type).toBe('success');
		const html = await (await ws.facilitator.get(ws.charterPath)).text();
		expect(html).not.toContain(MARKER);
	});

	test.each([
		[
			'not a CRM configuration',
			[['notes.json', `{"note": "${MARKER}"}`]],
			'is not a HubSpot or Salesforce configuration'
		],
		[
			'malformed JSON',
			[['pipeline.json', `{"label": "${MARKER}", "stages": [`]],
			'is not valid JSON'
		],
		[
			'malformed XML',
			[['LeadStatus.xml', `<StandardValueSet><x>${MARKER}</StandardValueSet>`]],
			'is not well-formed XML'
		],
		[
			'oversize',
			[['big.json', `{"label":"${MARKER}","pad":"${'x'.repeat(600 * 1024)}"}`]],
			'a configuration file is at most 512 KB'
		],
		['no file at all', [], 'Choose the configuration file your CRM exported.']
	] as [string, [string, string][], string][])(
		'an upload that is %s is refused with the reason',
		async (_, files, reason) => {
			const result = await upload(ws.facilitator, `${ws.charterPath}?/checkCrm`, files);
			expect(result).toMatchObject({ type: 'failure', status: 400 });
			expect(result.data!.crmError).toContain(reason);
		}
	);

	test('a participant, another facilitator and the leader of another charter are refused', async () => {
		const participant = await joinAs(server.url, ws.joinCode, ws.teams.Sales!, 'Pat');
		const stranger = (await signUpFacilitator(server.url, 'Sid Stranger')).facilitator;
		for (const [client, status] of [
			[participant, 403],
			[stranger, 403],
			[otherLeader, 403],
			[new Client(server.url), 401]
		] as const) {
			expect((await client.get(crm(v1.id, 'salesforce'))).status).toBe(status);
			const check = await upload(client, `/charters/${ws.workshopId}?/checkCrm`, [pipelineFile()]);
			expect(check.type).toBe('error');
			expect(check.status).toBe(status);
		}
		const onConsole = await upload(stranger, `${ws.charterPath}?/checkCrm`, [pipelineFile()]);
		expect(onConsole.type).not.toBe('success');
		expect(onConsole.status).toBeGreaterThanOrEqual(403);
		// The other charter's own leader cannot reach this version through their own charter either.
		const crossed = await otherLeader.get(
			`/charters/${other.workshopId}/versions/${v1.id}/crm/hubspot`
		);
		expect(crossed.status).toBe(404);
	});

	test('a participant sets any term’s lifecycle facts, but not its name, and not while the stage is locked', async () => {
		const ids = await agreeIds();
		const api = `/api/workshops/${ws.workshopId}/stages/shared-terms/cards`;
		const stage = `/api/workshops/${ws.workshopId}/stages/shared-terms`;
		const sia = await joinAs(server.url, ws.joinCode, ws.teams.Marketing!, 'Sia');
		// Terms the facilitator's template wrote: the room agrees their facts together.
		expect(
			(await sia.json('PATCH', `${api}/${ids.SQL}`, { exitCriteria: 'An opportunity is opened.' }))
				.status
		).toBe(200);
		expect(
			(
				await sia.json('PATCH', `${api}/${ids['Hand-off SLA']}`, {
					fromTeamId: ws.teams.Marketing
				})
			).status
		).toBe(200);
		const renamed = await sia.json('PATCH', `${api}/${ids.SQL}`, {
			text: 'Sales lead',
			exitCriteria: 'Renamed with it.'
		});
		expect(renamed.status).toBe(403);
		expect(JSON.stringify(renamed.body)).toContain(
			'Only the team that wrote this card may change it.'
		);
		const foreign = await sia.json('PATCH', `${api}/${ids['Hand-off SLA']}`, {
			fromTeamId: 'nosuchteam'
		});
		expect(foreign.status).toBe(404);
		expect(JSON.stringify(foreign.body)).toContain('That team is not part of this workshop.');
		expect((await ws.facilitator.json('POST', stage, { action: 'lock' })).status).toBe(200);
		try {
			const locked = await sia.json('PATCH', `${api}/${ids.SQL}`, { exitCriteria: 'Too late.' });
			expect(locked.status).toBe(409);
			expect(JSON.stringify(locked.body)).toContain('This stage is locked');
		} finally {
			expect((await ws.facilitator.json('POST', stage, { action: 'unlock' })).status).toBe(200);
		}
	});

	test('a newer version is refused until signed; then the one it replaced is refused', async () => {
		const patched = await ws.facilitator.json(
			'PATCH',
			`/api/workshops/${ws.workshopId}/stages/shared-terms/cards/${(await agreeIds())['Hand-off SLA']}`,
			{ hoursBasis: 'calendar' }
		);
		expect(patched.status).toBe(200);
		await ws.act('recompile');
		const v2 = (await ws.act('publish')).data!.published as typeof v1;
		const unsigned = await ws.facilitator.get(crm(v2.id, 'lifecycle.json'));
		expect(unsigned.status).toBe(409);
		expect(await unsigned.text()).toContain('Version 2 is not signed by every leader yet.');
		// Until then the version in force is still version 1.
		expect((await ws.facilitator.get(crm(v1.id, 'lifecycle.json'))).status).toBe(200);
		await sign(dana, ws.workshopId, v2);
		const replaced = await dana.get(crm(v1.id, 'lifecycle.json'));
		expect(replaced.status).toBe(409);
		expect(await replaced.text()).toContain(
			'Version 1 was replaced by version 2, which the leaders signed. Export version 2.'
		);
		const model = await (await dana.get(crm(v2.id, 'lifecycle.json'))).json();
		expect(
			model.handoffs.find((h: { name: string }) => h.name === 'Hand-off SLA').hoursBasis
		).toMatchObject({
			value: 'calendar'
		});
		// What a participant set on the board above is in the new signed version.
		expect(
			model.handoffs.find((h: { name: string }) => h.name === 'Hand-off SLA').fromTeam
		).toMatchObject({ defined: true, value: 'Marketing' });
		expect(model.stages[2].exitCriteria).toMatchObject({
			defined: true,
			value: 'An opportunity is opened.'
		});
	});

	test('a lifecycle fact the board cannot hold is refused with the reason', async () => {
		const ids = await agreeIds();
		const api = `/api/workshops/${ws.workshopId}/stages/shared-terms/cards`;
		for (const [patch, message] of [
			[{ attempts: -1 }, 'The attempts cannot be negative.'],
			[{ attempts: 2.5 }, 'The attempts must be a whole number.'],
			[{ hoursBasis: 'weekdays' }, 'Hours are business hours or calendar hours.'],
			[{ attempts: 'three' }, 'The attempts must be a number.'],
			[{ value: -5 }, 'The value cannot be negative.'],
			[{ fromTeamId: 'Not a team!' }, 'Not a valid id.']
		] as const) {
			const r = await ws.facilitator.json('PATCH', `${api}/${ids['Recycled / Nurture']}`, patch);
			expect(r.status).toBe(400);
			expect(JSON.stringify(r.body)).toContain(message);
		}
	});

	test('nothing any upload carried is stored anywhere in the database', async () => {
		await server.stop();
		const opened = await openDatabase({ ...database.options, migrationsDir: 'drizzle' });
		try {
			const tables = (await opened.db.execute(
				sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
			)) as unknown as { rows?: { table_name: string }[] } | { table_name: string }[];
			const names = (Array.isArray(tables) ? tables : (tables.rows ?? [])).map((t) => t.table_name);
			expect(names.length).toBeGreaterThan(10);
			for (const name of names) {
				const found = (await opened.db.execute(
					sql`select count(*)::int as n from ${sql.identifier(name)} t where t::text like ${'%' + MARKER + '%'}`
				)) as unknown as { rows?: { n: number }[] } | { n: number }[];
				const n = (Array.isArray(found) ? found : (found.rows ?? []))[0]?.n;
				expect(n, name).toBe(0);
			}
		} finally {
			await opened.close();
		}
		// The last test: the server stays stopped (afterAll stops it again, harmlessly).
	});

	/** The term card ids of the workshop's Shared terms board. */
	async function agreeIds(): Promise<Record<string, string>> {
		const { connectPeer } = await import('../support/realtime');
		const { stageDocName } = await import('../../src/lib/collab/doc-names');
		const { listCards } = await import('../../src/lib/collab/cards');
		const peer = connectPeer(
			server.url,
			ws.facilitator,
			stageDocName(ws.workshopId, 'shared-terms')
		);
		await peer.whenSynced();
		const ids = Object.fromEntries(listCards(peer.doc, 'term').map((c) => [c.text, c.id]));
		peer.destroy();
		return ids;
	}
});
