/**
 * Review sessions: months after signing, the room checks whether the charter still holds.
 *
 * A review session is its own record on the charter's workshop, not a new workshop: the
 * people who agreed the charter are that workshop's participants and teams, so its pulses are
 * polls of kind `pulse` there, with the polls' voting tokens (one key per poll and team), the
 * casts without a session, the turnout and the k rule of `publishResult`. Phones see them as
 * they see any open poll. A pulse's reason travels inside the anonymous ballot (the `reason`
 * column next to the choice, under the token's tracker, never a participant), and leaves the
 * server only in the published result: sorted, and only when k or more voted. Sent any other
 * way (with the session), a reason would name its author.
 *
 * Rules, each refused with words and nothing changed:
 * - a review starts from a charter whose current version every invited leader signed;
 * - one review open at a time; a closed review takes no pulse (the polls refuse the cast);
 * - an amendment edits the version the review reviewed, and only while it is the current one.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { nextReviewDate, type CharterContent } from '../domain/charter/content';
import { PULSE_OPTIONS, type PublishedResult } from '../domain/polls';
import * as charters from './charter';
import { CharterRuleError } from './charter';
import * as clock from './clock';
import { db } from './db';
import {
	account,
	charter,
	poll,
	reviewClause,
	reviewSchedule,
	reviewSession,
	workshop
} from './db/schema';
import { newId } from './ids';
import { moduleLogger } from './logger';
import * as mail from './mail';
import * as polls from './polls';

const log = moduleLogger('reviews');

export type ReviewSession = typeof reviewSession.$inferSelect;

export interface ClausePulse {
	clauseId: string;
	sectionKey: string;
	text: string;
	pollId: string;
	pollStatus: string;
	/** The published result once the review is closed (counts null below k voters). */
	result: PublishedResult | null;
	proposedText: string | null;
}

function monthOf(at: Date): string {
	return at.toISOString().slice(0, 7);
}

/**
 * Starts a review of the charter's current version, which every invited leader has signed:
 * one pulse per clause (every clause, or the ones the facilitator chose), opened at once so
 * phones can answer.
 */
export async function start(
	workshopId: string,
	options: { clauseIds?: string[] } = {}
): Promise<ReviewSession> {
	const currentVersion = await charters.current(workshopId);
	if (!currentVersion) {
		throw new CharterRuleError(
			'A review starts from a signed charter: this charter has not been published yet.',
			409
		);
	}
	const signed = await charters.latestSigned(workshopId);
	if (!signed || signed.id !== currentVersion.id) {
		throw new CharterRuleError(
			`A review starts from a signed charter: version ${currentVersion.number} is not signed by every leader yet.`,
			409
		);
	}
	const every = signed.content.sections.flatMap((section) =>
		section.items.map((item) => ({ section, item }))
	);
	const wanted = options.clauseIds && new Set(options.clauseIds);
	if (wanted && [...wanted].some((clauseId) => !every.some((c) => c.item.id === clauseId))) {
		throw new CharterRuleError(
			`One of the clauses is not in version ${signed.number} of the charter.`,
			400
		);
	}
	const chosen = wanted ? every.filter((c) => wanted.has(c.item.id)) : every;
	if (chosen.length === 0) throw new CharterRuleError('Choose at least one clause to pulse.', 400);
	const [open] = await db()
		.select({ id: reviewSession.id })
		.from(reviewSession)
		.where(and(eq(reviewSession.workshopId, workshopId), eq(reviewSession.status, 'open')));
	if (open) {
		throw new CharterRuleError('A review of this charter is already open: close it first.', 409);
	}
	const [last] = await db()
		.select({ number: reviewSession.number })
		.from(reviewSession)
		.where(eq(reviewSession.workshopId, workshopId))
		.orderBy(desc(reviewSession.number))
		.limit(1);
	const startedAt = clock.now();
	const id = newId();
	const [session] = await db()
		.insert(reviewSession)
		.values({
			id,
			workshopId,
			versionId: signed.id,
			number: (last?.number ?? 0) + 1,
			period: monthOf(startedAt),
			startedAt
		})
		.returning();
	// Each pulse makes a key per team (blind RSA); the keys are made side by side.
	const made = await Promise.all(
		chosen.map(async ({ section, item }, position) => ({
			values: {
				reviewId: id,
				clauseId: item.id,
				sectionKey: section.key,
				text: item.text,
				position,
				pollId: await polls.createPulse(workshopId, { question: item.text, clauseId: item.id })
			}
		}))
	);
	for (const { values } of made) {
		await db().insert(reviewClause).values(values);
		await polls.advance(workshopId, values.pollId, 'open');
	}
	return session!;
}

async function find(workshopId: string, reviewId: string): Promise<ReviewSession> {
	const [row] = await db()
		.select()
		.from(reviewSession)
		.where(and(eq(reviewSession.id, reviewId), eq(reviewSession.workshopId, workshopId)));
	if (!row) throw new CharterRuleError('This charter has no such review session.', 404);
	return row;
}

export async function list(workshopId: string): Promise<ReviewSession[]> {
	return db()
		.select()
		.from(reviewSession)
		.where(eq(reviewSession.workshopId, workshopId))
		.orderBy(asc(reviewSession.number));
}

export async function clauses(reviewId: string): Promise<ClausePulse[]> {
	const rows = await db()
		.select({ clause: reviewClause, status: poll.status, result: poll.result })
		.from(reviewClause)
		.innerJoin(poll, eq(poll.id, reviewClause.pollId))
		.where(eq(reviewClause.reviewId, reviewId))
		.orderBy(asc(reviewClause.position));
	return rows.map(({ clause, status, result }) => ({
		clauseId: clause.clauseId,
		sectionKey: clause.sectionKey,
		text: clause.text,
		pollId: clause.pollId,
		pollStatus: status,
		result: status === 'revealed' ? (result ?? null) : null,
		proposedText: clause.proposedText
	}));
}

/** A review with its clauses' pulses and the measures' actuals. */
export async function get(workshopId: string, reviewId: string) {
	const session = await find(workshopId, reviewId);
	const [version, followUp] = await Promise.all([
		charters.version(session.versionId),
		charters.followUp(workshopId)
	]);
	return {
		session,
		version: version!,
		isCurrentVersion: !version?.supersededAt,
		clauses: await clauses(session.id),
		measures: followUp?.measures ?? []
	};
}

/** Closes the review: every pulse is closed and revealed; no pulse is taken after this. */
export async function close(workshopId: string, reviewId: string): Promise<ReviewSession> {
	const session = await find(workshopId, reviewId);
	if (session.status === 'closed') {
		throw new CharterRuleError('This review is already closed.', 409);
	}
	for (const c of await clauses(reviewId)) {
		if (c.pollStatus === 'draft' || c.pollStatus === 'open') {
			if (c.pollStatus === 'draft') await polls.advance(workshopId, c.pollId, 'open');
			await polls.advance(workshopId, c.pollId, 'close');
		}
		if (c.pollStatus !== 'revealed') await polls.advance(workshopId, c.pollId, 'reveal');
	}
	const [row] = await db()
		.update(reviewSession)
		.set({ status: 'closed', closedAt: clock.now() })
		.where(eq(reviewSession.id, reviewId))
		.returning();
	return row!;
}

/** Marks a clause for change with the wording the room proposes, or takes the mark off (null). */
export async function mark(
	workshopId: string,
	reviewId: string,
	clauseId: string,
	proposedText: string | null
): Promise<void> {
	await find(workshopId, reviewId);
	const updated = await db()
		.update(reviewClause)
		.set({ proposedText })
		.where(and(eq(reviewClause.reviewId, reviewId), eq(reviewClause.clauseId, clauseId)))
		.returning({ clauseId: reviewClause.clauseId });
	if (updated.length === 0) throw new CharterRuleError('This review has no such clause.', 404);
}

/**
 * The amendment: the reviewed version with the marked clauses reworded becomes the draft
 * (the facilitator's other unpublished edits give way to it), and, when asked, is published
 * as the next version, which the leaders sign as any version. Refused when `versionId` is
 * not the reviewed version or that version has been superseded.
 */
export async function amend(
	workshopId: string,
	reviewId: string,
	input: { versionId: string; publish: boolean },
	actor: string
): Promise<{ draft: CharterContent; published: charters.Version | null }> {
	const session = await find(workshopId, reviewId);
	const version = await charters.version(input.versionId);
	if (!version || version.workshopId !== workshopId) {
		throw new CharterRuleError('This charter has no such version.', 404);
	}
	if (version.supersededAt) {
		const current = await charters.current(workshopId);
		throw new CharterRuleError(
			`Version ${version.number} has been superseded${current ? ` by version ${current.number}` : ''}: an amendment edits the current version only.`,
			409
		);
	}
	if (version.id !== session.versionId) {
		throw new CharterRuleError(
			'This review reviewed another version: amend the version it reviewed.',
			409
		);
	}
	const marked = (await clauses(reviewId)).filter((c) => c.proposedText);
	if (marked.length === 0) {
		throw new CharterRuleError(
			'No clause is marked for change: mark one with its new wording first.',
			409
		);
	}
	const next = structuredClone(version.content);
	for (const m of marked) {
		const item = next.sections
			.find((s) => s.key === m.sectionKey)
			?.items.find((i) => i.id === m.clauseId);
		if (item) item.text = m.proposedText!;
	}
	await charters.draft(workshopId);
	await db()
		.update(charter)
		.set({ draft: next, updatedAt: new Date() })
		.where(eq(charter.workshopId, workshopId));
	const published = input.publish ? await charters.publish(workshopId, actor) : null;
	return { draft: next, published };
}

// ------------------------------------------------------------------------- review dates

/** The next review date: the one the facilitator set, else the signed charter's cadence. */
export async function nextReview(workshopId: string): Promise<string | null> {
	const [row] = await db()
		.select()
		.from(reviewSchedule)
		.where(eq(reviewSchedule.workshopId, workshopId));
	if (row?.nextReviewOn) return row.nextReviewOn;
	const signed = await charters.latestSigned(workshopId);
	return signed ? nextReviewDate(signed.content) : null;
}

export async function setNextReview(workshopId: string, date: string): Promise<void> {
	if (date < clock.today()) {
		throw new CharterRuleError(
			`The next review date ${date} is in the past: choose today or a later day.`,
			400
		);
	}
	await db()
		.insert(reviewSchedule)
		.values({ workshopId, nextReviewOn: date })
		.onConflictDoUpdate({
			target: reviewSchedule.workshopId,
			set: { nextReviewOn: date, updatedAt: new Date() }
		});
}

/** Whether the review is due (its date has come) by the scheduling clock. */
export function isDue(nextReviewOn: string | null, at: Date = clock.now()): boolean {
	return nextReviewOn !== null && nextReviewOn <= clock.today(at);
}

/**
 * Sends the reminders that have come due: to the facilitator and every leader with a live
 * invitation, once per review date. Runs on a schedule in the server (server/runtime.ts) and
 * at start-up; `at` is the scheduling clock's time. Without mail configured nothing is sent
 * (the overview shows the date as due) and nothing is marked, so a reminder goes once mail is
 * set up. Returns the workshops reminded.
 */
export async function sendDueReminders(at: Date = clock.now()): Promise<string[]> {
	if (!mail.isMailConfigured()) return [];
	const signedWorkshops = await db()
		.selectDistinct({ id: workshop.id, title: workshop.title, email: account.email })
		.from(workshop)
		.innerJoin(account, eq(account.id, workshop.ownerId))
		.innerJoin(charter, eq(charter.workshopId, workshop.id));
	const reminded: string[] = [];
	for (const w of signedWorkshops) {
		const date = await nextReview(w.id);
		if (!isDue(date, at)) continue;
		const [schedule] = await db()
			.select()
			.from(reviewSchedule)
			.where(eq(reviewSchedule.workshopId, w.id));
		if (schedule?.remindedFor === date) continue;
		const leaders = await charters.activeInvites(db(), w.id);
		const to = [w.email, ...leaders.map((l) => l.email)];
		const text = [
			`The charter of “${w.title}” is due for review on ${date}.`,
			'',
			'The facilitator starts a review session from the charter page: each clause gets an anonymous pulse (still holds, needs a change, not working), and clauses the room wants changed become the next version to sign.'
		].join('\n');
		try {
			for (const address of new Set(to)) {
				await mail.send({ to: address, subject: `Charter review due: ${w.title}`, text });
			}
		} catch (error) {
			log.error({ err: error, workshopId: w.id }, 'review reminder could not be sent');
			continue;
		}
		await db()
			.insert(reviewSchedule)
			.values({ workshopId: w.id, remindedFor: date })
			.onConflictDoUpdate({
				target: reviewSchedule.workshopId,
				set: { remindedFor: date, updatedAt: new Date() }
			});
		reminded.push(w.id);
	}
	return reminded;
}

// ---------------------------------------------------------------------- charter health

export interface ClauseHealth {
	clauseId: string;
	text: string;
	/** Per review, oldest first: the published counts (null below k) and how many pulsed. */
	pulses: {
		review: number;
		startedAt: string;
		voters: number;
		counts: Record<string, number> | null;
		markedForChange: boolean;
	}[];
}

/** Per clause, the pulse at each closed review: the charter's health over time. */
export async function health(workshopId: string): Promise<{
	reviews: { number: number; startedAt: string; status: string }[];
	clauses: ClauseHealth[];
}> {
	const sessions = await list(workshopId);
	const byClause = new Map<string, ClauseHealth>();
	const rows = sessions.length
		? await db()
				.select({ clause: reviewClause, result: poll.result, status: poll.status })
				.from(reviewClause)
				.innerJoin(poll, eq(poll.id, reviewClause.pollId))
				.where(
					inArray(
						reviewClause.reviewId,
						sessions.map((s) => s.id)
					)
				)
				.orderBy(asc(reviewClause.position))
		: [];
	for (const s of sessions) {
		for (const { clause, result, status } of rows.filter((r) => r.clause.reviewId === s.id)) {
			const entry = byClause.get(clause.clauseId) ?? {
				clauseId: clause.clauseId,
				text: clause.text,
				pulses: []
			};
			entry.text = clause.text;
			if (status === 'revealed' && result) {
				entry.pulses.push({
					review: s.number,
					startedAt: s.startedAt.toISOString(),
					voters: result.voters,
					counts: result.counts
						? Object.fromEntries(PULSE_OPTIONS.map((o) => [o, result.counts![o] ?? 0]))
						: null,
					markedForChange: clause.proposedText !== null
				});
			}
			byClause.set(clause.clauseId, entry);
		}
	}
	return {
		reviews: sessions.map((s) => ({
			number: s.number,
			startedAt: s.startedAt.toISOString(),
			status: s.status
		})),
		clauses: [...byClause.values()]
	};
}
