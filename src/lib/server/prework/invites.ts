/**
 * Personal pre-work links: mailed invitations and reminders (the token is stored only hashed,
 * and a new mail replaces the old link), and opening a link as the person it was sent to.
 */
import { and, eq, sql } from 'drizzle-orm';
import { generateToken, hashToken } from '../auth/tokens';
import { db } from '../db';
import { participant, preworkInvite, team } from '../db/schema';
import { newId } from '../ids';
import * as mail from '../mail';
import * as workshops from '../workshops';
import { RuleError } from '../rules';
import { prompts } from './opening';

/** The path of a personal pre-work link; the token is stored only hashed. */
export const linkPath = (token: string) => `/p/${token}`;

function invitationText(input: { workshop: string; link: string; isReminder: boolean }): string {
	return [
		input.isReminder
			? `A reminder: your team's pre-work for "${input.workshop}" is still waiting for your answers.`
			: `You are invited to answer a few questions before the workshop "${input.workshop}".`,
		'',
		'Answer on your phone, at your own pace. Only your team sees your answers until the facilitator shows them in the session.',
		'',
		input.link,
		'',
		'This link is personal: please do not forward it.'
	].join('\n');
}

/**
 * Mails a personal link to each address (a second invitation to the same address mails a new
 * link; the old one stops working). `teamId` gives them their team; null lets them pick.
 */
export async function invite(
	workshopId: string,
	emails: readonly string[],
	teamId: string | null,
	origin: string
): Promise<number> {
	if (!mail.isMailConfigured())
		throw new RuleError(
			'Mail is not configured on this server, so nothing can be mailed: copy the pre-work link and share it instead.',
			409
		);
	const found = await workshops.get(workshopId);
	if (!found) throw new RuleError('No such workshop.', 404);
	if (teamId && !(await workshops.teams(workshopId)).some((t) => t.id === teamId))
		throw new RuleError('That team is not part of this workshop.', 404);
	for (const email of emails) {
		const token = generateToken();
		await db()
			.insert(preworkInvite)
			.values({ id: newId(), workshopId, email, tokenHash: hashToken(token), teamId })
			.onConflictDoUpdate({
				target: [preworkInvite.workshopId, preworkInvite.email],
				set: { tokenHash: hashToken(token), teamId }
			});
		mail.sendLater(
			{
				to: email,
				subject: `Pre-work for ${found.title}`,
				text: invitationText({
					workshop: found.title,
					link: origin + linkPath(token),
					isReminder: false
				})
			},
			'prework invitation'
		);
	}
	return emails.length;
}

/**
 * Mails a reminder, with a fresh personal link, to every invited address whose person has
 * not answered every question (or not opened their link). Returns how many were mailed; the
 * facilitator learns the number, never the addresses.
 */
export async function remind(
	workshopId: string,
	origin: string
): Promise<{ isMailConfigured: false } | { isMailConfigured: true; mailed: number }> {
	if (!mail.isMailConfigured()) return { isMailConfigured: false };
	const found = await workshops.get(workshopId);
	if (!found) throw new RuleError('No such workshop.', 404);
	const total = (await prompts(workshopId)).length;
	const invites = await db()
		.select({
			id: preworkInvite.id,
			email: preworkInvite.email,
			answers: sql<number>`(select count(*)::int from "prework_answer" a where a."participant_id" = "prework_invite"."participant_id")`
		})
		.from(preworkInvite)
		.where(eq(preworkInvite.workshopId, workshopId));
	let mailed = 0;
	for (const row of invites) {
		if (row.answers >= total) continue;
		const token = generateToken();
		await db()
			.update(preworkInvite)
			.set({ tokenHash: hashToken(token) })
			.where(eq(preworkInvite.id, row.id));
		mail.sendLater(
			{
				to: row.email,
				subject: `Reminder: pre-work for ${found.title}`,
				text: invitationText({
					workshop: found.title,
					link: origin + linkPath(token),
					isReminder: true
				})
			},
			'prework reminder'
		);
		mailed++;
	}
	return { isMailConfigured: true, mailed };
}

export interface OpenedInvite {
	id: string;
	workshopId: string;
	teamId: string | null;
	participantId: string | null;
}

export async function findInvite(token: string): Promise<OpenedInvite | null> {
	if (!/^[a-z2-7]{16,64}$/.test(token)) return null;
	const [row] = await db()
		.select({
			id: preworkInvite.id,
			workshopId: preworkInvite.workshopId,
			teamId: preworkInvite.teamId,
			participantId: preworkInvite.participantId,
			removedAt: participant.removedAt
		})
		.from(preworkInvite)
		.leftJoin(participant, eq(participant.id, preworkInvite.participantId))
		.where(eq(preworkInvite.tokenHash, hashToken(token)));
	if (!row) return null;
	return {
		id: row.id,
		workshopId: row.workshopId,
		teamId: row.teamId,
		participantId: row.participantId
	};
}

/** The invitation became this participant: the link resumes as them from now on. */
export async function bindInvite(inviteId: string, participantId: string): Promise<void> {
	await db().update(preworkInvite).set({ participantId }).where(eq(preworkInvite.id, inviteId));
}

/** Whether the team exists in the workshop (an invitation's team may since have gone). */
export async function teamOf(workshopId: string, teamId: string | null) {
	if (!teamId) return null;
	const [row] = await db()
		.select()
		.from(team)
		.where(and(eq(team.id, teamId), eq(team.workshopId, workshopId)));
	return row ?? null;
}
