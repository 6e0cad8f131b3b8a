/**
 * Cookie names and options in one place: SvelteKit's hooks set them and the realtime
 * upgrade in server/ reads them.
 *
 * Over https a session cookie is `Secure` and named with the `__Host-` prefix: browsers only
 * accept such a cookie from a secure page of this very host, with `Path=/` and no `Domain`,
 * so a neighbouring subdomain (or a plain-http page on the network) cannot plant a session of
 * its own in the victim's browser. Whether a request is https is the request's own scheme as
 * SvelteKit sees it: ORIGIN when set, otherwise the proxy's PROTOCOL_HEADER.
 */
export type SessionKind = 'account' | 'participant' | 'leader';

const BASE_NAMES: Record<SessionKind, string> = {
	account: 'cg_session',
	participant: 'cg_participant',
	/** A leader's review session, opened by their personal link (leader-sessions.ts). */
	leader: 'cg_leader'
};

/** The cookie holding a session of `kind`: `__Host-cg_session` over https, `cg_session` over http. */
export function sessionCookieName(kind: SessionKind, isSecure: boolean): string {
	return isSecure ? `__Host-${BASE_NAMES[kind]}` : BASE_NAMES[kind];
}

/** The names over plain http (tests and tools that speak http to the app). */
export const ACCOUNT_COOKIE = BASE_NAMES.account;
export const PARTICIPANT_COOKIE = BASE_NAMES.participant;
export const LEADER_COOKIE = BASE_NAMES.leader;

/** Whether a request came over https, from its URL as SvelteKit builds it. */
export function isSecureRequest(url: URL): boolean {
	return url.protocol === 'https:';
}

export interface CookieOptions {
	path: string;
	httpOnly: boolean;
	sameSite: 'lax';
	secure: boolean;
	expires: Date;
}

export function sessionCookieOptions(expires: Date, secure: boolean): CookieOptions {
	return { path: '/', httpOnly: true, sameSite: 'lax', secure, expires };
}

/** Options that clear a session cookie (a `__Host-` cookie is only replaced by a Secure one). */
export function clearedCookieOptions(secure: boolean): { path: string; secure: boolean } {
	return { path: '/', secure };
}

/** Minimal Cookie header parser for requests that do not pass through SvelteKit. */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
	const cookies = new Map<string, string>();
	if (!header) return cookies;
	for (const part of header.split(';')) {
		const index = part.indexOf('=');
		if (index < 0) continue;
		const name = part.slice(0, index).trim();
		const value = part.slice(index + 1).trim();
		if (!name || cookies.has(name)) continue;
		try {
			cookies.set(name, decodeURIComponent(value));
		} catch {
			cookies.set(name, value);
		}
	}
	return cookies;
}
