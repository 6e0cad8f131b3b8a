import type { Cookies } from '@sveltejs/kit';
import {
	clearedCookieOptions,
	isSecureRequest,
	sessionCookieName,
	sessionCookieOptions
} from './cookies';
import * as sessions from './sessions';

/** The request a session cookie is set on: its scheme decides the cookie's name and `Secure`. */
export interface CookieRequest {
	cookies: Cookies;
	url: URL;
}

/** Starts a session and hands its token to the browser in an httpOnly cookie. */
export async function startSession(
	{ cookies, url }: CookieRequest,
	subject: { accountId: string } | { participantId: string }
): Promise<void> {
	const { token, expiresAt } = await sessions.create(subject);
	const isSecure = isSecureRequest(url);
	const name = sessionCookieName('accountId' in subject ? 'account' : 'participant', isSecure);
	cookies.set(name, token, sessionCookieOptions(expiresAt, isSecure));
}

export async function endSession(
	{ cookies, url }: CookieRequest,
	sessionId: string | undefined,
	kind: 'account' | 'participant'
) {
	if (sessionId) await sessions.revoke(sessionId);
	const isSecure = isSecureRequest(url);
	cookies.delete(sessionCookieName(kind, isSecure), clearedCookieOptions(isSecure));
}

/** Only same-site paths are followed after sign-in, never another origin. */
export function safeNext(next: string | null, fallback: string): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
		return fallback;
	return next;
}
