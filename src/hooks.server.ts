import type { Handle, HandleServerError, RequestEvent } from '@sveltejs/kit';
import { json, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { can } from '$lib/domain/permissions';
import {
	clearedCookieOptions,
	isSecureRequest,
	sessionCookieName,
	sessionCookieOptions,
	type SessionKind
} from '$lib/server/auth/cookies';
import * as leaderSessions from '$lib/server/auth/leader-sessions';
import * as sessions from '$lib/server/auth/sessions';
import {
	asUnavailable,
	DATABASE_UNAVAILABLE_MESSAGE,
	describeDatabaseError
} from '$lib/server/db/availability';
import { currentRequestId, moduleLogger, requestIdFrom, withRequest } from '$lib/server/logger';

const log = moduleLogger('app');

/** Seconds a client is asked to wait before trying again while the database is away. */
const RETRY_AFTER_SECONDS = '5';

/**
 * Requests that failed because the database was away (marked by handleError): their 500 is
 * turned into a 503 with Retry-After on the way out, so clients and load balancers know to
 * try again. Keyed by the request's `locals`: SvelteKit hands `handle` and `handleError`
 * different copies of the event, but the same `locals`.
 */
const failedForDatabase = new WeakSet<App.Locals>();

/**
 * A session cookie's name depends on the request's scheme (`__Host-` over https), and so does
 * `Secure`: both come from the URL SvelteKit builds from ORIGIN or the proxy's headers.
 */
async function resolveSession(event: RequestEvent, kind: 'account' | 'participant') {
	const isSecure = isSecureRequest(event.url);
	const cookieName = sessionCookieName(kind, isSecure);
	const token = event.cookies.get(cookieName);
	if (!token) return null;
	const validated = await sessions.validate(token);
	if (!validated) {
		// Tampered, expired, revoked or removed: treated as signed out.
		event.cookies.delete(cookieName, clearedCookieOptions(isSecure));
		return null;
	}
	if (validated.isRenewed) {
		event.cookies.set(cookieName, token, sessionCookieOptions(validated.actor.expiresAt, isSecure));
	}
	return validated.actor;
}

/** A leader's session ends with its invitation (revoked or expired): then it is signed out. */
async function resolveLeader(event: RequestEvent) {
	const isSecure = isSecureRequest(event.url);
	const kind: SessionKind = 'leader';
	const token = event.cookies.get(sessionCookieName(kind, isSecure));
	if (!token) return null;
	const leader = await leaderSessions.validate(token);
	if (!leader)
		event.cookies.delete(sessionCookieName(kind, isSecure), clearedCookieOptions(isSecure));
	return leader;
}

/**
 * In production server/http.ts gives every request its id before SvelteKit sees it; under
 * `vite dev` the requests come straight here, and get one now.
 */
export const handle: Handle = ({ event, resolve }) => {
	const requestId = currentRequestId();
	if (requestId) return handleRequest(event, resolve, requestId);
	const made = requestIdFrom(null);
	return withRequest(made, () => handleRequest(event, resolve, made));
};

const handleRequest = async (
	event: Parameters<Handle>[0]['event'],
	resolve: Parameters<Handle>[0]['resolve'],
	requestId: string
): Promise<Response> => {
	try {
		const account = await resolveSession(event, 'account');
		event.locals.account = account?.kind === 'account' ? account : null;
		const participant = await resolveSession(event, 'participant');
		event.locals.participant = participant?.kind === 'participant' ? participant : null;
		event.locals.leader = await resolveLeader(event);
	} catch (e) {
		// Without the database nobody's session can be checked: say so (503, JSON or the
		// error page), rather than fail as if something were broken.
		const unavailable = asUnavailable(e);
		if (!unavailable) throw e;
		log.error(
			{ method: event.request.method, path: event.url.pathname },
			`database unavailable: ${unavailable.message}`
		);
		return finish(unavailableResponse(event), requestId, event.url);
	}

	// First line of defence for pages; every action and endpoint checks again (guards.ts).
	if (event.route.id?.startsWith('/(facilitator)')) {
		const actor = event.locals.account;
		if (!actor || !can(actor.role, 'workshop.list')) {
			redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
		}
	}

	let response = await resolve(event);
	if (failedForDatabase.has(event.locals)) {
		if (response.status === 500) {
			response = new Response(response.body, {
				status: 503,
				statusText: 'Service Unavailable',
				headers: response.headers
			});
		}
		if (response.status === 503) response.headers.set('retry-after', RETRY_AFTER_SECONDS);
	}
	return finish(response, requestId, event.url);
};

function finish(response: Response, requestId: string, url: URL): Response {
	const policy = response.headers.get('content-security-policy');
	if (policy) {
		// The realtime endpoint by its own scheme: browsers without CSP 3's rule that 'self'
		// covers ws:/wss: on the same host (older Safari) would refuse the board otherwise.
		const socketOrigin = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
		response.headers.set(
			'content-security-policy',
			policy.replace("connect-src 'self'", `connect-src 'self' ${socketOrigin}`)
		);
	}
	response.headers.set('x-content-type-options', 'nosniff');
	// A page may ask for less (the password-reset page, whose address holds a secret).
	if (!response.headers.has('referrer-policy'))
		response.headers.set('referrer-policy', 'same-origin');
	response.headers.set('x-request-id', requestId);
	return response;
}

/**
 * The answer when not even the sessions can be read: nothing of the app can run, so there is
 * no page to render. JSON for API calls and SvelteKit's data requests, otherwise a page of its
 * own saying what happened (no script and no style, so nothing the page needs can fail too).
 */
function unavailableResponse(event: RequestEvent): Response {
	const headers = { 'retry-after': RETRY_AFTER_SECONDS, 'cache-control': 'no-store' };
	const accept = event.request.headers.get('accept') ?? '';
	if (
		event.isDataRequest ||
		event.url.pathname.startsWith('/api/') ||
		!accept.includes('text/html')
	) {
		return json({ message: DATABASE_UNAVAILABLE_MESSAGE }, { status: 503, headers });
	}
	return new Response(UNAVAILABLE_PAGE, {
		status: 503,
		headers: {
			...headers,
			'content-type': 'text/html; charset=utf-8',
			'content-security-policy':
				"default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
		}
	});
}

const UNAVAILABLE_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>503 · Common Ground</title></head>
<body>
<main>
<h1>Temporarily unavailable</h1>
<p>${DATABASE_UNAVAILABLE_MESSAGE}</p>
<p><a href="">Try again</a></p>
</main>
</body>
</html>
`;

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message };
	const unavailable = asUnavailable(error);
	if (unavailable) {
		failedForDatabase.add(event.locals);
		log.error(
			{ method: event.request.method, path: event.url.pathname },
			`database unavailable: ${describeDatabaseError(error)}`
		);
		return { message: DATABASE_UNAVAILABLE_MESSAGE, isUnavailable: true };
	}
	const errorId = randomUUID().slice(0, 8);
	log.error(
		{ err: error, errorId, method: event.request.method, path: event.url.pathname },
		'request failed'
	);
	return { message: 'Something went wrong on our side. Please try again.', errorId };
};
