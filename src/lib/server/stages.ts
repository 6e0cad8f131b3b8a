import { and, asc, eq } from 'drizzle-orm';
import { moveInOrder, stageKeyFor } from '../domain/stages';
import type { StageTemplate } from '../domain/template';
import { db, type Db } from './db';
import { stage } from './db/schema';
import { newId } from './ids';
import { ofWorkshop } from './db/rows';

export type Stage = typeof stage.$inferSelect;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function list(workshopId: string): Promise<Stage[]> {
	return ofWorkshop(stage, workshopId, stage.position);
}

/** A stage as a template and the room's agenda describe it: what it is, without ids or order. */
export function describe(s: Stage): StageTemplate {
	return {
		key: s.key,
		kind: s.kind,
		title: s.title,
		prompt: s.prompt,
		timeboxMinutes: s.timeboxMinutes
	};
}

export async function get(workshopId: string, key: string): Promise<Stage | undefined> {
	const [row] = await db()
		.select()
		.from(stage)
		.where(and(eq(stage.workshopId, workshopId), eq(stage.key, key)))
		.limit(1);
	return row;
}

/** Inserts the stages of a template (or of a copied workshop) into a new workshop. */
export async function insertAll(tx: Tx | Db, workshopId: string, stages: readonly StageTemplate[]) {
	if (stages.length === 0) return;
	await tx.insert(stage).values(
		stages.map((s, position) => ({
			id: newId(),
			workshopId,
			key: s.key,
			kind: s.kind,
			title: s.title,
			prompt: s.prompt,
			timeboxMinutes: s.timeboxMinutes,
			position
		}))
	);
}

export async function add(
	workshopId: string,
	input: { title: string; kind: Stage['kind']; prompt: string; timeboxMinutes: number }
): Promise<Stage> {
	const existing = await list(workshopId);
	const key = stageKeyFor(input.title, new Set(existing.map((s) => s.key)));
	const [created] = await db()
		.insert(stage)
		.values({ id: newId(), workshopId, key, ...input, position: existing.length })
		.returning();
	return created!;
}

export async function update(
	workshopId: string,
	key: string,
	input: { title: string; prompt: string; timeboxMinutes: number }
): Promise<boolean> {
	const rows = await db()
		.update(stage)
		.set({ ...input, updatedAt: new Date() })
		.where(and(eq(stage.workshopId, workshopId), eq(stage.key, key)))
		.returning({ id: stage.id });
	return rows.length > 0;
}

/** Moves a stage to a new 0-based position; false when the key or position is invalid. */
export async function move(workshopId: string, key: string, to: number): Promise<boolean> {
	return db().transaction(async (tx) => {
		const current = await tx
			.select({ id: stage.id, key: stage.key })
			.from(stage)
			.where(eq(stage.workshopId, workshopId))
			.orderBy(asc(stage.position))
			.for('update');
		const from = current.findIndex((s) => s.key === key);
		const next = from < 0 ? null : moveInOrder(current, from, to);
		if (!next) return false;
		for (const [position, s] of next.entries()) {
			await tx.update(stage).set({ position }).where(eq(stage.id, s.id));
		}
		return true;
	});
}

export async function remove(workshopId: string, key: string): Promise<boolean> {
	return db().transaction(async (tx) => {
		const rows = await tx
			.delete(stage)
			.where(and(eq(stage.workshopId, workshopId), eq(stage.key, key)))
			.returning({ id: stage.id });
		if (rows.length === 0) return false;
		const rest = await tx
			.select({ id: stage.id })
			.from(stage)
			.where(eq(stage.workshopId, workshopId))
			.orderBy(asc(stage.position));
		for (const [position, s] of rest.entries()) {
			await tx.update(stage).set({ position }).where(eq(stage.id, s.id));
		}
		return true;
	});
}
