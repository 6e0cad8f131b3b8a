/**
 * What every way of running the app shares (production entry, `vite dev`, tests): open the
 * database, register it for the SvelteKit bundle, start housekeeping, and stop all of it in
 * the right order.
 */
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../src/lib/server/config';
import { registerDatabase, unregisterDatabase, type Database } from '../src/lib/server/db';
import { openDatabase } from '../src/lib/server/db/open';
import * as sessions from '../src/lib/server/auth/sessions';
import { log } from '../src/lib/server/logger';
import { sendDueReminders } from '../src/lib/server/reviews';

export interface Runtime {
	database: Database;
	/** Called in order at shutdown, before the database closes (e.g. flush realtime docs). */
	onStop(task: () => Promise<void> | void): void;
	stop(): Promise<void>;
}

const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;
/**
 * Charter review reminders: checked at start-up and then this often (dates by the scheduling
 * clock, src/lib/server/clock.ts). REVIEW_REMINDER_INTERVAL_MS changes it (tests check often).
 */
function reminderInterval(): number {
	const set = Number(process.env.REVIEW_REMINDER_INTERVAL_MS);
	return Number.isInteger(set) && set >= 100 ? set : 15 * 60 * 1000;
}

export async function startRuntime(config: AppConfig): Promise<Runtime> {
	const database = await openDatabase({
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		migrationsDir:
			process.env.MIGRATIONS_DIR || fileURLToPath(new URL('../drizzle', import.meta.url))
	});
	registerDatabase(database);

	const housekeeping = setInterval(() => {
		sessions
			.deleteExpired()
			.catch((error) =>
				log.error({ err: error }, 'housekeeping: deleting expired sessions failed')
			);
	}, HOUSEKEEPING_INTERVAL_MS);
	housekeeping.unref();

	const remind = () =>
		sendDueReminders().catch((error) =>
			log.error({ err: error }, 'review reminders: the check failed')
		);
	void remind();
	const reminders = setInterval(remind, reminderInterval());
	reminders.unref();

	const stopTasks: Array<() => Promise<void> | void> = [];
	let stopping: Promise<void> | undefined;
	return {
		database,
		onStop: (task) => stopTasks.push(task),
		stop: () =>
			(stopping ??= (async () => {
				clearInterval(housekeeping);
				clearInterval(reminders);
				for (const task of stopTasks) {
					try {
						await task();
					} catch (error) {
						log.error({ err: error }, 'a shutdown task failed');
					}
				}
				unregisterDatabase(database);
				await database.close();
			})())
	};
}
