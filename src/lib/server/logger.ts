/**
 * The process's one logger: JSON lines on stdout (pino), or a human-readable form for
 * development (`LOG_FORMAT=pretty`, the default under `npm run dev`).
 *
 * Secrets that travel in URLs (a leader's review token in `/review/<id>/<token>`, a join code
 * in `/j/<code>`) and in headers (session cookies, bearer tokens) are blanked in the finished
 * line, whatever put them there: a message, an error's text or stack, or a field. Blanking the
 * line rather than chosen fields is what makes "every log line" true, including lines written
 * by code that does not know about secrets.
 *
 * Lines written while an HTTP request is served carry its id (`reqId`), the id answered in the
 * response's `x-request-id` header. The Node entry in server/ and the SvelteKit bundle are
 * separate module graphs in one process, so the logger and the request context live on
 * `globalThis` and both copies of this module use the same ones.
 *
 * Plain TypeScript (no `$env`): server/ and scripts import it too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;

const REDACTED = '[redacted]';

/** Path segments, cookie values and credentials that must never reach a log. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
	// A leader's personal link: the id may stay (it names the charter), the token may not.
	[/(\/review\/[^/\s"'?#\\]+\/)[^/\s"'?#\\]+/g, `$1${REDACTED}`],
	// A join link's code lets anyone into the workshop.
	[/(\/j\/)[^/\s"'?#\\]+/g, `$1${REDACTED}`],
	// The same links URL-encoded, e.g. in a `?next=` parameter.
	[/(%2Freview%2F(?:(?!%2F)[^/\s"'?#&\\])+%2F)(?:(?!%2F)[^/\s"'?#&\\])+/gi, `$1${REDACTED}`],
	[/(%2Fj%2F)(?:(?!%2F)[^/\s"'?#&\\])+/gi, `$1${REDACTED}`],
	// Session cookies, whatever their prefix, wherever a Cookie or Set-Cookie header is quoted.
	[/((?:__Host-)?cg_(?:session|participant|leader)=)[^;,\s"'\\]+/g, `$1${REDACTED}`],
	[/(\bbearer\s+)[^\s"'\\,]+/gi, `$1${REDACTED}`]
];

/** `text` with every secret the log must not hold replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
	let out = text;
	for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
	return out;
}

interface RequestContext {
	requestId: string;
}

interface Shared {
	logger: Logger;
	context: AsyncLocalStorage<RequestContext>;
}

const KEY = Symbol.for('common-ground.logger');
type Registry = { [KEY]?: Shared };

function createShared(env: NodeJS.ProcessEnv): Shared {
	const context = new AsyncLocalStorage<RequestContext>();
	const level = (LOG_LEVELS as readonly string[]).includes(env.LOG_LEVEL ?? '')
		? (env.LOG_LEVEL as LogLevel)
		: 'info';
	// Synchronous writes: a line written just before `process.exit` (a failed start) is not lost.
	const target: DestinationStream =
		env.LOG_FORMAT === 'pretty'
			? pretty({ sync: true, colorize: process.stdout.isTTY, ignore: 'pid,hostname' })
			: pino.destination({ dest: 1, sync: true });
	const logger = pino(
		{
			level,
			// The process id says nothing across restarts and containers; the host tells
			// instances apart when several share one log.
			base: { hostname: os.hostname() },
			formatters: { level: (label) => ({ level: label }) },
			mixin: () => {
				const store = context.getStore();
				return store ? { reqId: store.requestId } : {};
			},
			// Structured fields holding credentials, for lines that log a request or its headers.
			redact: {
				paths: [
					'headers.cookie',
					'headers.authorization',
					'headers["set-cookie"]',
					'*.headers.cookie',
					'*.headers.authorization',
					'*.headers["set-cookie"]'
				],
				censor: REDACTED
			}
		},
		{ write: (line: string) => target.write(redactSecrets(line)) }
	);
	return { logger, context };
}

function shared(): Shared {
	const registry = globalThis as Registry;
	return (registry[KEY] ??= createShared(process.env));
}

/** The process's logger; `log.child({ module: 'realtime' })` for a part of the app. */
export const log: Logger = shared().logger;

/** A logger for one part of the app: its lines carry `module`. */
export function moduleLogger(module: string): Logger {
	return log.child({ module });
}

/** A request id a trusted proxy may hand in: short, and nothing that could forge a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The id for a request: the trusted header's value when it is well formed, otherwise new. */
export function requestIdFrom(trusted: string | string[] | null | undefined): string {
	const value = Array.isArray(trusted) ? trusted[0] : trusted;
	return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Runs `work` as part of the request `requestId`: its log lines carry that id. */
export function withRequest<T>(requestId: string, work: () => T): T {
	return shared().context.run({ requestId }, work);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
	return shared().context.getStore()?.requestId;
}
