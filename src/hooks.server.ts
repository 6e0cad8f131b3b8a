import type { Handle, HandleServerError, RequestEvent } from '@sveltejs/kit';
import { error, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { can } from '$lib/domain/permissions';
import {
	ACCOUNT_COOKIE,
	LEADER_COOKIE,
	PARTICIPANT_COOKIE,
	sessionCookieOptions
} from '$lib/server/auth/cookies';
import * as leaderSessions from '$lib/server/auth/leader-sessions';
import * as sessions from '$lib/server/auth/sessions';
import { readConfig } from '$lib/server/config';
import {
	asUnavailable,
	DATABASE_UNAVAILABLE_MESSAGE,
	describeDatabaseError
} from '$lib/server/db/availability';

const config = readConfig();

/**
 * Requests that failed because the database was away (marked by handleError): their 500 is
 * turned into a 503 on the way out, so clients and load balancers know to try again.
 */
const failedForDatabase = new WeakSet<RequestEvent>();

async function resolveSession(event: RequestEvent, cookieName: string) {
	const token = event.cookies.get(cookieName);
	if (!token) return null;
	const validated = await sessions.validate(token);
	if (!validated) {
		// Tampered, expired, revoked or removed: treated as signed out.
		event.cookies.delete(cookieName, { path: '/' });
		return null;
	}
	if (validated.isRenewed) {
		event.cookies.set(
			cookieName,
			token,
			sessionCookieOptions(validated.actor.expiresAt, config.isSecure)
		);
	}
	return validated.actor;
}

/** A leader's session ends with its invitation (revoked or expired): then it is signed out. */
async function resolveLeader(event: RequestEvent) {
	const token = event.cookies.get(LEADER_COOKIE);
	if (!token) return null;
	const leader = await leaderSessions.validate(token);
	if (!leader) event.cookies.delete(LEADER_COOKIE, { path: '/' });
	return leader;
}

export const handle: Handle = async ({ event, resolve }) => {
	try {
		const account = await resolveSession(event, ACCOUNT_COOKIE);
		event.locals.account = account?.kind === 'account' ? account : null;
		const participant = await resolveSession(event, PARTICIPANT_COOKIE);
		event.locals.participant = participant?.kind === 'participant' ? participant : null;
		event.locals.leader = await resolveLeader(event);
	} catch (e) {
		// Without the database nobody's session can be checked: say so (503, JSON or the
		// error page), rather than fail as if something were broken.
		const unavailable = asUnavailable(e);
		if (!unavailable) throw e;
		console.error(
			`[database] ${event.request.method} ${event.url.pathname}: ${unavailable.message}`
		);
		error(503, DATABASE_UNAVAILABLE_MESSAGE);
	}

	// First line of defence for pages; every action and endpoint checks again (guards.ts).
	if (event.route.id?.startsWith('/(facilitator)')) {
		const actor = event.locals.account;
		if (!actor || !can(actor.role, 'workshop.list')) {
			redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
		}
	}

	let response = await resolve(event);
	if (response.status === 500 && failedForDatabase.has(event)) {
		response = new Response(response.body, {
			status: 503,
			statusText: 'Service Unavailable',
			headers: response.headers
		});
		response.headers.set('retry-after', '5');
	}
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'same-origin');
	return response;
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message };
	const unavailable = asUnavailable(error);
	if (unavailable) {
		failedForDatabase.add(event);
		console.error(
			`[database] ${event.request.method} ${event.url.pathname}: ${describeDatabaseError(error)}`
		);
		return { message: DATABASE_UNAVAILABLE_MESSAGE };
	}
	const errorId = randomUUID().slice(0, 8);
	console.error(`[error ${errorId}] ${event.request.method} ${event.url.pathname}`, error);
	return { message: 'Something went wrong on our side. Please try again.', errorId };
};
