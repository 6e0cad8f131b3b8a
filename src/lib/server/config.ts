/**
 * Configuration from the environment, read in one place. Plain TypeScript (no `$env`) so the
 * Node entry in server/, scripts and tests share it with the SvelteKit app.
 */
import path from 'node:path';

export interface AppConfig {
	port: number;
	host: string;
	/**
	 * Public origin of the app, e.g. https://workshops.example.com. Unset: each request's own
	 * origin is used (plain http on the app's port), which suits a laptop or a test run.
	 */
	origin: string | undefined;
	/** Set: real PostgreSQL. Unset: embedded PGlite in `dataDir`. */
	databaseUrl: string | undefined;
	dataDir: string;
	/** Session cookies get `Secure` when the public origin is https. */
	isSecure: boolean;
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
	const rawPort = env.PORT ?? '3000';
	const port = Number(rawPort);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${rawPort}".`);
	}
	const host = env.HOST || '0.0.0.0';
	const origin = env.ORIGIN ? env.ORIGIN.replace(/\/+$/, '') : undefined;
	if (origin !== undefined && !/^https?:\/\/[^/\s]+$/.test(origin)) {
		throw new ConfigError(
			`ORIGIN must be a scheme and host such as https://workshops.example.com, got "${origin}".`
		);
	}
	return {
		port,
		host,
		origin,
		databaseUrl: env.DATABASE_URL || undefined,
		dataDir: path.resolve(env.DATA_DIR || './data'),
		isSecure: origin?.startsWith('https:') ?? false
	};
}
