import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';
import { Client, type ActionResult } from '../support/http';
import { facilitatorWithWorkshop } from '../factories/workshops';
import { inviteLeader, workshopWithCharterContent } from '../factories/charter';
import { startMailbox, type Mailbox } from '../support/mailbox';
import { startServer, type RunningServer } from '../support/server';

describe.each(oneDatabase('postgres'))('facilitator accounts on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let mailbox: Mailbox;

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		mailbox = await startMailbox();
		// As behind a reverse proxy: the client address comes from X-Forwarded-For, so each
		// test client can stand for a different address. Mail goes to a real SMTP server.
		server = await startServer(database, {
			ADDRESS_HEADER: 'x-forwarded-for',
			XFF_DEPTH: '1',
			SMTP_URL: mailbox.url,
			MAIL_FROM: 'Common Ground <workshops@example.com>'
		});
	});
	afterAll(async () => {
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
		await mailbox?.close();
		await database?.drop();
	});

	test('a fresh install sends the first visitor to create the first facilitator', async () => {
		const response = await new Client(server.url).get('/');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/signup');
	});

	test('sign-up with malformed fields answers per field and creates nothing', async () => {
		const client = new Client(server.url);
		const result = await client.action('/signup', {
			name: '',
			email: 'not-an-email',
			password: 'short'
		});
		expect(result.type).toBe('failure');
		expect(result.status).toBe(400);
		const errors = result.data?.errors as Record<string, string>;
		expect(errors.name).toMatch(/name/i);
		expect(errors.email).toMatch(/valid email/i);
		expect(errors.password).toMatch(/at least 10/);
		expect((result.data?.values as Record<string, string>).password).toBe('');
		expect(client.cookies.size).toBe(0);
		expect((await client.get('/')).headers.get('location')).toBe('/signup');
	});

	test('sign-up with missing fields is refused the same way', async () => {
		const result = await new Client(server.url).action('/signup', {});
		expect(result.status).toBe(400);
		expect(Object.keys(result.data?.errors as object).sort()).toEqual([
			'email',
			'name',
			'password'
		]);
	});

	test('sign up, sign out, sign in, and the duplicate email is refused', async () => {
		const client = new Client(server.url);
		const created = await client.action('/signup', {
			name: 'Ada Facilitator',
			email: 'Ada@Example.com ',
			password: 'correct horse battery'
		});
		expect(created).toMatchObject({ type: 'redirect', location: '/dashboard' });
		const cookie = client.cookies.get('cg_session');
		expect(cookie).toMatch(/^[a-z2-7]{32}$/);
		expect((await client.get('/dashboard')).status).toBe(200);

		const duplicate = await new Client(server.url).action('/signup', {
			name: 'Someone Else',
			email: 'ada@example.com',
			password: 'another long password'
		});
		expect(duplicate.status).toBe(409);
		expect((duplicate.data?.errors as Record<string, string>).email).toMatch(/already exists/);

		await client.action('/signout', {});
		expect(client.cookies.has('cg_session')).toBe(false);
		// The old token no longer works even if someone kept it.
		const replay = new Client(server.url);
		replay.cookies.set('cg_session', cookie!);
		const afterSignOut = await replay.get('/dashboard');
		expect(afterSignOut.status).toBe(303);
		expect(afterSignOut.headers.get('location')).toBe('/signin?next=%2Fdashboard');

		const signedIn = await client.action('/signin', {
			email: 'ADA@example.com',
			password: 'correct horse battery'
		});
		expect(signedIn).toMatchObject({ type: 'redirect', location: '/dashboard' });
	});

	test('the session cookie is httpOnly, SameSite=Lax, and not Secure on plain http', async () => {
		const response = await fetch(server.url + '/signin', {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: server.url,
				'content-type': 'application/x-www-form-urlencoded',
				'x-forwarded-for': '192.0.2.1'
			},
			body: new URLSearchParams({ email: 'ada@example.com', password: 'correct horse battery' })
		});
		const cookie = response.headers.getSetCookie().find((c) => c.startsWith('cg_session='))!;
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Lax/i);
		expect(cookie).not.toMatch(/Secure/i);
		expect(cookie).toMatch(/Path=\//);
	});

	test('unknown email and wrong password get the same message', async () => {
		const wrongPassword = await new Client(server.url).action('/signin', {
			email: 'ada@example.com',
			password: 'not the password'
		});
		const unknownEmail = await new Client(server.url).action('/signin', {
			email: 'nobody@example.com',
			password: 'not the password'
		});
		expect(wrongPassword.status).toBe(400);
		expect(unknownEmail.status).toBe(400);
		expect(wrongPassword.data?.errors).toEqual(unknownEmail.data?.errors);
		expect((wrongPassword.data?.errors as Record<string, string>).form).toMatch(/do not match/);
	});

	test('tampered and unknown session cookies are treated as signed out', async () => {
		for (const token of [
			'x'.repeat(32),
			'not a token at all',
			'abcdefghijklmnopqrstuvwxyz234567'
		]) {
			const client = new Client(server.url);
			client.cookies.set('cg_session', token);
			const response = await client.get('/dashboard');
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toMatch(/^\/signin/);
			expect(client.cookies.has('cg_session')).toBe(false);
		}
	});

	test('change password: wrong current password is refused, a short new one too, then it works', async () => {
		const client = new Client(server.url);
		await client.action('/signin', { email: 'ada@example.com', password: 'correct horse battery' });
		const other = new Client(server.url);
		await other.action('/signin', { email: 'ada@example.com', password: 'correct horse battery' });

		const wrong = await client.action('/account/password', {
			currentPassword: 'nope',
			newPassword: 'a brand new password',
			confirmPassword: 'a brand new password'
		});
		expect(wrong.status).toBe(400);
		expect((wrong.data?.errors as Record<string, string>).currentPassword).toMatch(
			/not your current/
		);

		const mismatch = await client.action('/account/password', {
			currentPassword: 'correct horse battery',
			newPassword: 'a brand new password',
			confirmPassword: 'a different password'
		});
		expect((mismatch.data?.errors as Record<string, string>).confirmPassword).toMatch(/differ/);

		const short = await client.action('/account/password', {
			currentPassword: 'correct horse battery',
			newPassword: 'short',
			confirmPassword: 'short'
		});
		expect((short.data?.errors as Record<string, string>).newPassword).toMatch(/at least 10/);

		const changed = await client.action('/account/password', {
			currentPassword: 'correct horse battery',
			newPassword: 'a brand new password',
			confirmPassword: 'a brand new password'
		});
		expect(changed).toMatchObject({ type: 'success' });
		// Other devices are signed out; this one stays in.
		expect((await other.get('/dashboard')).status).toBe(303);
		expect((await client.get('/dashboard')).status).toBe(200);
		const oldPassword = await new Client(server.url).action('/signin', {
			email: 'ada@example.com',
			password: 'correct horse battery'
		});
		expect(oldPassword.status).toBe(400);
		const newPassword = await new Client(server.url).action('/signin', {
			email: 'ada@example.com',
			password: 'a brand new password'
		});
		expect(newPassword.type).toBe('redirect');
	});

	const formError = (result: { data?: Record<string, unknown> }) =>
		(result.data?.errors as Record<string, string> | undefined)?.form ?? '';
	/** The wait a refusal states, in seconds ("Try again in 3 seconds", "… in 2 minutes"). */
	const statedWait = (message: string) => {
		const m = /Try again in (\d+) (second|minute)s?\./.exec(message);
		if (!m) throw new Error(`no wait stated in "${message}"`);
		return Number(m[1]) * (m[2] === 'minute' ? 60 : 1);
	};
	const signUp = (email: string, password: string) =>
		new Client(server.url).action('/signup', { name: 'Someone', email, password });

	test('60 concurrent wrong passwords for one account: only the first few are checked, the rest are told to wait', async () => {
		await signUp('target@example.com', 'target password 1');
		// From 60 addresses, so only the account's own count can hold them back.
		const started = Date.now();
		const attempts = await Promise.all(
			Array.from({ length: 60 }, (_, i) =>
				new Client(server.url, `10.0.${Math.floor(i / 200)}.${i + 1}`).action('/signin', {
					email: 'target@example.com',
					password: `guess ${i}`
				})
			)
		);
		const checked = attempts.filter((a) => a.status === 400);
		const refused = attempts.filter((a) => a.status === 429);
		const seconds = (Date.now() - started) / 1000;
		expect(checked.length + refused.length).toBe(60);
		// Five at once, then one more after 1 s, another 2 s later, 4 s later…: however slow
		// the machine, no more than that many passwords were checked.
		expect(checked.length).toBeLessThanOrEqual(5 + Math.floor(Math.log2(seconds + 1)));
		expect(refused.length).toBeGreaterThanOrEqual(50);
		for (const a of checked) expect(formError(a)).toMatch(/do not match/);
		for (const a of refused) {
			expect(formError(a)).toMatch(/^Too many sign-in attempts\. Try again in \d+ seconds?\.$/);
		}
	});

	test('someone hammering an account from one address does not keep its owner out on a device that signed in before', async () => {
		await signUp('owner@example.com', 'owner password 1');
		const shared = '203.0.113.50';
		// The owner's laptop signed in once before (and got its device cookie), then signed out.
		const laptop = new Client(server.url, shared);
		expect(
			(await laptop.action('/signin', { email: 'owner@example.com', password: 'owner password 1' }))
				.type
		).toBe('redirect');
		await laptop.action('/signout', {});
		expect(laptop.cookies.has('cg_session')).toBe(false);
		expect(laptop.cookies.has('cg_device')).toBe(true);

		const started = Date.now();
		const attacks = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				new Client(server.url, shared).action('/signin', {
					email: 'owner@example.com',
					password: `attack ${i}`
				})
			)
		);
		const seconds = (Date.now() - started) / 1000;
		const checked = attacks.filter((a) => a.status === 400).length;
		expect(checked).toBeLessThanOrEqual(5 + Math.floor(Math.log2(seconds + 1)));
		// Whenever the account is refusing strangers (a growing delay, stated, never a lockout)...
		let refusal: ActionResult | undefined;
		for (let i = 0; i < 50 && !refusal; i++) {
			const attempt = await new Client(server.url, shared).action('/signin', {
				email: 'owner@example.com',
				password: `more ${i}`
			});
			if (attempt.status === 429) refusal = attempt;
		}
		expect(statedWait(formError(refusal!))).toBeLessThanOrEqual(15 * 60);
		// ...the owner's own laptop, behind the same address, gets straight in.
		const owner = await laptop.action('/signin', {
			email: 'owner@example.com',
			password: 'owner password 1'
		});
		expect(owner).toMatchObject({ type: 'redirect', location: '/dashboard' });
	});

	test('failures from one shared address slow other accounts behind it down for seconds, not minutes', async () => {
		await signUp('colleague@example.com', 'colleague password 1');
		const office = '198.51.100.7';
		const started = Date.now();
		const probes = await Promise.all(
			Array.from({ length: 60 }, (_, i) =>
				new Client(server.url, office).action('/signin', {
					email: `probe${i}@example.com`,
					password: 'whatever it is'
				})
			)
		);
		const seconds = (Date.now() - started) / 1000;
		// The address's count stops most of the spray before any password is checked: twenty
		// at once, then one more after 1 s, another 2 s later…
		const checked = probes.filter((p) => p.status === 400).length;
		expect(checked).toBeLessThanOrEqual(20 + Math.floor(Math.log2(seconds + 1)));
		expect(checked + probes.filter((p) => p.status === 429).length).toBe(60);

		// A colleague behind the same address, on a new device, with the right password: told
		// to wait a moment at most, then in.
		const colleague = new Client(server.url, office);
		const first = await colleague.action('/signin', {
			email: 'colleague@example.com',
			password: 'colleague password 1'
		});
		if (first.type !== 'redirect') {
			expect(first.status).toBe(429);
			expect(statedWait(formError(first))).toBeLessThanOrEqual(60);
			await expect
				.poll(
					async () =>
						(
							await colleague.action('/signin', {
								email: 'colleague@example.com',
								password: 'colleague password 1'
							})
						).type,
					{ timeout: 15_000, interval: 250 }
				)
				.toBe('redirect');
		}
		// Another address is unaffected.
		const elsewhere = await new Client(server.url, '198.51.100.8').action('/signin', {
			email: 'ada@example.com',
			password: 'a brand new password'
		});
		expect(elsewhere.type).toBe('redirect');
	});

	test('after sign-in only a path of this app is followed, never another site', async () => {
		const client = new Client(server.url, '192.0.2.77');
		await client.action('/signin', { email: 'ada@example.com', password: 'a brand new password' });
		const hostile = [
			'//evil.example',
			'//evil.example/path',
			'/\\evil.example',
			'/\\/evil.example',
			'\\\\evil.example',
			'/\t/evil.example',
			'/\n/evil.example',
			'/\r/evil.example',
			'https://evil.example',
			'http://evil.example/dashboard',
			'https:evil.example',
			'javascript:alert(1)',
			'JavaScript:alert(1)',
			'data:text/html,<script>alert(1)</script>',
			'///evil.example',
			'/.//evil.example',
			'%2F%2Fevil.example',
			'evil.example',
			'@evil.example',
			' //evil.example'
		];
		for (const next of hostile) {
			const response = await client.get(`/signin?next=${encodeURIComponent(next)}`);
			expect(response.status, next).toBe(303);
			expect(response.headers.get('location'), next).toBe('/dashboard');
		}
		// Sent raw, as in the report: the query decodes to "/<tab>/evil.example".
		for (const raw of ['/%09/evil.example', '/%0a/evil.example', '/%5C/evil.example']) {
			const response = await client.get(`/signin?next=${raw}`);
			expect(response.headers.get('location'), raw).toBe('/dashboard');
		}
		// Encoded twice, they are odd paths of this app, and stay on it.
		for (const next of ['/%09/evil.example', '/%2F/evil.example', '/%5C%5Cevil.example']) {
			const response = await client.get(`/signin?next=${encodeURIComponent(next)}`);
			const location = response.headers.get('location')!;
			expect(new URL(location, server.url).origin, next).toBe(new URL(server.url).origin);
			expect(location, next).toMatch(/^\/[^/\\]/);
		}

		const good: Array<[string, string]> = [
			['/dashboard', '/dashboard'],
			['/workshops/abc?tab=people', '/workshops/abc?tab=people'],
			['/account/password#form', '/account/password#form'],
			['/workshops/../dashboard', '/dashboard']
		];
		for (const [next, location] of good) {
			const response = await client.get(`/signin?next=${encodeURIComponent(next)}`);
			expect(response.headers.get('location'), next).toBe(location);
		}
		// The same rule after the password is checked.
		const fresh = new Client(server.url, '192.0.2.78');
		const viaForm = await fresh.action('/signin?next=/%09/evil.example', {
			email: 'ada@example.com',
			password: 'a brand new password'
		});
		expect(viaForm).toMatchObject({ type: 'redirect', location: '/dashboard' });
		const kept = await new Client(server.url, '192.0.2.79').action(
			`/signin?next=${encodeURIComponent('/account/password')}`,
			{ email: 'ada@example.com', password: 'a brand new password' }
		);
		expect(kept).toMatchObject({ type: 'redirect', location: '/account/password' });
	});

	describe('a forgotten password', () => {
		const RAE = 'rae.reset@example.com';
		const linkIn = (text: string) => {
			const match = /(http:\/\/\S+\/reset-password\/([a-z2-7]+))/.exec(text);
			expect(match, text).not.toBeNull();
			return { url: match![1]!, path: new URL(match![1]!).pathname, token: match![2]! };
		};

		test('the same answer whether or not the address has an account; the mail is plain text with a one-time link', async () => {
			const rae = new Client(server.url, '192.0.2.120');
			const created = await rae.action('/signup', {
				name: 'Rae Reset',
				email: RAE,
				password: 'the first long password'
			});
			expect(created.type).toBe('redirect');

			const known = await new Client(server.url, '192.0.2.121').action('/forgot-password', {
				email: 'Rae.Reset@Example.com'
			});
			const unknown = await new Client(server.url, '192.0.2.121').action('/forgot-password', {
				email: 'nobody.here@example.com'
			});
			expect(known.status).toBe(200);
			expect(unknown).toEqual(known);
			expect(String(known.data?.sent)).toMatch(/If that address belongs to a facilitator account/);

			const mail = await mailbox.next(RAE, 0);
			expect(mail.from?.text).toBe('"Common Ground" <workshops@example.com>');
			expect(mail.subject).toBe('Reset your Common Ground password');
			expect(mail.html).toBe(false);
			expect(mail.text).toContain('Hello Rae Reset,');
			const link = linkIn(mail.text!);
			expect(mailbox.to('nobody.here@example.com')).toHaveLength(0);

			// Only the link's SHA-256 is stored: the database alone cannot reset a password.
			if (kind === 'postgres') {
				const sql = postgres(database.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
				try {
					const rows = await sql`select token_hash from password_reset`;
					expect(rows).toHaveLength(1);
					expect(rows[0]!.token_hash).not.toContain(link.token);
					expect(rows[0]!.token_hash).toBe(createHash('sha256').update(link.token).digest('hex'));
				} finally {
					await sql.end();
				}
			}

			// A second device stays signed in until the reset, then is signed out.
			expect((await rae.get('/dashboard')).status).toBe(200);
			const page = await new Client(server.url).get(link.path);
			expect(page.status).toBe(200);
			expect(page.headers.get('referrer-policy')).toBe('no-referrer');
			expect(await page.text()).toContain('Choose a new password');

			const mismatch = await new Client(server.url).action(link.path, {
				newPassword: 'the second long password',
				confirmPassword: 'something else entirely'
			});
			expect(mismatch.status).toBe(400);
			expect((mismatch.data?.errors as Record<string, string>).confirmPassword).toMatch(/differ/);

			const resetter = new Client(server.url, '192.0.2.122');
			const done = await resetter.action(link.path, {
				newPassword: 'the second long password',
				confirmPassword: 'the second long password'
			});
			expect(done).toMatchObject({ type: 'redirect', location: '/dashboard' });
			expect((await resetter.get('/dashboard')).status).toBe(200);
			expect((await rae.get('/dashboard')).status).toBe(303);

			const old = await new Client(server.url, '192.0.2.123').action('/signin', {
				email: RAE,
				password: 'the first long password'
			});
			expect(old.status).toBe(400);
			const fresh = await new Client(server.url, '192.0.2.123').action('/signin', {
				email: RAE,
				password: 'the second long password'
			});
			expect(fresh.type).toBe('redirect');

			// The link worked once.
			const again = await new Client(server.url).action(link.path, {
				newPassword: 'a third long password',
				confirmPassword: 'a third long password'
			});
			expect(again.status).toBe(410);
			expect((again.data?.errors as Record<string, string>).form).toMatch(
				/expired or was already used/
			);
			expect(await (await new Client(server.url).get(link.path)).text()).toContain(
				'expired or was already used'
			);
		});

		test('a made-up link, bad input and too many requests get clear answers and change nothing', async () => {
			const made = await new Client(server.url).action(
				'/reset-password/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
				{
					newPassword: 'an attacker password',
					confirmPassword: 'an attacker password'
				}
			);
			expect(made.status).toBe(410);
			const badEmail = await new Client(server.url).action('/forgot-password', {
				email: 'not-mail'
			});
			expect(badEmail.status).toBe(400);
			expect((badEmail.data?.errors as Record<string, string>).email).toMatch(/valid email/);
			const short = await new Client(server.url).action('/reset-password/whatever', {
				newPassword: 'short',
				confirmPassword: 'short'
			});
			expect(short.status).toBe(400);

			// Three requests an hour per address asked for, whether or not it has an account.
			const seen = mailbox.to(RAE).length;
			for (const email of [RAE, 'nobody.else@example.com']) {
				const answers = [];
				for (let i = 0; i < 4; i++) {
					answers.push(
						await new Client(server.url, `192.0.2.${130 + i}`).action('/forgot-password', { email })
					);
				}
				// Rae asked once already in the test before.
				expect(answers.map((a) => a.status)).toEqual(
					email === RAE ? [200, 200, 429, 429] : [200, 200, 200, 429]
				);
				expect(answers[3]!.status).toBe(429);
				expect((answers[3]!.data?.errors as Record<string, string>).form).toMatch(
					/Too many reset requests. Try again in/
				);
			}
			// Rae had one request this hour already: two more mails, then none.
			await mailbox.next(RAE, seen + 1);
			expect(mailbox.to(RAE).length).toBe(seen + 2);
		});
	});

	test('a leader invited from the charter page gets the personal link by mail, in plain text', async () => {
		const ws = await facilitatorWithWorkshop(server.url);
		const invited = await ws.facilitator.action(`/workshops/${ws.workshopId}/charter?/invite`, {
			name: 'Lee Leader',
			title: 'VP Sales',
			email: 'lee.leader@example.com',
			signingOrder: '',
			expiresInDays: '14'
		});
		const shown = invited.data?.invited as { link: string; mailedTo: string };
		expect(shown.mailedTo).toBe('lee.leader@example.com');
		const mail = await mailbox.next('lee.leader@example.com', 0);
		expect(mail.subject).toBe('Your review of the charter from Q3 Alignment (Northwind Analytics)');
		expect(mail.html).toBe(false);
		expect(mail.text).toContain('Hello Lee Leader,');
		expect(mail.text).toContain(`\n${shown.link}\n`);
		expect(mail.text).toContain('Please do not forward it');
		// The mailed link is the leader's: it opens the charter review.
		const lee = new Client(server.url);
		const opened = await lee.get(new URL(shown.link).pathname);
		expect(opened.headers.get('location')).toBe(`/charters/${ws.workshopId}`);
		expect((await lee.get(`/charters/${ws.workshopId}`)).status).toBe(200);
	});

	test('leaders still to sign are reminded by mail with a new link, which replaces the old one', async () => {
		const ws = await workshopWithCharterContent(server.url);
		const oldPath = await inviteLeader(ws, {
			name: 'Rita Remind',
			title: 'CMO',
			email: 'rita@example.com'
		});
		await mailbox.next('rita@example.com', 0); // the invitation
		const before = await ws.act('remind');
		expect(before.status).toBe(409);
		expect((before.data?.errors as Record<string, string>).remindError).toMatch(
			/Publish a version first/
		);
		expect((await ws.act('publish')).type).toBe('success');
		const seen = mailbox.to('rita@example.com').length;
		const reminded = await ws.act('remind');
		expect(reminded.data?.reminded).toEqual([
			{ name: 'Rita Remind', mailedTo: 'rita@example.com', link: '' }
		]);
		const mail = await mailbox.next('rita@example.com', seen);
		expect(mail.subject).toMatch(
			/^Reminder: version 1 of the charter from .* waits for your signature$/
		);
		expect(mail.html).toBe(false);
		const newPath = /https?:\/\/\S+(\/review\/\S+)/.exec(mail.text ?? '')![1]!;
		expect(newPath).not.toBe(oldPath);
		// The old link opens nothing any more; the new one opens the charter.
		expect((await new Client(server.url).get(oldPath)).headers.get('location')).not.toBe(
			`/charters/${ws.workshopId}`
		);
		expect((await new Client(server.url).get(newPath)).headers.get('location')).toBe(
			`/charters/${ws.workshopId}`
		);
	});
});
