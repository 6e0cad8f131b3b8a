import type { Handle, HandleServerError, RequestEvent } from '@sveltejs/kit';
import { redirect } from '@sveltejs/kit';
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

const config = readConfig();

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
	const account = await resolveSession(event, ACCOUNT_COOKIE);
	event.locals.account = account?.kind === 'account' ? account : null;
	const participant = await resolveSession(event, PARTICIPANT_COOKIE);
	event.locals.participant = participant?.kind === 'participant' ? participant : null;
	event.locals.leader = await resolveLeader(event);

	// First line of defence for pages; every action and endpoint checks again (guards.ts).
	if (event.route.id?.startsWith('/(facilitator)')) {
		const actor = event.locals.account;
		if (!actor || !can(actor.role, 'workshop.list')) {
			redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
		}
	}

	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'same-origin');
	return response;
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message };
	const errorId = randomUUID().slice(0, 8);
	console.error(`[error ${errorId}] ${event.request.method} ${event.url.pathname}`, error);
	return { message: 'Something went wrong on our side. Please try again.', errorId };
};
