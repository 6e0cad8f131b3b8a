import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { runServerToExit, startServer } from '../support/server';
import { facilitatorWithWorkshop } from '../factories/workshops';

/**
 * A one-line message, no stack trace: what a person starting the app should see, as one JSON
 * log line (LOG_FORMAT=pretty makes it plain text).
 */
function expectOneLineError(output: string, pattern: RegExp) {
	const lines = output.trim().split('\n');
	expect(lines).toHaveLength(1);
	const line = JSON.parse(lines[0]!) as { level: string; msg: string };
	expect(line.level).toBe('fatal');
	expect(line.msg).toMatch(/^Common Ground could not start: /);
	expect(line.msg).toMatch(pattern);
	expect(output).not.toMatch(/\n\s+at /);
	expect(output).not.toMatch(/\\n\s+at /);
}

describe('start-up failures', () => {
	let dataDir: TestDatabase;
	beforeAll(async () => {
		dataDir = await createTestDatabase('pglite');
	});
	afterAll(async () => dataDir?.drop());

	test('the port already in use: one line that says so, exit 1', async () => {
		const blocker = net.createServer();
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
		const port = (blocker.address() as net.AddressInfo).port;
		try {
			const { code, output } = await runServerToExit({ ...dataDir.env, PORT: String(port) });
			expect(code).toBe(1);
			expectOneLineError(output, new RegExp(`port ${port} is already in use.*set PORT`));
		} finally {
			blocker.close();
		}
		// The failed start released the data directory.
		expect(fs.existsSync(path.join(dataDir.env.DATA_DIR!, 'common-ground.lock'))).toBe(false);
	});

	test('an unreachable DATABASE_URL: one line that says which and what to do, exit 1', async () => {
		const closed = net.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as net.AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const { code, output } = await runServerToExit({
			DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/nowhere`,
			PORT: '0'
		});
		expect(code).toBe(1);
		expectOneLineError(
			output,
			new RegExp(
				`Cannot reach PostgreSQL at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/nowhere.*DATABASE_URL`
			)
		);
		expect(output).not.toContain('secret');
	});

	// Every setting's own message is read in-process (tests/unit/config.test.ts); here the
	// process shows that any of them ends the start with that one line and exit 1, a secret
	// included only by name.
	test('a malformed setting: one line, exit 1, and a refused token is not echoed', async () => {
		const badPort = await runServerToExit({ ...dataDir.env, PORT: 'eighty' });
		expect(badPort.code).toBe(1);
		expectOneLineError(badPort.output, /PORT must be a whole number/);
		const badToken = await runServerToExit({ ...dataDir.env, PORT: '0', METRICS_TOKEN: 'short' });
		expect(badToken.code).toBe(1);
		expectOneLineError(badToken.output, /METRICS_TOKEN must be at least 16 printable characters/);
		expect(badToken.output).not.toContain('"short"');
	});

	test('a second process on the same embedded data directory is refused, not let in', async () => {
		const first = await startServer(dataDir);
		try {
			const { code, output } = await runServerToExit({ ...dataDir.env, PORT: '0' });
			expect(code).toBe(1);
			expectOneLineError(
				output,
				new RegExp(`in use by another process \\(pid ${first.child.pid}\\)`)
			);
			expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
		} finally {
			expect(await first.stop()).toBe(0);
		}
	});
});

describe('graceful shutdown and restart on embedded PGlite', () => {
	test('SIGTERM closes the database cleanly; a restart finds everything', async () => {
		const dataDir = await createTestDatabase('pglite');
		try {
			const first = await startServer(dataDir);
			const people = await facilitatorWithWorkshop(first.url);
			expect(await first.stop()).toBe(0);
			expect(first.output()).toContain('SIGTERM received');
			expect(fs.existsSync(path.join(dataDir.env.DATA_DIR!, 'common-ground.lock'))).toBe(false);

			const second = await startServer(dataDir);
			try {
				const dashboard = await people.facilitator.at(second.url).get('/dashboard');
				expect(dashboard.status).toBe(200);
				expect(await dashboard.text()).toContain(people.joinCode);
			} finally {
				await second.stop();
			}
		} finally {
			await dataDir.drop();
		}
	});

	test('a lock left by a killed process is taken over at the next start', async () => {
		const dataDir = await createTestDatabase('pglite');
		try {
			const first = await startServer(dataDir);
			await first.kill();
			expect(fs.existsSync(path.join(dataDir.env.DATA_DIR!, 'common-ground.lock'))).toBe(true);
			const second = await startServer(dataDir);
			expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
			await second.stop();
		} finally {
			await dataDir.drop();
		}
	});
});

describe.runIf(databaseKinds().includes('postgres'))('several instances on one PostgreSQL', () => {
	test('two instances starting at the same moment both migrate and serve', async () => {
		const database = await createTestDatabase('postgres', { fresh: true });
		try {
			const [a, b] = await Promise.all([startServer(database), startServer(database)]);
			try {
				const people = await facilitatorWithWorkshop(a.url);
				// A session made on one instance is valid on the other: both share one database.
				const onB = people.facilitator.at(b.url);
				expect(await (await onB.get('/dashboard')).text()).toContain(people.joinCode);
			} finally {
				await Promise.all([a.stop(), b.stop()]);
			}
		} finally {
			await database.drop();
		}
	});
});
