/**
 * Admission came after people had joined workshops: the migration that adds
 * participant.admitted_at must count everyone already there as let in when they joined, or
 * an upgrade would send every participant of a running workshop to the waiting screen (and
 * the ballot rule would refuse them their voting tokens). Played on a database migrated up to
 * just before that column, with a participant in it, then upgraded the way a start-up does.
 * One database kind (PostgreSQL when there is one): the SQL is the same on both.
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

/** The migrations folder as it was before the migration that adds admitted_at. */
function migrationsBeforeAdmission(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-migrations-'));
	const journal = JSON.parse(fs.readFileSync('drizzle/meta/_journal.json', 'utf8')) as {
		entries: Array<{ tag: string }>;
	};
	const first = journal.entries.findIndex((e) =>
		fs.readFileSync(`drizzle/${e.tag}.sql`, 'utf8').includes('"admitted_at"')
	);
	expect(first, 'a migration adds participant.admitted_at').toBeGreaterThan(0);
	const kept = journal.entries.slice(0, first);
	fs.mkdirSync(path.join(dir, 'meta'));
	fs.writeFileSync(
		path.join(dir, 'meta', '_journal.json'),
		JSON.stringify({ ...journal, entries: kept })
	);
	for (const e of kept) fs.copyFileSync(`drizzle/${e.tag}.sql`, path.join(dir, `${e.tag}.sql`));
	return dir;
}

test(`upgrading on ${kind} admits everyone who had joined, at the time they joined`, async () => {
	testDb = await createTestDatabase(kind, { fresh: true });
	before = migrationsBeforeAdmission();
	const old = await openDatabase({ ...testDb.options, migrationsDir: before });
	try {
		// One statement per call: PGlite prepares each query, and a prepared query holds one.
		await old.db.execute(sql`
			insert into account (id, email, name, role) values ('acc', 'f@example.com', 'F', 'facilitator')
		`);
		await old.db.execute(sql`
			insert into workshop (id, title, client_organisation, owner_id, join_code)
				values ('ws', 'Before admission', 'Acme', 'acc', 'ABCDEF')
		`);
		await old.db.execute(sql`
			insert into team (id, workshop_id, name, colour) values ('tm', 'ws', 'Sales', '#1d4ed8')
		`);
		await old.db.execute(sql`
			insert into participant (id, workshop_id, team_id, display_name, joined_at, removed_at) values
				('p1', 'ws', 'tm', 'Early Eve', '2026-11-30T09:15:00Z', null),
				('p2', 'ws', 'tm', 'Removed Ray', '2026-11-30T09:20:00Z', '2026-11-30T10:00:00Z')
		`);
	} finally {
		await old.close();
	}

	const upgraded = await openDatabase({ ...testDb.options, migrationsDir: 'drizzle' });
	try {
		const rows = (await upgraded.db.execute(sql`
			select id, admitted_at = joined_at as "admittedWhenJoined"
			from participant order by id`)) as unknown as
			| Array<{ id: string; admittedWhenJoined: boolean }>
			| { rows: Array<{ id: string; admittedWhenJoined: boolean }> };
		const list = Array.isArray(rows) ? rows : rows.rows;
		expect(list).toEqual([
			{ id: 'p1', admittedWhenJoined: true },
			{ id: 'p2', admittedWhenJoined: true }
		]);
		const workshops = (await upgraded.db.execute(
			sql`select require_admission as "requireAdmission" from workshop`
		)) as unknown as
			Array<{ requireAdmission: boolean }> | { rows: Array<{ requireAdmission: boolean }> };
		expect(Array.isArray(workshops) ? workshops : workshops.rows).toEqual([
			{ requireAdmission: false }
		]);
	} finally {
		await upgraded.close();
	}
});
