/**
 * A review session's life: started from the signed charter with one pulse per clause, read
 * with its pulses, and closed, which reveals every pulse.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { PublishedResult } from '../../domain/polls';
import * as charters from '../charter';
import * as clock from '../clock';
import { db } from '../db';
import { poll, reviewClause, reviewSession } from '../db/schema';
import { newId } from '../ids';
import * as polls from '../polls';
import { RuleError } from '../rules';
import { inWorkshop, ofWorkshop } from '../db/rows';

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
		throw new RuleError(
			'A review starts from a signed charter: this charter has not been published yet.',
			409
		);
	}
	const signed = await charters.latestSigned(workshopId);
	if (!signed || signed.id !== currentVersion.id) {
		throw new RuleError(
			`A review starts from a signed charter: version ${currentVersion.number} is not signed by every leader yet.`,
			409
		);
	}
	const every = signed.content.sections.flatMap((section) =>
		section.items.map((item) => ({ section, item }))
	);
	const wanted = options.clauseIds && new Set(options.clauseIds);
	if (wanted && [...wanted].some((clauseId) => !every.some((c) => c.item.id === clauseId))) {
		throw new RuleError(
			`One of the clauses is not in version ${signed.number} of the charter.`,
			400
		);
	}
	const chosen = wanted ? every.filter((c) => wanted.has(c.item.id)) : every;
	if (chosen.length === 0) throw new RuleError('Choose at least one clause to pulse.', 400);
	const [open] = await db()
		.select({ id: reviewSession.id })
		.from(reviewSession)
		.where(and(eq(reviewSession.workshopId, workshopId), eq(reviewSession.status, 'open')));
	if (open) {
		throw new RuleError('A review of this charter is already open: close it first.', 409);
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

/** The workshop's review, or a refusal when it has none by that id. */
export async function find(workshopId: string, reviewId: string): Promise<ReviewSession> {
	const row = await inWorkshop(reviewSession, workshopId, reviewId);
	if (!row) throw new RuleError('This charter has no such review session.', 404);
	return row;
}

export async function list(workshopId: string): Promise<ReviewSession[]> {
	return ofWorkshop(reviewSession, workshopId, reviewSession.number);
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
		throw new RuleError('This review is already closed.', 409);
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
