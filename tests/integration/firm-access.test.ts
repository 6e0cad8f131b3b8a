/**
 * Which firm may see which client is a guarantee. Firm A has an owner, a facilitator and a
 * producer, who joined by invitation links read from the mail a real SMTP server received;
 * firm B's facilitator is the adversary: a valid session, an HTTP client and a WebSocket
 * client, and firm A's workshop id. Every route and the realtime socket are asked by each
 * of the four, from one table.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import sharp from 'sharp';
import { roomDocName } from '../../src/lib/collab/doc-names';
import { createWorkshop, joinAs, signUpFacilitator, teamsOnJoinPage } from '../factories/workshops';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { startMailbox, type Mailbox } from '../support/mailbox';
import { headersOf, upgradeStatus } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

type Who = 'owner' | 'facilitator' | 'producer' | 'outsider';
const WHO: Who[] = ['owner', 'facilitator', 'producer', 'outsider'];

/** A 4×4 PNG carrying EXIF (with a GPS-like comment) and an ICC profile, as a phone would. */
async function pngWithMetadata(): Promise<Buffer> {
	return sharp({ create: { width: 4, height: 4, channels: 3, background: '#1d4ed8' } })
		.png()
		.withMetadata({ exif: { IFD0: { Copyright: 'Secret Studio', Software: 'PhoneCam 9' } } })
		.withIccProfile('p3')
		.toBuffer();
}

async function postFile(
	client: Client,
	path: string,
	fields: Record<string, string>,
	file: { bytes: Uint8Array; name: string; type: string }
) {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.set(k, v);
	form.set(
		'logo',
		new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }),
		file.name
	);
	const response = await fetch(client.baseUrl + path, {
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
	return (await response.json()) as { type: string; status: number; data?: string };
}

describe.each(oneDatabase('postgres'))('a firm and its clients on %s', (kind) => {
	let database: TestDatabase;
	let mailbox: Mailbox;
	let server: RunningServer;
	const as = {} as Record<Who, Client>;
	let workshopId: string;
	let joinCode: string;
	let participant: Client;
	let outsiderWorkshop: string;

	/** Owner A invites `email` as `role`; the link comes from the mail; they sign up and accept. */
	async function joinByInvitation(email: string, role: 'facilitator' | 'producer') {
		const seen = mailbox.to(email).length;
		const sent = await as.owner.action('/firm?/invite', { email, role });
		expect(sent.type).toBe('success');
		const mail = await mailbox.next(email, seen);
		const link = /https?:\/\/\S+\/invitations\/([a-z2-7]{32})/.exec(mail.text ?? '');
		expect(link, 'the mail carries the invitation link').not.toBeNull();
		const path = `/invitations/${link![1]}`;
		const client = new Client(server.url);
		const signedUp = await client.action(`/signup?next=${encodeURIComponent(path)}`, {
			name: `${role} of A`,
			email,
			password: 'a long enough password'
		});
		expect(signedUp.location).toBe(path);
		const accepted = await client.action(path, {});
		expect(accepted).toMatchObject({ type: 'redirect', location: '/dashboard' });
		return { client, mail, path };
	}

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		mailbox = await startMailbox();
		server = await startServer(database, {
			SMTP_URL: mailbox.url,
			MAIL_FROM: 'Common Ground <workshops@example.com>'
		});
		as.owner = (await signUpFacilitator(server.url, 'Olga Owner')).facilitator;
		({ workshopId, joinCode } = await createWorkshop(as.owner, 'Firm A summit'));
		as.facilitator = (await joinByInvitation('fran@a.example', 'facilitator')).client;
		as.producer = (await joinByInvitation('pat@a.example', 'producer')).client;
		as.outsider = (await signUpFacilitator(server.url, 'Bea of firm B')).facilitator;
		outsiderWorkshop = (await createWorkshop(as.outsider, 'Firm B offsite')).workshopId;
		const teams = await teamsOnJoinPage(server.url, joinCode);
		participant = await joinAs(server.url, joinCode, teams.Sales!, 'Sam');
	});
	afterAll(async () => {
		await server?.stop();
		await mailbox?.close();
		await database?.drop();
	});

	test('the invitation mail has a plain-text part, names the firm and role, and no image', () => {
		const mail = mailbox.to('pat@a.example')[0]!;
		expect(mail.subject).toContain('Olga Owner');
		expect(mail.text).toContain('as producer');
		expect(mail.html || '').not.toContain('<img');
	});

	/** [route, request, expected status for owner, facilitator, producer, outsider]. */
	const routes: Array<[string, (c: Client) => Promise<number>, Record<Who, number>]> = [
		[
			'the console',
			async (c) => (await c.get(`/workshops/${workshopId}`)).status,
			{ owner: 200, facilitator: 200, producer: 200, outsider: 404 }
		],
		[
			'the run screen',
			async (c) => (await c.get(`/workshops/${workshopId}/run`)).status,
			{ owner: 200, facilitator: 200, producer: 200, outsider: 404 }
		],
		[
			'the projector page',
			async (c) => (await c.get(`/workshops/${workshopId}/projector`)).status,
			{ owner: 200, facilitator: 200, producer: 200, outsider: 404 }
		],
		[
			'the charter editor',
			async (c) => (await c.get(`/workshops/${workshopId}/charter`)).status,
			{ owner: 200, facilitator: 200, producer: 403, outsider: 404 }
		],
		[
			'the charter for review',
			async (c) => (await c.get(`/charters/${workshopId}`)).status,
			{ owner: 200, facilitator: 200, producer: 403, outsider: 403 }
		],
		[
			'the charter PDF',
			async (c) => (await c.get(`/charters/${workshopId}/versions/none/pdf`)).status,
			{ owner: 404, facilitator: 404, producer: 403, outsider: 403 }
		],
		// Bodies below are empty on purpose: the guard answers first, so a role it lets through
		// gets 400 for the body (nothing changes), a role it refuses gets 403 before reading it.
		[
			'creating a poll',
			async (c) => (await c.json('POST', `/api/workshops/${workshopId}/polls`, {})).status,
			{ owner: 400, facilitator: 400, producer: 403, outsider: 403 }
		],
		[
			'opening or revealing a poll',
			async (c) => (await c.json('POST', `/api/workshops/${workshopId}/polls/x`, {})).status,
			{ owner: 400, facilitator: 400, producer: 403, outsider: 403 }
		],
		[
			'a calibration round',
			async (c) =>
				(await c.json('POST', `/api/workshops/${workshopId}/calibration/calibration`, {})).status,
			{ owner: 400, facilitator: 400, producer: 403, outsider: 403 }
		],
		[
			'recording an agreement',
			async (c) => (await c.json('POST', `/api/workshops/${workshopId}/agreements`, {})).status,
			{ owner: 400, facilitator: 400, producer: 403, outsider: 403 }
		],
		[
			'the timer and stages',
			async (c) => (await c.json('POST', `/api/workshops/${workshopId}/live`, {})).status,
			{ owner: 400, facilitator: 400, producer: 400, outsider: 403 }
		],
		[
			'the projector controls',
			async (c) => (await c.json('POST', `/api/workshops/${workshopId}/projector`, {})).status,
			{ owner: 400, facilitator: 400, producer: 400, outsider: 403 }
		],
		[
			'who is waiting to be let in',
			async (c) => (await c.json('GET', `/api/workshops/${workshopId}/admission`)).status,
			{ owner: 200, facilitator: 200, producer: 200, outsider: 403 }
		],
		[
			'letting people in',
			async (c) => (await c.json('POST', `/api/workshops/${workshopId}/admission`, {})).status,
			{ owner: 400, facilitator: 400, producer: 400, outsider: 403 }
		],
		[
			'the agreements register',
			async (c) => (await c.json('GET', `/api/workshops/${workshopId}/agreements`)).status,
			{ owner: 200, facilitator: 200, producer: 200, outsider: 403 }
		],
		[
			'the workshop’s logo',
			async (c) => (await c.get(`/api/workshops/${workshopId}/logo`)).status,
			// 404: no logo yet; the outsider is refused before that is looked up.
			{ owner: 404, facilitator: 404, producer: 404, outsider: 403 }
		],
		[
			'inviting a colleague',
			async (c) =>
				(await c.action('/firm?/invite', { email: 'x@a.example', role: 'owner' })).status,
			{ owner: 200, facilitator: 403, producer: 403, outsider: 200 }
		]
	];

	test.each(routes)('%s answers each role as the table says', async (_name, request, expected) => {
		const got = Object.fromEntries(
			await Promise.all(WHO.map(async (who) => [who, await request(as[who])] as const))
		);
		expect(got).toEqual(expected);
	});

	test('the outsider’s invitation goes to firm B, never into firm A', async () => {
		const html = await (await as.owner.get('/firm')).text();
		expect(html).not.toContain('Bea of firm B');
		expect(await (await as.outsider.get('/firm')).text()).not.toContain('Olga Owner');
	});

	test('the realtime socket: firm A’s members open the room and the projector, firm B nothing', async () => {
		const room = roomDocName(workshopId);
		const statuses = async (doc: string) =>
			Object.fromEntries(
				await Promise.all(
					WHO.map(
						async (who) =>
							[who, await upgradeStatus(server.url, doc, headersOf(as[who], server.url))] as const
					)
				)
			);
		expect(await statuses(room)).toEqual({
			owner: 101,
			facilitator: 101,
			producer: 101,
			outsider: 403
		});
		expect(await statuses(`${room}?view=projector`)).toEqual({
			owner: 101,
			facilitator: 101,
			producer: 101,
			outsider: 403
		});
	});

	test('the dashboard groups by client and shows only the firm’s own workshops', async () => {
		for (const who of ['owner', 'facilitator', 'producer'] as const) {
			const html = await (await as[who].get('/dashboard')).text();
			expect(html).toContain('Firm A summit');
			expect(html).toMatch(/<h2[^>]*>Northwind Analytics<\/h2>/);
			// The charter editor (opened in the table above) started a draft.
			expect(html).toContain('Charter: draft');
			expect(html).not.toContain('Firm B offsite');
		}
		const outsider = await (await as.outsider.get('/dashboard')).text();
		expect(outsider).toContain('Firm B offsite');
		expect(outsider).not.toContain('Firm A summit');
	});

	test('a workshop of firm B cannot be copied into firm A by its id', async () => {
		const result = await as.owner.action('/workshops/new', {
			title: 'Stolen',
			clientOrganisation: 'Acme',
			startFrom: `copy:${outsiderWorkshop}`
		});
		expect(result.status).toBe(400);
	});

	test('an invitation link works once; a used or made-up one is refused', async () => {
		const seen = mailbox.to('once@a.example').length;
		await as.owner.action('/firm?/invite', { email: 'once@a.example', role: 'producer' });
		const mail = await mailbox.next('once@a.example', seen);
		const path = /\/invitations\/[a-z2-7]{32}/.exec(mail.text ?? '')![0];
		// Firm B's facilitator holds a firm with a workshop: joining A is refused, nothing changes.
		const refused = await as.outsider.action(path, {});
		expect(refused.status).toBe(409);
		expect(await (await as.outsider.get('/dashboard')).text()).toContain('Firm B offsite');
		const newcomer = (await signUpFacilitator(server.url, 'Nina')).facilitator;
		expect((await newcomer.action(path, {})).location).toBe('/dashboard');
		const again = (await signUpFacilitator(server.url, 'Late')).facilitator;
		expect((await again.action(path, {})).status).toBe(404);
		expect((await again.action('/invitations/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', {})).status).toBe(
			404
		);
		expect(await (await again.get('/dashboard')).text()).not.toContain('Firm A summit');
	});

	test('only the owner changes roles, and the firm keeps an owner', async () => {
		const html = await (await as.owner.get('/firm')).text();
		const fran = /name="accountId" value="([a-z2-7]+)"[\s\S]*?Role of producer of A/.exec(html);
		expect(fran).not.toBeNull();
		const own = await as.owner.action('/firm?/removeMember', { accountId: 'nobody' });
		expect(own.status).toBe(404);
		const byFacilitator = await as.facilitator.action('/firm?/changeRole', {
			accountId: fran![1]!,
			role: 'owner'
		});
		expect(byFacilitator.status).toBe(403);
	});

	test('an accent colour that fails 4.5:1 on white is refused with its ratio; a dark one is kept', async () => {
		const light = await as.owner.action('/firm?/setAccent', {
			accentColour: '#ffcc00',
			clientId: ''
		});
		expect(light.status).toBe(400);
		const message = JSON.stringify(light.data);
		expect(message).toContain('1.');
		expect(message).toMatch(/#ffcc00 has a contrast of 1\.\d\d:1 on white/);
		expect(message).toContain('#ffcc00'); // what was typed is kept for the form
		const dark = await as.owner.action('/firm?/setAccent', {
			accentColour: '#1d4ed8',
			clientId: ''
		});
		expect(dark.type).toBe('success');
		const joinPage = await (await new Client(server.url).get(`/j/${joinCode}`)).text();
		expect(joinPage).toContain('#1d4ed8');
		expect(joinPage).toContain('Powered by Common Ground');
	});

	test('a logo is re-encoded without EXIF or ICC; SVG and other files are refused with a reason', async () => {
		const original = await pngWithMetadata();
		const before = await sharp(original).metadata();
		expect(before.exif, 'the fixture carries EXIF').toBeDefined();
		expect(before.icc, 'the fixture carries an ICC profile').toBeDefined();

		const saved = await postFile(
			as.owner,
			'/firm?/uploadLogo',
			{ clientId: '' },
			{ bytes: original, name: 'logo.png', type: 'image/png' }
		);
		expect(saved.type).toBe('success');

		const served = await as.producer.get(`/api/workshops/${workshopId}/logo`);
		expect(served.status).toBe(200);
		expect(served.headers.get('content-type')).toBe('image/png');
		const stored = Buffer.from(await served.arrayBuffer());
		const after = await sharp(stored).metadata();
		expect(after.exif).toBeUndefined();
		expect(after.icc).toBeUndefined();
		expect(after.format).toBe('png');
		expect(stored.includes(Buffer.from('Secret Studio'))).toBe(false);

		// Who sees it: the room (participants, the join page by code), never firm B.
		expect((await participant.get(`/api/workshops/${workshopId}/logo`)).status).toBe(200);
		expect((await new Client(server.url).get(`/j/${joinCode}/logo`)).status).toBe(200);
		expect((await as.outsider.get(`/api/workshops/${workshopId}/logo`)).status).toBe(403);
		expect((await new Client(server.url).get(`/api/workshops/${workshopId}/logo`)).status).toBe(
			401
		);

		const svg = await postFile(
			as.owner,
			'/firm?/uploadLogo',
			{ clientId: '' },
			{
				bytes: new TextEncoder().encode(
					'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
				),
				name: 'logo.png',
				type: 'image/png'
			}
		);
		expect(svg.type).toBe('failure');
		expect(svg.data).toContain('SVG logos are refused');

		const text = await postFile(
			as.owner,
			'/firm?/uploadLogo',
			{ clientId: '' },
			{ bytes: new TextEncoder().encode('GIF89a not really'), name: 'x.gif', type: 'image/gif' }
		);
		expect(text.data).toContain('must be a PNG, JPEG or WebP');

		const huge = await postFile(
			as.owner,
			'/firm?/uploadLogo',
			{ clientId: '' },
			{ bytes: new Uint8Array(1024 * 1024 + 1), name: 'big.png', type: 'image/png' }
		);
		expect(huge.status).toBe(413);
		expect(huge.data).toContain('at most 1 MB');

		// Firm B cannot brand firm A's client by its id.
		const clients = await (await as.owner.get('/firm')).text();
		const clientId = /name="clientId" value="([a-z2-7]{16})"/.exec(clients)?.[1];
		expect(clientId).toBeDefined();
		const foreign = await as.outsider.action('/firm?/setAccent', {
			accentColour: '#000000',
			clientId: clientId!
		});
		expect(foreign.status).toBe(404);
	});
});
