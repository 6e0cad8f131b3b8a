/**
 * What the verification page says when someone changes the database behind the application:
 * an edited charter text, an edited or removed audit event. And a leader's link that expired
 * while the server was down opens nothing, and their open session ends with it.
 *
 * The changes are made with SQL while the server is stopped (the embedded database belongs
 * to one process), then a new server reads what is stored.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/open';
import {
	inviteLeader,
	openLink,
	workshopWithCharterContent,
	type CharterWorkshop
} from '../factories/charter';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { startServer, type RunningServer } from '../support/server';

describe.each(databaseKinds())('tampering with a signed charter on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let ws: CharterWorkshop;
	let dana: Client;
	let eve: Client;
	let eveLink: string;
	let version: { id: string; hash: string };

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database);
		ws = await workshopWithCharterContent(server.url);
		version = (await ws.act('publish')).data!.published as typeof version;
		dana = new Client(server.url);
		eve = new Client(server.url);
		await openLink(
			dana,
			await inviteLeader(ws, { name: 'Dana Diaz', title: 'CMO', email: 'dana@acme.test' })
		);
		eveLink = await inviteLeader(ws, { name: 'Eve Exec', title: 'CEO', email: 'eve@acme.test' });
		await openLink(eve, eveLink);
		const signed = await dana.action(`/charters/${ws.workshopId}?/sign`, {
			versionId: version.id,
			hash: version.hash,
			fullName: 'Dana Diaz',
			title: 'CMO',
			consent: 'yes'
		});
		if (signed.type !== 'success') throw new Error(`signing failed: ${JSON.stringify(signed)}`);
	});
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});

	async function alter(statements: ReturnType<typeof sql>[]) {
		await server.stop();
		const db = await openDatabase({ ...database.options, migrationsDir: 'drizzle' });
		try {
			for (const statement of statements) await db.db.execute(statement);
		} finally {
			await db.close();
		}
		server = await startServer(database);
	}

	const verifyPage = async () => (await new Client(server.url).get(`/verify/${version.id}`)).text();

	test('untouched, the page says the text is intact and the trail complete', async () => {
		const html = await verifyPage();
		expect(html).toContain('The text is intact');
		expect(html).toContain('— matches the stored text');
		expect(html).toContain('present and unaltered');
	});

	test('an edited audit event, then a removed one, are each named', async () => {
		await alter([
			sql`update charter_event set data = jsonb_set(data, '{fullName}', '"Mallory"') where workshop_id = ${ws.workshopId} and kind = 'signed'`
		]);
		let html = await verifyPage();
		expect(html).toContain('The audit trail has been tampered with.');
		expect(html).toMatch(/Event \d+ \(signed\) was altered after it was recorded\./);
		expect(html).toContain('The text is intact');

		await alter([
			sql`update charter_event set data = jsonb_set(data, '{fullName}', '"Dana Diaz"') where workshop_id = ${ws.workshopId} and kind = 'signed'`,
			sql`delete from charter_event where workshop_id = ${ws.workshopId} and seq = 2`
		]);
		html = await verifyPage();
		expect(html).toContain('Event 2 is missing from the trail.');
		expect(html).not.toMatch(/was altered after it was recorded/);
	});

	test('altered charter text makes the page say so, and the signature no longer matches', async () => {
		await alter([
			sql`update charter_version set content = jsonb_set(content, '{title}', '"A charter nobody signed"') where id = ${version.id}`
		]);
		const html = await verifyPage();
		expect(html).toContain('The text has been altered');
		expect(html).not.toContain('The text is intact');
		expect(html).toMatch(new RegExp(`data-testid="published-hash"[^>]*>${version.hash}<`));
		const recomputed = /data-testid="recomputed-hash"[^>]*>([0-9a-f]{64})</.exec(html)?.[1];
		expect(recomputed).toMatch(/^[0-9a-f]{64}$/);
		expect(recomputed).not.toBe(version.hash);
		expect(html).toContain('— does NOT match the stored text');
		// The exports say it too.
		const markdown = await (
			await dana.at(server.url).get(`/charters/${ws.workshopId}/versions/${version.id}/md`)
		).text();
		expect(markdown).toContain('the stored text no longer matches its fingerprint');
	});

	test('a link that expired while nobody looked opens nothing, and its session ends', async () => {
		await alter([
			sql`update leader_invite set expires_at = now() - interval '1 minute' where workshop_id = ${ws.workshopId} and name = 'Eve Exec'`
		]);
		const moved = eve.at(server.url);
		const page = await moved.get(`/charters/${ws.workshopId}`);
		expect(page.status).toBe(401);
		expect(moved.cookies.has('cg_leader')).toBe(false);
		const reopened = await new Client(server.url).get(new URL(eveLink, server.url).pathname);
		expect(reopened.status).toBe(410);
		expect(await reopened.text()).toMatch(/This review link has expired/);
	});
});
