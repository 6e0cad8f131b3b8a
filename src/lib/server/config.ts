/**
 * Configuration from the environment, read in one place. Plain TypeScript (no `$env`) so the
 * Node entry in server/, scripts and tests share it with the SvelteKit app.
 */
import path from 'node:path';
import { LOG_FORMATS, LOG_LEVELS } from './logger';
import { ClockConfigError, testClockOffset } from './clock';

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
	/**
	 * The public origin is https. Session cookies decide `Secure` (and their `__Host-` name)
	 * per request from its scheme (auth/cookies.ts), which ORIGIN sets when it is given.
	 */
	isSecure: boolean;
	/**
	 * A header a trusted proxy sets with its own request id (e.g. `x-request-id`), which the
	 * logs and the `x-request-id` answer then use. Unset: every request gets a new id.
	 */
	requestIdHeader: string | undefined;
	/** Set: `GET /metrics` answers Prometheus figures to `Authorization: Bearer <token>`. */
	metricsToken: string | undefined;
	/** Set (SMTP_URL and MAIL_FROM): mail is sent. Unset: links are shown to copy instead. */
	mail: MailConfig | undefined;
}

export interface MailConfig {
	/** e.g. smtps://user:password@smtp.example.com:465 (nodemailer's connection URL). */
	url: string;
	/** e.g. "Common Ground <workshops@example.com>". */
	from: string;
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
	if (env.LOG_LEVEL && !(LOG_LEVELS as readonly string[]).includes(env.LOG_LEVEL)) {
		throw new ConfigError(
			`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}".`
		);
	}
	if (env.LOG_FORMAT && !(LOG_FORMATS as readonly string[]).includes(env.LOG_FORMAT)) {
		throw new ConfigError(
			`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${env.LOG_FORMAT}".`
		);
	}
	try {
		testClockOffset(env);
	} catch (e) {
		if (e instanceof ClockConfigError) throw new ConfigError(e.message);
		throw e;
	}
	const metricsToken = env.METRICS_TOKEN || undefined;
	if (metricsToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) {
		throw new ConfigError(
			'METRICS_TOKEN must be at least 16 printable characters without spaces (e.g. `openssl rand -hex 32`).'
		);
	}
	return {
		port,
		host,
		origin,
		mail: readMail(env),
		databaseUrl: env.DATABASE_URL || undefined,
		dataDir: path.resolve(env.DATA_DIR || './data'),
		isSecure: origin?.startsWith('https:') ?? false,
		requestIdHeader: env.REQUEST_ID_HEADER?.toLowerCase() || undefined,
		metricsToken
	};
}

function readMail(env: NodeJS.ProcessEnv): MailConfig | undefined {
	const url = env.SMTP_URL || undefined;
	const from = env.MAIL_FROM || undefined;
	if (url === undefined) {
		if (from !== undefined) throw new ConfigError('MAIL_FROM is set but SMTP_URL is not.');
		return undefined;
	}
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new ConfigError('SMTP_URL must look like smtps://user:password@smtp.example.com:465.');
	}
	if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
		throw new ConfigError(
			`SMTP_URL must start with smtp:// or smtps://, got "${parsed.protocol}//".`
		);
	}
	if (from === undefined || !/^([^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(from.trim())) {
		throw new ConfigError(
			'MAIL_FROM must be the sender, e.g. "Common Ground <workshops@example.com>", when SMTP_URL is set.'
		);
	}
	return { url, from: from.trim() };
}
