/**
 * Polls as every screen sees them: the view written into the room document (question, rules,
 * status, turnout, public keys) and, once revealed, the published result. Nothing finer than
 * what `publishResult` lets out (src/lib/domain/polls/k-rule.ts) ever reaches a view.
 */
import { asc, eq } from 'drizzle-orm';
import { roomDocName } from '../../collab/doc-names';
import { readPolls, writePoll, type PollView } from '../../collab/polls';
import { consentRule, optionsFor, type PublishedResult } from '../../domain/polls';
import { db } from '../db';
import { poll } from '../db/schema';
import * as rooms from '../rooms';
import * as ballotKeys from './keys';
import type { PollRow } from './rules';
import { turnout } from './turnout';

async function viewOf(row: PollRow): Promise<PollView> {
	return {
		id: row.id,
		kind: row.kind,
		status: row.status,
		question: row.question,
		options: optionsFor(row.kind, row.options),
		dotBudget: row.dotBudget,
		dotMaxPerCard: row.dotMaxPerCard,
		k: row.k,
		maxObjectionPercent: row.maxObjectionPercent,
		rule: row.kind === 'consent' ? consentRule(row.k, row.maxObjectionPercent) : null,
		agreementId: row.agreementId,
		stageKey: row.stageKey,
		previousPollId: row.previousPollId,
		leads: row.leads,
		turnout: await turnout(row.workshopId, row.id),
		keys: await ballotKeys.publicKeys(row.id),
		createdAt: row.createdAt.getTime()
	};
}

/** Writes the poll's view into its workshop's room. */
export async function publish(row: PollRow): Promise<PollView> {
	const view = await viewOf(row);
	await rooms.change(roomDocName(row.workshopId), (doc) => writePoll(doc, view));
	return view;
}

/** Polls of a workshop as every screen sees them, with revealed results. */
export async function list(
	workshopId: string
): Promise<(PollView & { result: PublishedResult | null })[]> {
	const rows = await db()
		.select()
		.from(poll)
		.where(eq(poll.workshopId, workshopId))
		.orderBy(asc(poll.createdAt));
	return Promise.all(
		rows.map(async (row) => ({
			...(await viewOf(row)),
			result: row.status === 'revealed' ? row.result : null
		}))
	);
}

/** Views of the polls as the room shows them (for pages rendered on the server). */
export async function roomViews(workshopId: string): Promise<PollView[]> {
	return rooms.read(roomDocName(workshopId), (doc) => readPolls(doc));
}
