/**
 * The browser's calls to the app's JSON endpoints, from the phone and the facilitator's console
 * alike. Every refusal from the server carries `{ message }` in words meant for the person, so
 * it becomes the error's message and the screen shows it as is.
 */

export class RequestError extends Error {
	override name = 'RequestError';
	constructor(
		message: string,
		readonly status: number
	) {
		super(message);
	}
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RequestOptions {
	/** Sent as they are; a JSON body adds its content type. */
	headers?: Record<string, string>;
	/** `'omit'` for a ballot, which must carry nothing that names the voter. */
	credentials?: RequestCredentials;
	cache?: RequestCache;
	/** What the person reads when the server cannot be reached at all. */
	unreachable?: string;
	/** What a refusal says when the server gave no words of its own. */
	refused?: (status: number) => string;
	/** Another transport (a test's stand-in); the browser's own by default. */
	fetch?: typeof fetch;
}

/** A request's answer as it came: its status and its JSON body (null when it had none). */
export interface Reply {
	ok: boolean;
	status: number;
	body: unknown;
}

const UNREACHABLE = 'Could not reach the server. Check the connection and try again.';

/**
 * One request: JSON in (or a form, for a file), status and JSON out. A refusal is an answer
 * like any other here; only a server out of reach throws, as a RequestError with status 0.
 */
export async function exchange(
	method: Method,
	path: string,
	body?: unknown,
	options: RequestOptions = {}
): Promise<Reply> {
	const isJson = body !== undefined && !(body instanceof FormData);
	// Called on its own, not as a method: the browser's fetch refuses any other `this`.
	const transport = options.fetch ?? fetch;
	let response: Response;
	try {
		response = await transport(path, {
			method,
			credentials: options.credentials,
			cache: options.cache,
			headers: { ...options.headers, ...(isJson ? { 'content-type': 'application/json' } : {}) },
			body: isJson ? JSON.stringify(body) : (body as FormData | undefined)
		});
	} catch {
		throw new RequestError(options.unreachable ?? UNREACHABLE, 0);
	}
	const data = (await response.json().catch(() => null)) as unknown;
	return { ok: response.ok, status: response.status, body: data };
}

/** The server's own words in a refusal's body, if it gave any. */
export function messageIn(body: unknown): string | null {
	const message = (body as { message?: unknown } | null)?.message;
	return typeof message === 'string' && message ? message : null;
}

/**
 * A request that resolves with the answer's body once the server has accepted, and throws a
 * RequestError with the server's words otherwise.
 */
export async function send<T = unknown>(
	method: Method,
	path: string,
	body?: unknown,
	options: RequestOptions = {}
): Promise<T> {
	const reply = await exchange(method, path, body, options);
	if (!reply.ok) {
		throw new RequestError(
			messageIn(reply.body) ??
				(options.refused ?? ((status) => `The server refused this (${status}).`))(reply.status),
			reply.status
		);
	}
	return reply.body as T;
}

/**
 * What a GET answers, or null when it is refused or the server is out of reach: for reads that
 * a later one catches up on (a refresh, a clock sample), where a miss is no one's business.
 */
export async function read<T>(path: string, options: RequestOptions = {}): Promise<T | null> {
	try {
		const reply = await exchange('GET', path, undefined, options);
		return reply.ok ? (reply.body as T) : null;
	} catch {
		return null;
	}
}

/**
 * The facilitator console's requests: JSON both ways, with the console's own words when the
 * server gives none (a proxy's error page, an expired session).
 */
export const CONSOLE: RequestOptions = {
	headers: { accept: 'application/json' },
	unreachable: 'The server could not be reached. Check the connection and try again.',
	refused: (status) =>
		status === 401 || status === 403
			? 'Your session has ended or does not own this workshop. Sign in again.'
			: `The server refused (${status}). Try again.`
};

/** A console request: its answer's body, or a RequestError in the words to show. */
export function consoleSend<T = unknown>(
	method: Method,
	url: string,
	body?: unknown,
	options: RequestOptions = {}
): Promise<T> {
	return send<T>(method, url, body, { ...CONSOLE, ...options });
}

/** Paths of one stage's actions. */
export function stagePath(workshopId: string, stageKey: string): string {
	return `/api/workshops/${encodeURIComponent(workshopId)}/stages/${encodeURIComponent(stageKey)}`;
}

/** Path of one card's actions. */
export function cardPath(workshopId: string, stageKey: string, cardId: string): string {
	return `${stagePath(workshopId, stageKey)}/cards/${encodeURIComponent(cardId)}`;
}

/**
 * The changes a screen makes to the cards of one stage's board. Each resolves once the server
 * has accepted (the change itself arrives through the board document) and throws a
 * RequestError with the server's words otherwise.
 */
export interface CardRequests {
	change(cardId: string, fields: Record<string, unknown>): Promise<unknown>;
	move(cardId: string, direction: 'earlier' | 'later'): Promise<unknown>;
	remove(cardId: string): Promise<unknown>;
}

export function cardRequests(workshopId: string, stageKey: string): CardRequests {
	return {
		change: (cardId, fields) => send('PATCH', cardPath(workshopId, stageKey, cardId), fields),
		move: (cardId, direction) =>
			send('POST', `${cardPath(workshopId, stageKey, cardId)}/move`, { direction }),
		remove: (cardId) => send('DELETE', cardPath(workshopId, stageKey, cardId))
	};
}
