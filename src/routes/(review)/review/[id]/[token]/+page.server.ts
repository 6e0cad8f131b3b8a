import { error, redirect } from '@sveltejs/kit';
import { isSecureRequest, sessionCookieName, sessionCookieOptions } from '$lib/server/auth/cookies';
import * as leaderSessions from '$lib/server/auth/leader-sessions';
import * as leaders from '$lib/server/charter/leaders';
import type { PageServerLoad } from './$types';

/**
 * A leader's personal link: checks it, opens a session bound to this one invitation (which
 * also remembers the links this browser opened before), and goes to the charter. The link keeps working until it expires or is withdrawn, so a leader
 * can open it again on another device.
 */
export const load: PageServerLoad = async ({ params, cookies, locals, url }) => {
	const checked = await leaders.checkLink(params.id, params.token);
	if (!checked.ok) error(checked.status, checked.message);
	if (locals.leader?.invite.id !== checked.invite.id) {
		// The browser keeps what it proved before: its earlier links stay on its overview.
		const { token, expiresAt } = await leaderSessions.create(
			checked.invite,
			locals.leader ?? undefined
		);
		const isSecure = isSecureRequest(url);
		cookies.set(
			sessionCookieName('leader', isSecure),
			token,
			sessionCookieOptions(expiresAt, isSecure)
		);
	}
	redirect(303, `/charters/${params.id}`);
};
