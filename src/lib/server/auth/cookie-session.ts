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

/**
 * Where to go after signing in: `next` only when it is a path of this app, else `fallback`.
 * It is resolved the way a browser resolves a Location header (WHATWG URL: tabs and newlines
 * dropped, a backslash read as a slash), so `/\t/evil.example` or `/\\evil.example`, which a
 * browser would take to another site, are refused rather than passed on. Only the resolved
 * path, query and fragment are returned, and never one a browser would read as a host.
 */
export function safeNext(next: string | null, origin: string, fallback: string): string {
	if (!next || !next.startsWith('/')) return fallback;
	// Control characters and backslashes have no place in a path the app made itself.
	// eslint-disable-next-line no-control-regex -- exactly these are what is refused
	if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
	let resolved: URL;
	try {
		resolved = new URL(next, origin);
	} catch {
		return fallback;
	}
	if (resolved.origin !== new URL(origin).origin) return fallback;
	const path = resolved.pathname + resolved.search + resolved.hash;
	if (!path.startsWith('/') || path.startsWith('//')) return fallback;
	return path;
}
