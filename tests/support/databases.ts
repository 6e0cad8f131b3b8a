/**
 * The databases every database test runs against: PGlite always, and real PostgreSQL when
 * DATABASE_URL is set (CI sets it). Each test suite gets its own fresh database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export type DatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
	kind: DatabaseKind;
	/** Environment for a server process using this database. */
	env: { DATABASE_URL?: string; DATA_DIR?: string };
	/** For opening it in-process (openDatabase options). */
	options: { databaseUrl?: string; dataDir?: string };
	drop(): Promise<void>;
}

/**
 * Both databases, for the files whose subject is storage itself: ballots and their anonymity,
 * the signed charter's integrity, durability across crashes and outages, concurrent casting,
 * start-up and migrations. There the two engines' connections, locks and files differ. Also the
 * flows promised on both: joining (admission, rate limits), pre-work and review sessions.
 */
export function databaseKinds(): DatabaseKind[] {
	return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * One database, for the files whose subject is behaviour above storage: forms, permissions,
 * the realtime protocol. PGlite is PostgreSQL's own engine and the SQL is the same, so running
 * them twice would test the HTTP layer twice. Each such file names the database it runs on;
 * the browser scenarios run on PGlite, so most of these name PostgreSQL, and without
 * DATABASE_URL every file runs on PGlite.
 */
export function oneDatabase(kind: DatabaseKind): DatabaseKind[] {
	return process.env.DATABASE_URL ? [kind] : ['pglite'];
}

/**
 * In a file that runs on both databases, whether `kind` is the one its tests of behaviour above
 * storage run on (`if (onOne(kind)) test(…)`).
 */
export function onOne(kind: DatabaseKind, prefer: DatabaseKind = 'postgres'): boolean {
	return oneDatabase(prefer)[0] === kind;
}

/**
 * Set by tests/support/global-setup.ts: an embedded data directory the built server started on
 * once and shut down cleanly, so it holds every migration. Copying it saves each test suite
 * the embedded database's first start (about 10 s of CPU); tests of that first start ask for
 * `{ fresh: true }`.
 */
export const PGLITE_TEMPLATE_ENV = 'CG_TEST_PGLITE_TEMPLATE';
/** The same for PostgreSQL: a migrated database that new test databases are created from. */
export const POSTGRES_TEMPLATE_ENV = 'CG_TEST_POSTGRES_TEMPLATE';

export async function createTestDatabase(
	kind: DatabaseKind,
	{ fresh = false }: { fresh?: boolean } = {}
): Promise<TestDatabase> {
	if (kind === 'pglite') {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-test-'));
		const template = process.env[PGLITE_TEMPLATE_ENV];
		if (!fresh && template && fs.existsSync(template)) {
			fs.cpSync(template, dataDir, { recursive: true });
		}
		return {
			kind,
			env: { DATA_DIR: dataDir },
			options: { dataDir },
			drop: async () => fs.rmSync(dataDir, { recursive: true, force: true })
		};
	}
	const adminUrl = process.env.DATABASE_URL;
	if (!adminUrl) throw new Error('DATABASE_URL is not set: no PostgreSQL to test against.');
	const name = `cg_test_${randomBytes(6).toString('hex')}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	const template = fresh ? undefined : process.env[POSTGRES_TEMPLATE_ENV];
	await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		kind,
		env: { DATABASE_URL: url.toString() },
		options: { databaseUrl: url.toString() },
		drop: async () => {
			const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
			await again.unsafe(`drop database if exists ${name} with (force)`);
			await again.end();
		}
	};
}
