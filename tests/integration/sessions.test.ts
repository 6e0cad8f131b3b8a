import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as accounts from '../../src/lib/server/accounts';
import * as sessions from '../../src/lib/server/auth/sessions';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { db, registerDatabase, type Database } from '../../src/lib/server/db';
import { openDatabase } from '../../src/lib/server/db/open';
import { session } from '../../src/lib/server/db/schema';
import { createTestDatabase, oneDatabase, type TestDatabase } from '../support/databases';

const DAY = 24 * 60 * 60 * 1000;

describe.each(oneDatabase('pglite'))('sessions on %s', (kind) => {
	let testDb: TestDatabase;
	let database: Database;
	let accountId: string;

	beforeAll(async () => {
		testDb = await createTestDatabase(kind);
		database = await openDatabase({ ...testDb.options, migrationsDir: 'drizzle' });
		registerDatabase(database);
		accountId = (
			await accounts.createFacilitator({
				email: 's@example.com',
				name: 'S',
				password: 'long enough password'
			})
		).id;
	});
	afterAll(async () => {
		registerDatabase(undefined);
		await database?.close();
		await testDb?.drop();
	});

	test('only the SHA-256 of the token is stored', async () => {
		const { token } = await sessions.create({ accountId });
		const rows = await db().select().from(session).where(eq(session.accountId, accountId));
		expect(rows.map((r) => r.id)).toContain(hashToken(token));
		expect(rows.map((r) => r.id)).not.toContain(token);
		expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
	});

	test('an expired session is treated as signed out and deleted', async () => {
		const { token } = await sessions.create({ accountId });
		await db()
			.update(session)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(session.id, hashToken(token)));
		expect(await sessions.validate(token)).toBeNull();
		expect(
			await db()
				.select()
				.from(session)
				.where(eq(session.id, hashToken(token)))
		).toEqual([]);
	});

	test('a session used in the second half of its life slides to a full lifetime', async () => {
		const { token, expiresAt } = await sessions.create({ accountId });
		const fresh = await sessions.validate(token);
		expect(fresh?.isRenewed).toBe(false);
		expect(fresh?.actor.expiresAt.getTime()).toBe(expiresAt.getTime());

		await db()
			.update(session)
			.set({ expiresAt: new Date(Date.now() + 3 * DAY) })
			.where(eq(session.id, hashToken(token)));
		const renewed = await sessions.validate(token);
		expect(renewed?.isRenewed).toBe(true);
		expect(renewed!.actor.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
		const [row] = await db()
			.select()
			.from(session)
			.where(eq(session.id, hashToken(token)));
		expect(row!.expiresAt.getTime()).toBe(renewed!.actor.expiresAt.getTime());
	});

	test('revoked and malformed tokens validate to nothing', async () => {
		const { token } = await sessions.create({ accountId });
		expect((await sessions.validate(token))?.actor.kind).toBe('account');
		await sessions.revoke(hashToken(token));
		expect(await sessions.validate(token)).toBeNull();
		expect(await sessions.validate('')).toBeNull();
		expect(await sessions.validate('A'.repeat(32))).toBeNull();
		expect(await sessions.validate(token + 'a')).toBeNull();
	});

	test('expired sessions are swept by housekeeping', async () => {
		const { token } = await sessions.create({ accountId });
		await db()
			.update(session)
			.set({ expiresAt: new Date(Date.now() - DAY) })
			.where(eq(session.id, hashToken(token)));
		await sessions.deleteExpired();
		expect(
			await db()
				.select()
				.from(session)
				.where(eq(session.id, hashToken(token)))
		).toEqual([]);
	});
});
