/**
 * Opening the database: embedded PGlite in a data directory by default, real PostgreSQL when
 * a URL is given. Migrations from drizzle/ are applied on every open, so a fresh install and
 * an upgraded one both start on the current schema.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { connectPostgres } from './postgres-client';
import type { Database, Db } from './index';
import * as schema from './schema';

export class DatabaseStartError extends Error {
	override name = 'DatabaseStartError';
}

export interface OpenOptions {
	/** postgres://… to use PostgreSQL; otherwise PGlite in `dataDir`. */
	databaseUrl?: string;
	/** PGlite's directory; `memory://` keeps it in memory (tests). */
	dataDir?: string;
	migrationsDir?: string;
}

/** Any number: the same on every instance, so concurrent start-ups queue on it. */
const MIGRATION_LOCK_ID = 7_303_911_004;

export function defaultMigrationsDir(): string {
	return path.resolve(process.env.MIGRATIONS_DIR || 'drizzle');
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
	const migrationsFolder = options.migrationsDir ?? defaultMigrationsDir();
	if (!fs.existsSync(path.join(migrationsFolder, 'meta', '_journal.json'))) {
		throw new DatabaseStartError(
			`No migrations found in ${migrationsFolder}: run the server from the project folder or set MIGRATIONS_DIR.`
		);
	}
	return options.databaseUrl
		? openPostgres(options.databaseUrl, migrationsFolder)
		: openPglite(options.dataDir ?? './data', migrationsFolder);
}

async function openPostgres(url: string, migrationsFolder: string): Promise<Database> {
	const size = Number(process.env.DATABASE_POOL_SIZE || 10);
	// Names this process's connections, so /metrics can count them in pg_stat_activity
	// (postgres.js does not expose its pool).
	const applicationName = `common-ground ${process.pid} ${randomBytes(4).toString('hex')}`;
	const client = connectPostgres(url, {
		max: size,
		onnotice: () => {},
		connect_timeout: 10,
		connection: { application_name: applicationName }
	});
	const db = drizzlePostgres(client, { schema });
	try {
		// The lock is held by one reserved connection while the migrator runs on another:
		// a second instance starting at the same moment waits here instead of racing.
		const reserved = await client.reserve();
		try {
			await reserved`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
			await migratePostgres(db, { migrationsFolder });
		} finally {
			await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
			reserved.release();
		}
	} catch (error) {
		await client.end({ timeout: 1 }).catch(() => {});
		throw new DatabaseStartError(describePostgresError(url, error));
	}
	return {
		kind: 'postgres',
		db: db as unknown as Db,
		ping: async () => {
			await client`select 1`;
		},
		poolStats: async () => {
			const [row] = await client<{ open: number; busy: number }[]>`
				select count(*)::int as open,
					count(*) filter (where state <> 'idle' and pid <> pg_backend_pid())::int as busy
				from pg_stat_activity where application_name = ${applicationName}`;
			return { size, open: row?.open ?? 0, busy: row?.busy ?? 0 };
		},
		close: () => client.end({ timeout: 5 })
	};
}

function describePostgresError(url: string, error: unknown): string {
	const where = redactUrl(url);
	const code = (error as { code?: string }).code;
	const message = error instanceof Error ? error.message : String(error);
	if (
		code === 'ECONNREFUSED' ||
		code === 'ENOTFOUND' ||
		code === 'CONNECT_TIMEOUT' ||
		code === 'EHOSTUNREACH'
	) {
		return `Cannot reach PostgreSQL at ${where} (${code}): start PostgreSQL or fix DATABASE_URL, or unset DATABASE_URL to use the embedded database.`;
	}
	if (code === '3D000') {
		return `PostgreSQL at ${where} has no such database: create it or fix DATABASE_URL.`;
	}
	if (code === '28P01' || code === '28000') {
		return `PostgreSQL at ${where} refused the credentials: fix the user or password in DATABASE_URL.`;
	}
	return `Cannot open PostgreSQL at ${where}: ${message}`;
}

function redactUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return 'DATABASE_URL (not a valid URL)';
	}
}

async function openPglite(dataDir: string, migrationsFolder: string): Promise<Database> {
	const inMemory = dataDir.startsWith('memory://');
	let releaseLock = () => {};
	let client: PGlite;
	if (inMemory) {
		client = new PGlite();
	} else {
		const dir = path.resolve(dataDir);
		fs.mkdirSync(dir, { recursive: true });
		releaseLock = lockDataDir(dir);
		try {
			client = new PGlite(path.join(dir, 'pglite'));
			await client.waitReady;
		} catch (error) {
			releaseLock();
			throw new DatabaseStartError(
				`Cannot open the embedded database in ${dir}: ${error instanceof Error ? error.message : String(error)}`
			);
		}
	}
	const db = drizzlePglite(client, { schema });
	try {
		await migratePglite(db, { migrationsFolder });
	} catch (error) {
		await client.close().catch(() => {});
		releaseLock();
		throw error;
	}
	let closed = false;
	return {
		kind: 'pglite',
		db: db as unknown as Db,
		ping: async () => {
			await client.query('select 1');
		},
		// One embedded connection, always open; its queries run one at a time.
		poolStats: async () => ({ size: 1, open: 1, busy: 0 }),
		close: async () => {
			if (closed) return;
			closed = true;
			try {
				await client.close();
			} finally {
				releaseLock();
			}
		}
	};
}

/**
 * PGlite is a single-process database: two processes writing one directory corrupt it.
 * A lock file holding the owner's pid keeps a second process out with a clear message;
 * a lock left by a process that no longer runs is taken over.
 */
function lockDataDir(dir: string): () => void {
	const lockPath = path.join(dir, 'common-ground.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = fs.openSync(lockPath, 'wx');
			fs.writeSync(fd, String(process.pid));
			fs.closeSync(fd);
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				try {
					if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
				} catch {
					// already gone
				}
			};
			process.once('exit', release);
			return release;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const owner = Number(fs.readFileSync(lockPath, 'utf8').trim());
			if (owner && owner !== process.pid && isRunning(owner)) {
				throw new DatabaseStartError(
					`The embedded database in ${dir} is in use by another process (pid ${owner}). Stop it, or set DATA_DIR to another folder, or use PostgreSQL through DATABASE_URL to run several instances.`
				);
			}
			fs.rmSync(lockPath, { force: true });
		}
	}
	throw new DatabaseStartError(`Could not lock the embedded database in ${dir}.`);
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
