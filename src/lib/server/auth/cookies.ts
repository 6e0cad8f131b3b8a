/**
 * Cookie names and options in one place: SvelteKit's hooks set them and the realtime
 * upgrade in server/ reads them.
 */
export const ACCOUNT_COOKIE = 'cg_session';
export const PARTICIPANT_COOKIE = 'cg_participant';
/** A leader's review session, opened by their personal link (leader-sessions.ts). */
export const LEADER_COOKIE = 'cg_leader';

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
