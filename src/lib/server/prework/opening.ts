/**
 * The facilitator's side of pre-work: the questions (saved, or the defaults for a new
 * pre-work), opening it, which starts a private round on every stage that asks something, and
 * closing it.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { StageKind } from '../../domain/template';
import { db } from '../db';
import { prework, preworkPrompt } from '../db/schema';
import { newId } from '../ids';
import * as projector from '../projector';
import * as stageControls from '../stage-controls';
import * as stages from '../stages';
import { RuleError } from '../rules';
import { status } from './rules';

/** The questions a new pre-work starts with, by the kind of stage that asks them. */
export const DEFAULT_PROMPTS: Partial<Record<StageKind, readonly string[]>> = {
	'focus-value': ['A recent lost deal and why'],
	'shared-terms': ['How does your team define an MQL today?'],
	barriers: ['Your top three frustrations with the other team']
};

export interface Prompt {
	id: string;
	stageKey: string;
	stageTitle: string;
	text: string;
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
		if (!known.has(key)) throw new RuleError('This workshop has no such stage.', 404);
	}
	const wanted = stageRows.flatMap((s) =>
		(byStage[s.key] ?? []).map((text) => ({ stageKey: s.key, text }))
	);
	if (wanted.length === 0)
		throw new RuleError('Ask at least one question before opening the pre-work.', 400);
	const asking = [...new Set(wanted.map((w) => w.stageKey))];
	for (const key of asking) {
		const state = await stageControls.stateOf(workshopId, key);
		if (!state.privateWrite && state.revealedAt !== null) {
			// Starting a private round again would hide nothing already revealed, but answers
			// would arrive after the room saw the board: say so rather than mix the two.
			const title = stageRows.find((s) => s.key === key)?.title ?? key;
			throw new RuleError(
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
			throw new RuleError(
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
		const state = await stageControls.stateOf(workshopId, key);
		if (!state.privateWrite) await stageControls.setPrivateWrite(workshopId, key, true);
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
