/**
 * One database per process, whichever code asks for it. The Node entry in server/ and the
 * SvelteKit bundle are separate module graphs, so the open database is kept on `globalThis`
 * (registered by `openDatabase`, read by `db()`); a second copy of this module finds it there
 * instead of opening the data directory twice.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
	kind: DatabaseKind;
	db: Db;
	/** Runs a raw SQL text; used for health checks and locks. */
	ping(): Promise<void>;
	/** The pool's size and this instance's open and busy connections (for /metrics). */
	poolStats(): Promise<PoolStats>;
	close(): Promise<void>;
}

export interface PoolStats {
	size: number;
	open: number;
	busy: number;
}

const KEY = Symbol.for('common-ground.database');
type Registry = { [KEY]?: Database };

export function registerDatabase(database: Database | undefined): void {
	(globalThis as Registry)[KEY] = database;
}

/**
 * Unregisters `database` only if it is still the registered one: when `vite dev` restarts, the
 * old runtime stops after the new one has registered, and must not clear the new one.
 */
export function unregisterDatabase(database: Database): void {
	if ((globalThis as Registry)[KEY] === database) (globalThis as Registry)[KEY] = undefined;
}

export function currentDatabase(): Database {
	const database = (globalThis as Registry)[KEY];
	if (!database) throw new Error('The database is not open: the server opens it at start-up.');
	return database;
}

/** The process's database, or null before it opens and after it closes. */
export function currentDatabaseOrNull(): Database | null {
	return (globalThis as Registry)[KEY] ?? null;
}

/** The drizzle instance of the process's database. */
export function db(): Db {
	return currentDatabase().db;
}

/** Rows of a raw `execute(sql…)`: postgres.js answers with an array of rows, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}
