/**
 * Pre-work: questions each team answers on its phones, at its own pace, days before the live
 * session. An answer is a card on the stage's *team* board, the board private writing uses:
 * opening pre-work starts a private round on every stage that asks something, so the
 * realtime server keeps each team's answers from every other team (src/lib/collab/access.ts)
 * until the facilitator presses "Reveal" in the session, which merges the team boards into
 * the stage board as it does for any private round.
 *
 * Who answered is stored (to count completion per team and to remind by mail), never shown:
 * the facilitator gets counts, and the answers carry only their team, like every card.
 */
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { addCard, cardsOf, readCard } from '../collab/cards';
import { teamDocName } from '../collab/doc-names';
import type { StageKind } from '../domain/template';
import { generateToken, hashToken } from './auth/tokens';
import { db } from './db';
import {
	participant,
	prework,
	preworkAnswer,
	preworkInvite,
	preworkPrompt,
	team
} from './db/schema';
import { newId } from './ids';
import * as mail from './mail';
import * as projector from './projector';
import * as rooms from './rooms';
import * as stages from './stages';
import * as workshops from './workshops';

/** The questions a new pre-work starts with, by the kind of stage that asks them. */
export const DEFAULT_PROMPTS: Partial<Record<StageKind, readonly string[]>> = {
	'focus-value': ['A recent lost deal and why'],
	'shared-terms': ['How does your team define an MQL today?'],
	barriers: ['Your top three frustrations with the other team']
};

export class PreworkError extends Error {
	override name = 'PreworkError';
	constructor(
		message: string,
		readonly status: 400 | 403 | 404 | 409
	) {
		super(message);
	}
}

export const PREWORK_CLOSED =
	'The facilitator has closed the pre-work, so answers are no longer taken. Your answer is still here: bring it to the session.';
export const PREWORK_NOT_OPEN = 'The facilitator has not opened the pre-work yet.';
export const PREWORK_REVEALED =
	'The facilitator has already shown this stage’s pre-work in the room, so it takes no more answers.';

export type PreworkStatus = 'not-opened' | 'open' | 'closed';

export interface Prompt {
	id: string;
	stageKey: string;
	stageTitle: string;
	text: string;
}

export async function status(workshopId: string): Promise<PreworkStatus> {
	const [row] = await db().select().from(prework).where(eq(prework.workshopId, workshopId));
	if (!row) return 'not-opened';
	return row.closedAt ? 'closed' : 'open';
}

/** The questions, in the order of the stages and then as typed. */
export async function prompts(workshopId: string): Promise<Prompt[]> {
	const [rows, stageRows] = await Promise.all([
		db()
			.select()
			.from(preworkPrompt)
			.where(eq(preworkPrompt.workshopId, workshopId))
			.orderBy(asc(preworkPrompt.position)),
		stages.list(workshopId)
	]);
	const result: Prompt[] = [];
	for (const stage of stageRows) {
		for (const row of rows.filter((r) => r.stageKey === stage.key)) {
			result.push({ id: row.id, stageKey: stage.key, stageTitle: stage.title, text: row.text });
		}
	}
	return result;
}

/** The questions the form starts with: those saved, or else the defaults for each stage. */
export async function draftPrompts(workshopId: string): Promise<Record<string, string[]>> {
	const [saved, stageRows, current] = await Promise.all([
		prompts(workshopId),
		stages.list(workshopId),
		status(workshopId)
	]);
	const byStage: Record<string, string[]> = {};
	for (const stage of stageRows) {
		const own = saved.filter((p) => p.stageKey === stage.key).map((p) => p.text);
		byStage[stage.key] = current === 'not-opened' ? [...(DEFAULT_PROMPTS[stage.kind] ?? [])] : own;
	}
	return byStage;
}

/**
 * Saves the questions (stage key → questions) and opens the pre-work, or opens it again once
 * closed. A question that is kept word for word keeps its answers; one with answers cannot be
 * dropped (its answers are on the teams' boards). Every stage that asks something starts a
 * private round, unless it is in one already.
 */
export async function open(workshopId: string, byStage: Record<string, string[]>): Promise<void> {
	const stageRows = await stages.list(workshopId);
	const known = new Set(stageRows.map((s) => s.key));
	for (const key of Object.keys(byStage)) {
		if (!known.has(key)) throw new PreworkError('This workshop has no such stage.', 404);
	}
	const wanted = stageRows.flatMap((s) =>
		(byStage[s.key] ?? []).map((text) => ({ stageKey: s.key, text }))
	);
	if (wanted.length === 0)
		throw new PreworkError('Ask at least one question before opening the pre-work.', 400);
	const asking = [...new Set(wanted.map((w) => w.stageKey))];
	for (const key of asking) {
		const state = await rooms.stageState(workshopId, key);
		if (!state.privateWrite && state.revealedAt !== null) {
			// Starting a private round again would hide nothing already revealed, but answers
			// would arrive after the room saw the board: say so rather than mix the two.
			const title = stageRows.find((s) => s.key === key)?.title ?? key;
			throw new PreworkError(
				`${title} was already revealed in the room; ask its questions on another stage.`,
				409
			);
		}
	}
	await db().transaction(async (tx) => {
		const existing = await tx
			.select({
				id: preworkPrompt.id,
				stageKey: preworkPrompt.stageKey,
				text: preworkPrompt.text,
				// Named in full: inside the subquery an unqualified column would be prework_answer's.
				answers: sql<number>`(select count(*)::int from "prework_answer" a where a."prompt_id" = "prework_prompt"."id")`
			})
			.from(preworkPrompt)
			.where(eq(preworkPrompt.workshopId, workshopId));
		const keep = new Set<string>();
		let position = 0;
		for (const w of wanted) {
			const same = existing.find(
				(e) => e.stageKey === w.stageKey && e.text === w.text && !keep.has(e.id)
			);
			if (same) {
				keep.add(same.id);
				await tx.update(preworkPrompt).set({ position }).where(eq(preworkPrompt.id, same.id));
			} else {
				await tx.insert(preworkPrompt).values({ id: newId(), workshopId, ...w, position });
			}
			position++;
		}
		const dropped = existing.filter((e) => !keep.has(e.id));
		const answered = dropped.find((e) => e.answers > 0);
		if (answered) {
			throw new PreworkError(
				`“${answered.text}” already has answers, so it stays. Change the other questions.`,
				409
			);
		}
		if (dropped.length)
			await tx.delete(preworkPrompt).where(
				inArray(
					preworkPrompt.id,
					dropped.map((d) => d.id)
				)
			);
		await tx
			.insert(prework)
			.values({ workshopId })
			.onConflictDoUpdate({ target: prework.workshopId, set: { closedAt: null } });
	});
	for (const key of asking) {
		const state = await rooms.stageState(workshopId, key);
		if (!state.privateWrite) await rooms.setPrivateWrite(workshopId, key, true);
		await projector.refreshUnrevealed(workshopId, key);
	}
}

export async function close(workshopId: string): Promise<boolean> {
	const rows = await db()
		.update(prework)
		.set({ closedAt: new Date() })
		.where(and(eq(prework.workshopId, workshopId), isNull(prework.closedAt)))
		.returning({ workshopId: prework.workshopId });
	return rows.length > 0;
}

export interface Answerer {
	participantId: string;
	workshopId: string;
	teamId: string;
}

/**
 * Saves a participant's answer to one question (a second answer replaces the first): on their
 * team's board for that stage, as a note carrying the question.
 */
export async function answer(who: Answerer, promptId: string, text: string): Promise<void> {
	const [prompt] = await db()
		.select()
		.from(preworkPrompt)
		.where(and(eq(preworkPrompt.id, promptId), eq(preworkPrompt.workshopId, who.workshopId)));
	if (!prompt)
		throw new PreworkError('That question is not part of this workshop’s pre-work.', 404);
	const current = await status(who.workshopId);
	if (current === 'not-opened') throw new PreworkError(PREWORK_NOT_OPEN, 409);
	if (current === 'closed') throw new PreworkError(PREWORK_CLOSED, 409);
	const state = await rooms.stageState(who.workshopId, prompt.stageKey);
	if (!state.privateWrite) throw new PreworkError(PREWORK_REVEALED, 409);

	const [previous] = await db()
		.select({ cardId: preworkAnswer.cardId })
		.from(preworkAnswer)
		.where(
			and(eq(preworkAnswer.promptId, promptId), eq(preworkAnswer.participantId, who.participantId))
		);
	const docName = teamDocName(who.workshopId, prompt.stageKey, who.teamId);
	const cardId = previous?.cardId ?? newId();
	await rooms.change(docName, (doc) => {
		const item = cardsOf(doc).get(cardId);
		if (item) {
			item.set('text', text);
			return;
		}
		let position = 0;
		cardsOf(doc).forEach((card) => {
			const p = card.get('position');
			if (typeof p === 'number' && p >= position) position = p + 1;
		});
		addCard(doc, {
			id: cardId,
			type: 'note',
			text,
			teamId: who.teamId,
			createdAt: Date.now(),
			position,
			prompt: prompt.text
		});
	});
	await db()
		.insert(preworkAnswer)
		.values({ promptId, participantId: who.participantId, workshopId: who.workshopId, cardId })
		.onConflictDoUpdate({
			target: [preworkAnswer.promptId, preworkAnswer.participantId],
			set: { cardId, updatedAt: new Date() }
		});
	await projector.refreshUnrevealed(who.workshopId, prompt.stageKey);
}

/** A participant's own answers (question id → text), read from their team's boards. */
export async function answersOf(who: Answerer): Promise<Record<string, string>> {
	const rows = await db()
		.select({
			promptId: preworkAnswer.promptId,
			cardId: preworkAnswer.cardId,
			stageKey: preworkPrompt.stageKey
		})
		.from(preworkAnswer)
		.innerJoin(preworkPrompt, eq(preworkPrompt.id, preworkAnswer.promptId))
		.where(
			and(
				eq(preworkAnswer.participantId, who.participantId),
				eq(preworkAnswer.workshopId, who.workshopId)
			)
		);
	const result: Record<string, string> = {};
	for (const row of rows) {
		const text = await rooms.read(teamDocName(who.workshopId, row.stageKey, who.teamId), (doc) =>
			readCardText(doc, row.cardId)
		);
		if (text !== null) result[row.promptId] = text;
	}
	return result;
}

function readCardText(doc: Y.Doc, cardId: string): string | null {
	const item = cardsOf(doc).get(cardId);
	return item ? readCard(cardId, item).text : null;
}

export interface TeamCompletion {
	teamId: string;
	name: string;
	colour: string;
	/** People of the team in the workshop (admitted, not removed). */
	people: number;
	/** Of them, how many answered every question, and how many some. */
	answeredAll: number;
	answeredSome: number;
}

/** Completion per team, as counts: nobody's name, so nobody is singled out. */
export async function completion(workshopId: string): Promise<{
	teams: TeamCompletion[];
	prompts: number;
	invited: number;
	invitedNotOpened: number;
}> {
	const [teamRows, promptRows, people, invites] = await Promise.all([
		workshops.teams(workshopId),
		db()
			.select({ id: preworkPrompt.id })
			.from(preworkPrompt)
			.where(eq(preworkPrompt.workshopId, workshopId)),
		db()
			.select({
				teamId: participant.teamId,
				answers: sql<number>`(select count(*)::int from "prework_answer" a where a."participant_id" = "participant"."id")`
			})
			.from(participant)
			.where(
				and(
					eq(participant.workshopId, workshopId),
					isNull(participant.removedAt),
					isNotNull(participant.admittedAt)
				)
			),
		db()
			.select({ participantId: preworkInvite.participantId })
			.from(preworkInvite)
			.where(eq(preworkInvite.workshopId, workshopId))
	]);
	const total = promptRows.length;
	return {
		prompts: total,
		invited: invites.length,
		invitedNotOpened: invites.filter((i) => i.participantId === null).length,
		teams: teamRows.map((t) => {
			const own = people.filter((p) => p.teamId === t.id);
			return {
				teamId: t.id,
				name: t.name,
				colour: t.colour,
				people: own.length,
				answeredAll: own.filter((p) => total > 0 && p.answers >= total).length,
				answeredSome: own.filter((p) => p.answers > 0 && p.answers < total).length
			};
		})
	};
}

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
		throw new PreworkError(
			'Mail is not configured on this server, so nothing can be mailed: copy the pre-work link and share it instead.',
			409
		);
	const found = await workshops.get(workshopId);
	if (!found) throw new PreworkError('No such workshop.', 404);
	if (teamId && !(await workshops.teams(workshopId)).some((t) => t.id === teamId))
		throw new PreworkError('That team is not part of this workshop.', 404);
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
	if (!found) throw new PreworkError('No such workshop.', 404);
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
