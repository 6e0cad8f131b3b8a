import type { Cookies } from '@sveltejs/kit';
import { readConfig } from '../config';
import { ACCOUNT_COOKIE, PARTICIPANT_COOKIE, sessionCookieOptions } from './cookies';
import * as sessions from './sessions';

const { isSecure } = readConfig();

/** Starts a session and hands its token to the browser in an httpOnly cookie. */
export async function startSession(
	cookies: Cookies,
	subject: { accountId: string } | { participantId: string }
): Promise<void> {
	const { token, expiresAt } = await sessions.create(subject);
	const name = 'accountId' in subject ? ACCOUNT_COOKIE : PARTICIPANT_COOKIE;
	cookies.set(name, token, sessionCookieOptions(expiresAt, isSecure));
}

export async function endSession(
	cookies: Cookies,
	sessionId: string | undefined,
	kind: 'account' | 'participant'
) {
	if (sessionId) await sessions.revoke(sessionId);
	cookies.delete(kind === 'account' ? ACCOUNT_COOKIE : PARTICIPANT_COOKIE, { path: '/' });
}

/** Only same-site paths are followed after sign-in, never another origin. */
export function safeNext(next: string | null, fallback: string): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
		return fallback;
	return next;
}
