/**
 * The device cookie: a random token a browser keeps for a long time, naming the device and
 * nothing else (it opens no session). The server keeps only its SHA-256:
 * - a device that signed in to an account with its password is throttled apart from
 *   everyone else guessing at that account (OWASP's "device cookies"), so a guesser cannot
 *   lock the owner out;
 * - a participant removed by the facilitator is refused on that device until let back in.
 *
 * Clearing cookies makes a new device; what this buys is that the ordinary path (the same
 * phone, the same browser) behaves as decided.
 */
import type { Cookies } from '@sveltejs/kit';
import { isSecureRequest } from './cookies';
import { generateToken, hashToken } from './tokens';

export const DEVICE_COOKIE = 'cg_device';
/** Browsers cap cookie lifetimes at 400 days. */
const DEVICE_LIFETIME_MS = 400 * 24 * 60 * 60 * 1000;

/** The SHA-256 of this browser's device cookie, or null when it has none (or a malformed one). */
export function deviceHash(cookies: Cookies): string | null {
	const token = cookies.get(DEVICE_COOKIE);
	return token && /^[a-z2-7]{32}$/.test(token) ? hashToken(token) : null;
}

/**
 * The device's hash, giving the browser a device cookie first if it has none; `Secure` follows
 * the request's scheme, as the session cookies do.
 */
export function ensureDevice({ cookies, url }: { cookies: Cookies; url: URL }): string {
	const known = deviceHash(cookies);
	if (known) return known;
	const token = generateToken();
	cookies.set(DEVICE_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: isSecureRequest(url),
		expires: new Date(Date.now() + DEVICE_LIFETIME_MS)
	});
	return hashToken(token);
}
