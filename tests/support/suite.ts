/**
 * A fresh database and a real server for one test suite: created before its tests, stopped
 * and dropped after them. Read `suite.server` inside tests (it exists once set-up ran).
 */
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases';
import { startServer, type RunningServer } from './server';

export interface SuiteServer {
	readonly server: RunningServer;
	readonly database: TestDatabase;
}

export function serverForSuite(kind: DatabaseKind, env: Record<string, string> = {}): SuiteServer {
	let database: TestDatabase | undefined;
	let server: RunningServer | undefined;
	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer(database, env);
	});
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});
	return {
		get server() {
			if (!server) throw new Error('the suite server is not running (set-up failed?)');
			return server;
		},
		get database() {
			if (!database) throw new Error('the suite database does not exist (set-up failed?)');
			return database;
		}
	};
}
