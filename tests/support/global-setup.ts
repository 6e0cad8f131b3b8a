/**
 * Once per test run: starts the built server on an empty embedded data directory, lets it
 * migrate, and shuts it down cleanly; test suites then start from copies of that directory
 * (see `createTestDatabase`). Without a build (e.g. `npm run test:unit`) nothing is prepared
 * and every suite starts from an empty directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGLITE_TEMPLATE_ENV } from './databases';
import { startServer } from './server';

export default async function setup(): Promise<(() => void) | undefined> {
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
	process.env[PGLITE_TEMPLATE_ENV] = dataDir;
	return () => fs.rmSync(dataDir, { recursive: true, force: true });
}
