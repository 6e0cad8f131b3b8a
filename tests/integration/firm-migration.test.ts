/**
 * Firms came after facilitators had workshops: the upgrade must make each facilitator the
 * owner of a firm of one, turn the client organisations they typed into that firm's clients
 * (one per name, trimmed), and attach every workshop to its client, or nobody could open the
 * workshops they ran before. Played on a database migrated up to just before firms, with two
 * facilitators and a leader in it, then upgraded the way a start-up does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, test } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/open';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';

const kind = databaseKinds().at(-1)!;
let testDb: TestDatabase | undefined;
let before: string | undefined;
afterAll(async () => {
	await testDb?.drop();
	if (before) fs.rmSync(before, { recursive: true, force: true });
});

/** The migrations folder as it was before the migration that adds firms. */
function migrationsBeforeFirms(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-migrations-'));
	const journal = JSON.parse(fs.readFileSync('drizzle/meta/_journal.json', 'utf8')) as {
		entries: Array<{ tag: string }>;
	};
	const first = journal.entries.findIndex((e) =>
		fs.readFileSync(`drizzle/${e.tag}.sql`, 'utf8').includes('CREATE TABLE "firm_member"')
	);
	expect(first, 'a migration adds firm_member').toBeGreaterThan(0);
	const kept = journal.entries.slice(0, first);
	fs.mkdirSync(path.join(dir, 'meta'));
	fs.writeFileSync(
		path.join(dir, 'meta', '_journal.json'),
		JSON.stringify({ ...journal, entries: kept })
	);
	for (const e of kept) fs.copyFileSync(`drizzle/${e.tag}.sql`, path.join(dir, `${e.tag}.sql`));
	return dir;
}

function rowsOf<T>(result: unknown): T[] {
	return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

test(`upgrading on ${kind} gives each facilitator a firm of one holding their workshops`, async () => {
	testDb = await createTestDatabase(kind, { fresh: true });
	before = migrationsBeforeFirms();
	const old = await openDatabase({ ...testDb.options, migrationsDir: before });
	try {
		// One statement per call: PGlite prepares each query, and a prepared query holds one.
		await old.db.execute(sql`
			insert into account (id, email, name, role) values
				('ana', 'ana@example.com', 'Ana', 'facilitator'),
				('ben', 'ben@example.com', 'Ben', 'facilitator'),
				('lea', 'lea@example.com', 'Lea', 'leader')
		`);
		await old.db.execute(sql`
			insert into workshop (id, title, client_organisation, owner_id, join_code) values
				('w1', 'Kick-off', 'Acme', 'ana', 'AAAAAA'),
				('w2', 'Review', ' Acme ', 'ana', 'AAAAAC'),
				('w3', 'Summit', 'Globex', 'ana', 'AAAAAD'),
				('w4', 'Offsite', 'Acme', 'ben', 'AAAAAE')
		`);
	} finally {
		await old.close();
	}

	const upgraded = await openDatabase({ ...testDb.options, migrationsDir: 'drizzle' });
	try {
		const members = rowsOf<{ account: string; role: string; firm: string }>(
			await upgraded.db.execute(sql`
				select m.account_id as account, m.role, f.name as firm
				from firm_member m join firm f on f.id = m.firm_id order by m.account_id`)
		);
		expect(members).toEqual([
			{ account: 'ana', role: 'owner', firm: 'Ana' },
			{ account: 'ben', role: 'owner', firm: 'Ben' }
		]);
		const workshops = rowsOf<{ id: string; client: string; owner: string }>(
			await upgraded.db.execute(sql`
				select w.id, c.name as client, m.account_id as owner
				from workshop w
				join client c on c.id = w.client_id
				join firm_member m on m.firm_id = c.firm_id
				order by w.id`)
		);
		// Ana's two spellings of Acme are one client; Ben's Acme is his firm's own client.
		expect(workshops).toEqual([
			{ id: 'w1', client: 'Acme', owner: 'ana' },
			{ id: 'w2', client: 'Acme', owner: 'ana' },
			{ id: 'w3', client: 'Globex', owner: 'ana' },
			{ id: 'w4', client: 'Acme', owner: 'ben' }
		]);
		const clients = rowsOf<{ n: number | string }>(
			await upgraded.db.execute(sql`select count(*) as n from client`)
		);
		expect(Number(clients[0]!.n)).toBe(3);
		const unattached = rowsOf<{ n: number | string }>(
			await upgraded.db.execute(sql`select count(*) as n from workshop where client_id is null`)
		);
		expect(Number(unattached[0]!.n)).toBe(0);
	} finally {
		await upgraded.close();
	}
});
