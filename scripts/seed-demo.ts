/**
 * `npm run seed:demo [-- --json]`: a demo facilitator and a demo workshop with people from
 * both teams, on the database the app would use (DATA_DIR or DATABASE_URL). Running it again
 * finds what it made before instead of making it twice.
 */
import { and, eq } from 'drizzle-orm';
import { fileURLToPath } from 'node:url';
import * as accounts from '../src/lib/server/accounts';
import { readConfig } from '../src/lib/server/config';
import { db, registerDatabase } from '../src/lib/server/db';
import { DatabaseStartError, openDatabase } from '../src/lib/server/db/open';
import { participant, team, workshop } from '../src/lib/server/db/schema';
import * as participants from '../src/lib/server/participants';
import * as workshops from '../src/lib/server/workshops';

const DEMO = {
	email: 'demo.facilitator@example.com',
	name: 'Dana Whitfield',
	password: 'common-ground-demo',
	title: 'Sales & Marketing Alignment — Pipeline Reset',
	clientOrganisation: 'Northwind Analytics',
	people: {
		Sales: ['Marcus Reyes (Enterprise AE)', 'Priya Natarajan (SDR lead)', 'Tom Becker (VP Sales)'],
		Marketing: ['Lena Okafor (Demand gen)', 'Jonas Weber (Marketing ops)', 'Claire Dubois (CMO)']
	} as Record<string, string[]>
};

async function main() {
	const asJson = process.argv.includes('--json');
	const config = readConfig();
	let database;
	try {
		database = await openDatabase({
			databaseUrl: config.databaseUrl,
			dataDir: config.dataDir,
			migrationsDir: fileURLToPath(new URL('../drizzle', import.meta.url))
		});
	} catch (error) {
		if (error instanceof DatabaseStartError) {
			console.error(`Could not seed the demo: ${error.message}`);
			process.exit(1);
		}
		throw error;
	}
	registerDatabase(database);
	try {
		const existing = await accounts.findByEmail(DEMO.email);
		const facilitatorId =
			existing?.id ??
			(
				await accounts.createFacilitator({
					email: DEMO.email,
					name: DEMO.name,
					password: DEMO.password
				})
			).id;
		if (existing) await accounts.changePassword(existing.id, DEMO.password);

		const [found] = await db()
			.select()
			.from(workshop)
			.where(and(eq(workshop.ownerId, facilitatorId), eq(workshop.title, DEMO.title)))
			.limit(1);
		const demo =
			found ??
			(await workshops.create({
				ownerId: facilitatorId,
				title: DEMO.title,
				clientOrganisation: DEMO.clientOrganisation
			}));

		const teams = await workshops.teams(demo.id);
		for (const t of teams) {
			const present = await db()
				.select({ name: participant.displayName })
				.from(participant)
				.innerJoin(team, eq(team.id, participant.teamId))
				.where(eq(participant.teamId, t.id));
			const names = new Set(present.map((p) => p.name));
			for (const name of DEMO.people[t.name] ?? []) {
				if (!names.has(name))
					await participants.join({ workshopId: demo.id, teamId: t.id, displayName: name });
			}
		}

		const origin = config.origin ?? `http://localhost:${config.port}`;
		const result = {
			email: DEMO.email,
			password: DEMO.password,
			workshopId: demo.id,
			joinCode: demo.joinCode,
			joinUrl: `${origin}/j/${demo.joinCode}`,
			facilitatorUrl: `${origin}/workshops/${demo.id}`
		};
		if (asJson) {
			console.log(JSON.stringify(result));
		} else {
			console.log(`Demo ready (${database.kind}).`);
			console.log(`  Sign in at ${origin}/signin as ${result.email} / ${result.password}`);
			console.log(`  Facilitator view: ${result.facilitatorUrl}`);
			console.log(`  Participants join at ${result.joinUrl} (code ${result.joinCode})`);
		}
	} finally {
		registerDatabase(undefined);
		await database.close();
	}
}

main().catch((error) => {
	console.error('Could not seed the demo:', error);
	process.exit(1);
});
