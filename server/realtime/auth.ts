/**
 * Who is behind an upgrade request, and whether they belong to the workshop of the document.
 * SvelteKit's hooks do not run for WebSocket upgrades, so the session cookies are read and
 * validated here with the same session module.
 */
import { and, eq } from 'drizzle-orm';
import type { Member } from '../../src/lib/collab/access';
import type { DocAddress } from '../../src/lib/collab/doc-names';
import { can } from '../../src/lib/domain/permissions';
import {
	parseCookieHeader,
	sessionCookieName,
	sessionCookieOptions
} from '../../src/lib/server/auth/cookies';
import * as leaderSessions from '../../src/lib/server/auth/leader-sessions';
import { NOT_ADMITTED } from '../../src/lib/server/admission';
import * as sessions from '../../src/lib/server/auth/sessions';
import * as stages from '../../src/lib/server/stages';
import { db } from '../../src/lib/server/db';
import { team } from '../../src/lib/server/db/schema';
import { isFirmWorkshop } from '../../src/lib/server/firms';
import * as workshops from '../../src/lib/server/workshops';

/** One way a request belongs to the workshop (a browser may carry both cookies). */
export interface Membership {
	member: Member;
	sessionId: string;
	participantId: string | null;
	displayName: string;
}

export type Authentication =
	| { ok: true; memberships: Membership[]; setCookies: string[] }
	| { ok: false; status: 401 | 403; message: string };

export async function authenticate(
	cookieHeader: string | undefined,
	address: DocAddress,
	isSecure: boolean
): Promise<Authentication> {
	const cookies = parseCookieHeader(cookieHeader);
	const setCookies: string[] = [];
	const actors: sessions.Actor[] = [];
	for (const name of [
		sessionCookieName('account', isSecure),
		sessionCookieName('participant', isSecure)
	]) {
		const token = cookies.get(name);
		if (!token) continue;
		const validated = await sessions.validate(token);
		if (!validated) continue;
		actors.push(validated.actor);
		// The session slid forward; the browser only learns the new expiry from a cookie.
		if (validated.isRenewed) {
			setCookies.push(serializeCookie(name, token, validated.actor.expiresAt, isSecure));
		}
	}
	// A leader's session reads the one workshop its invitation is for (room and boards, read-only).
	const leaderToken = cookies.get(sessionCookieName('leader', isSecure));
	const leader = leaderToken ? await leaderSessions.validate(leaderToken) : null;
	if (actors.length === 0 && !leader) {
		return { ok: false, status: 401, message: 'Sign in or join the workshop first.' };
	}

	const memberships: Membership[] = [];
	let isWaiting = false;
	for (const actor of actors) {
		if (actor.kind === 'participant') {
			if (actor.participant.workshopId !== address.workshopId) continue;
			// Someone waiting to be let in sees nothing of the room: not its stage, not its boards.
			if (!actor.participant.isAdmitted) {
				isWaiting = true;
				continue;
			}
			memberships.push({
				member: { role: actor.role, teamId: actor.participant.teamId },
				sessionId: actor.sessionId,
				participantId: actor.participant.id,
				displayName: actor.participant.displayName
			});
		} else if (can(actor.role, 'workshop.manage')) {
			const found = await workshops.get(address.workshopId);
			if (!isFirmWorkshop(actor, found)) continue;
			memberships.push({
				member: { role: actor.role, teamId: null },
				sessionId: actor.sessionId,
				participantId: null,
				displayName: actor.account.name
			});
		}
	}
	if (leader && leader.invite.workshopId === address.workshopId && can(leader.role, 'room.read')) {
		memberships.push({
			member: { role: leader.role, teamId: null },
			sessionId: leader.sessionId,
			participantId: null,
			displayName: `${leader.invite.name}, ${leader.invite.title}`
		});
	}
	if (memberships.length === 0) {
		if (isWaiting) return { ok: false, status: 403, message: NOT_ADMITTED };
		return { ok: false, status: 403, message: 'Your session does not belong to this workshop.' };
	}

	return { ok: true, memberships, setCookies };
}

/**
 * The memberships a projector window connects with: the facilitator's, each narrowed to the
 * shared screen's role, which receives no board hidden from the projector and no team's
 * private board. Anyone else asking for the projector's view is left with none.
 */
export function asSharedScreen(memberships: Membership[]): Membership[] {
	return memberships
		.filter((m) => can(m.member.role, 'projector.run'))
		.map((m) => ({ ...m, member: { role: 'projector', teamId: null } }));
}

/**
 * Whether the stage (and team) a board name mentions exist in the workshop: only the
 * workshop's own stages have boards, so a client cannot make up documents to fill.
 */
export async function isExistingBoard(address: DocAddress): Promise<boolean> {
	if (address.kind === 'room') return true;
	if (!(await stages.get(address.workshopId, address.stageKey))) return false;
	if (address.kind === 'stage') return true;
	const [found] = await db()
		.select({ id: team.id })
		.from(team)
		.where(and(eq(team.id, address.teamId), eq(team.workshopId, address.workshopId)))
		.limit(1);
	return found !== undefined;
}

function serializeCookie(name: string, token: string, expires: Date, isSecure: boolean): string {
	const options = sessionCookieOptions(expires, isSecure);
	return (
		`${name}=${encodeURIComponent(token)}; Path=${options.path}; Expires=${expires.toUTCString()}` +
		`; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}`
	);
}

/**
 * The Origin check SvelteKit's CSRF protection does not do for WebSockets: with ORIGIN set
 * the page must come from there; without it, from the host the request was sent to.
 */
export function isAllowedOrigin(
	origin: string | undefined,
	host: string | undefined,
	configured: string | undefined
): boolean {
	if (!origin) return false;
	if (configured) return origin === configured;
	if (!host) return false;
	try {
		const url = new URL(origin);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
	} catch {
		return false;
	}
}
