/**
 * The shared learning agenda kept with a charter: readings, talks and courses, each chosen by
 * a team, with an owner, a discussion date and the takeaways recorded afterwards.
 * Participants propose; the facilitator and the leaders accept (what they add themselves is
 * accepted at once). It is never part of a charter version: exports carry it as an appendix.
 *
 * Rules, each refused with words and nothing written: a title is not empty (the schema), the
 * discussion date is not in the past (by the scheduling clock), the team is one of this
 * workshop's, takeaways are recorded on an accepted item once its discussion date has come,
 * and an item is changed only through its own workshop.
 */
import { and, asc, eq } from 'drizzle-orm';
import type * as v from 'valibot';
import type { learningItemSchema } from '../schemas/reviews';
import type { AgendaItem } from '../domain/learning';
import type { LearningEntry } from './charter/export';
import * as clock from './clock';
import { db } from './db';
import { learningItem } from './db/schema';
import { newId } from './ids';
import { RuleError } from './rules';
import * as workshops from './workshops';

export type LearningItem = typeof learningItem.$inferSelect;
export type NewLearningItem = v.InferOutput<typeof learningItemSchema>;

export interface Proposer {
	label: string;
	/** The facilitator and leaders accept what they add; a participant's item waits. */
	isAccepted: boolean;
}

async function requireFuture(date: string): Promise<void> {
	if (date < clock.today()) {
		throw new RuleError(
			`The discussion date ${date} is in the past: choose today or a later day.`,
			400,
			'discussOn'
		);
	}
}

export async function propose(
	workshopId: string,
	input: NewLearningItem,
	proposer: Proposer
): Promise<LearningItem> {
	await requireFuture(input.discussOn);
	if (input.teamId) {
		const teams = await workshops.teams(workshopId);
		if (!teams.some((t) => t.id === input.teamId)) {
			throw new RuleError('This workshop has no such team.', 400, 'teamId');
		}
	}
	const [row] = await db()
		.insert(learningItem)
		.values({
			id: newId(),
			workshopId,
			title: input.title,
			kind: input.kind,
			teamId: input.teamId,
			ownerName: input.owner,
			discussOn: input.discussOn,
			status: proposer.isAccepted ? 'accepted' : 'proposed',
			proposedBy: proposer.label
		})
		.returning();
	return row!;
}

async function find(workshopId: string, itemId: string): Promise<LearningItem> {
	const [row] = await db()
		.select()
		.from(learningItem)
		.where(and(eq(learningItem.id, itemId), eq(learningItem.workshopId, workshopId)));
	if (!row) {
		throw new RuleError('This charter’s learning agenda has no such item.', 404, 'item');
	}
	return row;
}

export async function accept(workshopId: string, itemId: string): Promise<LearningItem> {
	const row = await find(workshopId, itemId);
	if (row.status === 'accepted') return row;
	const [updated] = await db()
		.update(learningItem)
		.set({ status: 'accepted', updatedAt: new Date() })
		.where(eq(learningItem.id, row.id))
		.returning();
	return updated!;
}

export async function recordTakeaways(
	workshopId: string,
	itemId: string,
	takeaways: string
): Promise<LearningItem> {
	const row = await find(workshopId, itemId);
	if (row.status !== 'accepted') {
		throw new RuleError('Accept the item before recording its takeaways.', 409, 'takeaways');
	}
	if (row.discussOn > clock.today()) {
		throw new RuleError(
			`This item is discussed on ${row.discussOn}: record its takeaways once that day has come.`,
			409,
			'takeaways'
		);
	}
	const [updated] = await db()
		.update(learningItem)
		.set({ takeaways, updatedAt: new Date() })
		.where(eq(learningItem.id, row.id))
		.returning();
	return updated!;
}

export async function list(workshopId: string): Promise<LearningItem[]> {
	return db()
		.select()
		.from(learningItem)
		.where(eq(learningItem.workshopId, workshopId))
		.orderBy(asc(learningItem.discussOn), asc(learningItem.createdAt));
}

/** The whole agenda, proposals included, oldest discussion first, for the screens. */
export async function agenda(workshopId: string): Promise<AgendaItem[]> {
	const [items, teams] = await Promise.all([list(workshopId), workshops.teams(workshopId)]);
	return items.map((i) => ({
		id: i.id,
		title: i.title,
		kind: i.kind,
		team: teams.find((t) => t.id === i.teamId)?.name ?? null,
		owner: i.ownerName,
		discussOn: i.discussOn,
		takeaways: i.takeaways,
		status: i.status,
		proposedBy: i.proposedBy
	}));
}

/** The accepted items as the exports' appendix shows them. */
export async function appendix(workshopId: string): Promise<LearningEntry[]> {
	const teams = await workshops.teams(workshopId);
	return (await list(workshopId))
		.filter((i) => i.status === 'accepted')
		.map((i) => ({
			title: i.title,
			kind: i.kind,
			team: teams.find((t) => t.id === i.teamId)?.name ?? null,
			owner: i.ownerName,
			discussOn: i.discussOn,
			takeaways: i.takeaways
		}));
}
