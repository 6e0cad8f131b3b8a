import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { startServer, type RunningServer } from '../support/server';

describe.each(databaseKinds())('facilitator accounts on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		// As behind a reverse proxy: the client address comes from X-Forwarded-For, so each
		// test client can stand for a different address.
		server = await startServer(database, { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
	});
	afterAll(async () => {
		if (process.env.DEBUG_SERVER) console.log(server?.output());
		await server?.stop();
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

	test('after 10 failures in 15 minutes an account is locked out with the wait stated', async () => {
		await new Client(server.url).action('/signup', {
			name: 'Target',
			email: 'target@example.com',
			password: 'target password 1'
		});
		for (let i = 0; i < 10; i++) {
			const attempt = await new Client(server.url, `10.0.0.${i}`).action('/signin', {
				email: 'target@example.com',
				password: `guess ${i}`
			});
			expect(attempt.status).toBe(400);
		}
		const locked = await new Client(server.url).action('/signin', {
			email: 'target@example.com',
			password: 'target password 1'
		});
		expect(locked.status).toBe(429);
		expect((locked.data?.errors as Record<string, string>).form).toMatch(
			/Try again in 1[45] minutes/
		);
	});

	test('after 30 failures from one address, that address is refused for any email', async () => {
		const address = '198.51.100.7';
		for (let i = 0; i < 30; i++) {
			const attempt = await new Client(server.url, address).action('/signin', {
				email: `probe${i}@example.com`,
				password: 'whatever it is'
			});
			expect(attempt.status).toBe(400);
		}
		const blocked = await new Client(server.url, address).action('/signin', {
			email: 'ada@example.com',
			password: 'a brand new password'
		});
		expect(blocked.status).toBe(429);
		expect((blocked.data?.errors as Record<string, string>).form).toMatch(
			/Too many failed sign-in attempts/
		);
		// Another address is unaffected.
		const elsewhere = await new Client(server.url, '198.51.100.8').action('/signin', {
			email: 'ada@example.com',
			password: 'a brand new password'
		});
		expect(elsewhere.type).toBe('redirect');
	});
});
