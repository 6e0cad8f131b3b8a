/**
 * What an operator and a browser see of the server itself: `/metrics` behind its token and
 * moving with realtime work, request ids, the Content-Security-Policy and other headers on
 * pages, and session cookies that follow the request's scheme behind a TLS proxy.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { stageDocName } from '../../src/lib/collab/doc-names';
import { facilitatorWithWorkshop, joinAsParticipant } from '../support/actors';
import { addTerm, put } from '../support/board-text';
import { oneDatabase } from '../support/databases';
import { Client } from '../support/http';
import { connectPeer, upgradeStatus, type Peer } from '../support/realtime';
import { serverForSuite } from '../support/suite';
import { controlPoll, createPoll, Voter } from '../support/voting';

const METRICS_TOKEN = randomBytes(24).toString('hex');

/** The value of one series in a Prometheus text answer (labels as written), or undefined. */
function sample(text: string, series: string): number | undefined {
	for (const line of text.split('\n')) {
		if (line.startsWith('#')) continue;
		const space = line.lastIndexOf(' ');
		if (line.slice(0, space) === series) return Number(line.slice(space + 1));
	}
	return undefined;
}

describe.each(oneDatabase('postgres'))('operating the server on %s', (kind) => {
	const suite = serverForSuite(kind, {
		METRICS_TOKEN,
		REQUEST_ID_HEADER: 'x-request-id',
		LOG_LEVEL: 'debug'
	});
	const url = () => suite.server.url;
	const scrape = async (authorization?: string) =>
		fetch(`${url()}/metrics`, { headers: authorization ? { authorization } : {} });
	const metrics = async () => (await scrape(`Bearer ${METRICS_TOKEN}`)).text();

	test('without SMTP_URL, the forgotten-password page says mail cannot be sent and records nothing', async () => {
		const page = await new Client(url()).get('/forgot-password');
		expect(await page.text()).toContain('This server cannot send email');
		const asked = await new Client(url()).action('/forgot-password', { email: 'a@example.com' });
		expect(asked.status).toBe(503);
		expect((asked.data?.errors as Record<string, string>).form).toMatch(/cannot send email/);
	});

	test('/metrics answers only to its bearer token', async () => {
		const anonymous = await scrape();
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
		expect(await anonymous.text()).toMatch(/METRICS_TOKEN/);
		expect((await scrape(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
		expect((await scrape(`Basic ${METRICS_TOKEN}`)).status).toBe(401);
		const posted = await fetch(`${url()}/metrics`, {
			method: 'POST',
			headers: { authorization: `Bearer ${METRICS_TOKEN}` }
		});
		expect(posted.status).toBe(405);

		const answer = await scrape(`Bearer ${METRICS_TOKEN}`);
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
		const text = await answer.text();
		for (const series of [
			'commonground_ballot_ack_seconds_count',
			'commonground_realtime_persist_lag_seconds_count',
			'commonground_realtime_updates_relayed_total',
			'nodejs_eventloop_lag_p99_seconds'
		]) {
			expect(sample(text, series), series).toBeTypeOf('number');
		}
		expect(sample(text, 'commonground_db_pool_size')).toBe(kind === 'postgres' ? 10 : 1);
		expect(sample(text, 'commonground_db_pool_connections{state="open"}')).toBeGreaterThan(0);
	});

	test('the realtime series move with a live board', async () => {
		const before = await metrics();
		const relayedBefore = sample(before, 'commonground_realtime_updates_relayed_total')!;
		const lagBefore = sample(before, 'commonground_realtime_persist_lag_seconds_count')!;

		const facilitator = await facilitatorWithWorkshop(suite.server);
		const sales = await joinAsParticipant(suite.server, facilitator, 'Sales', 'Sam');
		const board = stageDocName(facilitator.workshopId, 'shared-terms');
		const term = await addTerm(facilitator.client, facilitator.workshopId, 'shared-terms', 'MQL');
		const peers: Peer[] = [
			connectPeer(url(), facilitator.client, board),
			connectPeer(url(), sales.client, board)
		];
		try {
			await Promise.all(peers.map((p) => p.whenSynced()));
			await put(peers[1]!, term, 'metrics', 'an edit the metrics must see');
			await peers[1]!.ack();

			await expect
				.poll(async () => {
					const text = await metrics();
					return {
						connections: sample(text, 'commonground_realtime_connections')! >= 2,
						documents: sample(text, 'commonground_realtime_documents_loaded')! >= 2,
						relayed: sample(text, 'commonground_realtime_updates_relayed_total')! > relayedBefore,
						committed: sample(text, 'commonground_realtime_persist_lag_seconds_count')! > lagBefore
					};
				})
				.toEqual({ connections: true, documents: true, relayed: true, committed: true });
		} finally {
			for (const p of peers) p.destroy();
		}
		await expect
			.poll(async () => sample(await metrics(), 'commonground_realtime_connections'))
			.toBe(0);
	});

	test('a ballot’s acknowledgement is timed in the metrics; a refused cast is not counted', async () => {
		const facilitator = await facilitatorWithWorkshop(suite.server);
		const sales = await joinAsParticipant(suite.server, facilitator, 'Sales', 'Sia');
		const pollId = await createPoll(facilitator.client, facilitator.workshopId, {
			kind: 'scale',
			question: 'How sure are you?'
		});
		expect(
			(await controlPoll(facilitator.client, facilitator.workshopId, pollId, 'open')).status
		).toBe(200);
		const count = async () => sample(await metrics(), 'commonground_ballot_ack_seconds_count')!;
		const before = await count();
		const voter = new Voter(sales.client, facilitator.workshopId, 'Sia', sales.team.id);
		expect((await voter.vote(pollId, '4')).status).toBe(201);
		expect(await count()).toBe(before + 1);
		// A refused cast is not an acknowledgement.
		expect((await voter.vote(pollId, '9')).status).toBe(400);
		expect(await count()).toBe(before + 1);
	});

	test('every answer but a vote’s carries a request id, and the log lines of the request carry it too', async () => {
		const made = await fetch(`${url()}/healthz`);
		expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
		// A trusted proxy's id (REQUEST_ID_HEADER) is kept; one that could forge a line is not.
		const traced = await fetch(`${url()}/signin`, { headers: { 'x-request-id': 'edge-7f3a9c' } });
		expect(traced.headers.get('x-request-id')).toBe('edge-7f3a9c');
		const forged = await fetch(`${url()}/healthz`, {
			headers: { 'x-request-id': 'a"b {"level":"info"}' }
		});
		expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
		const missing = await fetch(`${url()}/no-such-page`);
		expect(missing.status).toBe(404);
		expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
		// A WebSocket upgrade too, even when it is refused (here: no session).
		const refused = await new Promise<{ status?: number; id: unknown }>((resolve) => {
			const socket = new WebSocket(`${url().replace(/^http/, 'ws')}/realtime/workshop/x/room`, {
				headers: { origin: url(), 'x-request-id': 'edge-upgrade-1' }
			});
			socket.on('error', () => {});
			socket.once('unexpected-response', (_req, res) => {
				resolve({ status: res.statusCode, id: res.headers['x-request-id'] });
				res.resume();
				socket.terminate();
			});
		});
		expect(refused).toEqual({ status: expect.any(Number), id: 'edge-upgrade-1' });
		// The voting endpoints take no id, not even a proxy's: in our log it would point to the
		// proxy's own line of who sent the ballot.
		const cast = await fetch(`${url()}/api/workshops/x/polls/y/ballot`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-request-id': 'edge-ballot-1' },
			body: '{}'
		});
		expect(cast.status).toBe(400);
		expect(cast.headers.get('x-request-id')).toBeNull();

		await expect
			.poll(() =>
				suite.server
					.output()
					.split('\n')
					.filter(Boolean)
					.map((line) => JSON.parse(line) as Record<string, unknown>)
					.find((line) => line.reqId === 'edge-7f3a9c')
			)
			.toMatchObject({ level: 'debug', url: '/signin', status: 200 });
	});

	test('pages carry a Content-Security-Policy whose nonce is on every inline script', async () => {
		const response = await fetch(`${url()}/signin`);
		expect(response.status).toBe(200);
		const policy = response.headers.get('content-security-policy')!;
		const directives = new Map(
			policy.split(';').map((d) => {
				const [name, ...values] = d.trim().split(/\s+/);
				return [name!, values] as const;
			})
		);
		const nonce = /'nonce-([^']+)'/.exec(directives.get('script-src')!.join(' '))?.[1];
		expect(nonce).toBeTruthy();
		expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
		expect(directives.get('style-src')).toEqual(["'self'"]);
		expect(directives.get('style-src-attr')).toEqual(["'unsafe-inline'"]);
		expect(directives.get('object-src')).toEqual(["'none'"]);
		expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
		expect(directives.get('base-uri')).toEqual(["'self'"]);
		expect(directives.get('form-action')).toEqual(["'self'"]);
		expect(directives.get('connect-src')).toEqual(["'self'", url().replace(/^http/, 'ws')]);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('referrer-policy')).toBe('same-origin');

		const html = await response.text();
		const scripts = html.match(/<script\b[^>]*>/g) ?? [];
		expect(scripts.length).toBeGreaterThan(0);
		for (const tag of scripts) {
			if (!/\bsrc=/.test(tag)) expect(tag).toContain(`nonce="${nonce}"`);
		}
		// No inline <style> element: style-src needs no 'unsafe-inline'.
		expect(html).not.toMatch(/<style\b/);
	});
});

describe('session cookies behind a TLS-terminating proxy', () => {
	// PROTOCOL_HEADER as documented for a proxy without a fixed ORIGIN; no METRICS_TOKEN.
	const suite = serverForSuite('pglite', { PROTOCOL_HEADER: 'x-forwarded-proto' });
	const url = () => suite.server.url;

	/** A form action as a browser on `scheme`://host sends it through the proxy. */
	async function action(
		scheme: 'http' | 'https',
		path: string,
		fields: Record<string, string>,
		cookie = ''
	) {
		const host = new URL(url()).host;
		return fetch(url() + path, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: `${scheme}://${host}`,
				'x-forwarded-proto': scheme,
				'x-sveltekit-action': 'true',
				accept: 'application/json',
				cookie
			},
			body: new URLSearchParams(fields)
		});
	}

	const signUp = (scheme: 'http' | 'https') =>
		action(scheme, '/signup', {
			name: 'Fay Facilitator',
			email: `facilitator-${randomBytes(4).toString('hex')}@example.com`,
			password: 'a long enough password'
		});

	/** `name=value` and the attributes (lower-cased) of the one session cookie set. */
	function sessionCookie(response: Response) {
		const [line] = response.headers.getSetCookie().filter((c) => /cg_session=/.test(c));
		expect(line).toBeDefined();
		const [pair, ...attributes] = line!.split(';').map((part) => part.trim());
		const index = pair!.indexOf('=');
		return {
			name: pair!.slice(0, index),
			value: pair!.slice(index + 1),
			attributes: attributes.map((a) => a.toLowerCase())
		};
	}

	test('over https the device cookie set at sign-in is Secure too', async () => {
		const email = `facilitator-${randomBytes(4).toString('hex')}@example.com`;
		const password = 'a long enough password';
		await action('https', '/signup', { name: 'Fay Facilitator', email, password });
		const signedIn = await action('https', '/signin', { email, password });
		const device = signedIn.headers.getSetCookie().find((c) => /^cg_device=/.test(c));
		expect(device).toBeDefined();
		expect(device!.toLowerCase()).toMatch(/;\s*secure/);
	});

	test('over https the session cookie is __Host- prefixed and Secure, and only that name signs in', async () => {
		const cookie = sessionCookie(await signUp('https'));
		expect(cookie.name).toBe('__Host-cg_session');
		expect(cookie.attributes).toEqual(
			expect.arrayContaining(['path=/', 'secure', 'httponly', 'samesite=lax'])
		);
		expect(cookie.attributes.some((a) => a.startsWith('domain='))).toBe(false);

		const dashboard = (scheme: 'http' | 'https', header: string) =>
			fetch(`${url()}/dashboard`, {
				redirect: 'manual',
				headers: { 'x-forwarded-proto': scheme, cookie: header }
			});
		expect((await dashboard('https', `__Host-cg_session=${cookie.value}`)).status).toBe(200);
		// The unprefixed name could have been planted by a neighbouring subdomain: not a session.
		const planted = await dashboard('https', `cg_session=${cookie.value}`);
		expect(planted.status).toBe(303);
		expect(planted.headers.get('location')).toMatch(/^\/signin/);

		// The realtime upgrade reads the same cookie by the same rule.
		const created = await action(
			'https',
			'/workshops/new',
			{ title: 'Over TLS', clientOrganisation: 'Acme Industrial' },
			`__Host-cg_session=${cookie.value}`
		);
		const { location } = (await created.json()) as { location: string };
		const workshopId = /^\/workshops\/([a-z0-9]+)$/.exec(location)![1]!;
		const room = `workshop/${workshopId}/room`;
		const host = new URL(url()).host;
		const upgrade = (cookieHeader: string) =>
			upgradeStatus(url(), room, {
				origin: `https://${host}`,
				'x-forwarded-proto': 'https',
				cookie: cookieHeader
			});
		expect(await upgrade(`__Host-cg_session=${cookie.value}`)).toBe(101);
		expect(await upgrade(`cg_session=${cookie.value}`)).toBe(401);
	});

	test('over plain http the cookie has its plain name and no Secure flag', async () => {
		const cookie = sessionCookie(await signUp('http'));
		expect(cookie.name).toBe('cg_session');
		expect(cookie.attributes).toEqual(expect.arrayContaining(['path=/', 'httponly']));
		expect(cookie.attributes).not.toContain('secure');
	});

	test('/metrics does not exist without METRICS_TOKEN', async () => {
		const response = await fetch(`${url()}/metrics`, {
			headers: { authorization: 'Bearer anything-at-all-123' }
		});
		expect(response.status).toBe(404);
	});
});
