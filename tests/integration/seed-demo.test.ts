import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { createTestDatabase, oneDatabase } from '../support/databases';
import { Client } from '../support/http';
import { startServer } from '../support/server';

const run = promisify(execFile);

async function seed(env: Record<string, string | undefined>) {
	const { stdout } = await run(
		path.resolve('node_modules/.bin/tsx'),
		['scripts/seed-demo.ts', '--json'],
		{
			env: {
				...process.env,
				DATABASE_URL: '',
				DATA_DIR: '',
				ORIGIN: 'https://workshops.example.com',
				...env
			}
		}
	);
	const lines = stdout.trim().split('\n');
	expect(lines).toHaveLength(1);
	return JSON.parse(lines[0]!) as Record<string, string>;
}

describe.each(oneDatabase('pglite'))('npm run seed:demo on %s', (kind) => {
	test('prints one JSON object, is idempotent, and its credentials work', async () => {
		const database = await createTestDatabase(kind);
		try {
			const first = await seed(database.env);
			expect(Object.keys(first).sort()).toEqual([
				'email',
				'facilitatorUrl',
				'joinCode',
				'joinUrl',
				'password',
				'workshopId'
			]);
			expect(first.joinUrl).toBe(`https://workshops.example.com/j/${first.joinCode}`);
			expect(first.facilitatorUrl).toBe(
				`https://workshops.example.com/workshops/${first.workshopId}`
			);
			const second = await seed(database.env);
			expect(second).toEqual(first);

			const server = await startServer(database);
			try {
				const client = new Client(server.url);
				expect(
					await client.action('/signin', { email: first.email!, password: first.password! })
				).toMatchObject({
					type: 'redirect'
				});
				const dashboard = await (await client.get('/dashboard')).text();
				expect(dashboard.match(/href="\/workshops\/[a-z2-7]{16}"/g)).toHaveLength(1);
				const page = await (await client.get(`/workshops/${first.workshopId}`)).text();
				expect(page).toContain('Who is here (6)');
				expect(page).toContain('Claire Dubois (CMO)');
			} finally {
				await server.stop();
			}
		} finally {
			await database.drop();
		}
	});
});
