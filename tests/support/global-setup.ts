/**
 * Once per test run: starts the built server on an empty embedded data directory (and on an
 * empty PostgreSQL database when DATABASE_URL is set), lets it migrate, and shuts it down
 * cleanly; test suites then start from copies (see `createTestDatabase`). Without a build (e.g. `npm run test:unit`) nothing is prepared
 * and every suite starts from an empty directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createTestDatabase, PGLITE_TEMPLATE_ENV, POSTGRES_TEMPLATE_ENV } from './databases';
import { startServer } from './server';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
	if (!fs.existsSync('build/server.js')) return undefined;
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-template-'));
	const server = await startServer({
		kind: 'pglite',
		env: { DATA_DIR: dataDir },
		options: { dataDir },
		drop: async () => {}
	});
	const code = await server.stop();
	if (code !== 0) throw new Error(`the template server exited with ${code}:\n${server.output()}`);
	// The first open of an embedded directory after migrations changed the catalog costs about
	// 7 s of CPU (later opens under 1 s). Paying it once here, instead of in every suite's copy,
	// saves that for each of the few dozen servers the suites start on PGlite.
	const warm = new PGlite(path.join(dataDir, 'pglite'));
	await warm.waitReady;
	await warm.close();
	process.env[PGLITE_TEMPLATE_ENV] = dataDir;
	const cleanups = [async () => fs.rmSync(dataDir, { recursive: true, force: true })];

	if (process.env.DATABASE_URL) {
		const database = await createTestDatabase('postgres', { fresh: true });
		cleanups.push(() => database.drop());
		const migrating = await startServer(database);
		const exit = await migrating.stop();
		if (exit !== 0) {
			throw new Error(`the template server exited with ${exit}:\n${migrating.output()}`);
		}
		process.env[POSTGRES_TEMPLATE_ENV] = new URL(database.env.DATABASE_URL!).pathname.slice(1);
	}
	return async () => {
		for (const cleanup of cleanups) await cleanup();
	};
}
