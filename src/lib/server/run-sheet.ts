/**
 * The run-sheet of a workshop: planned durations and private notes per stage, the planned day
 * start, and the visits that record when the room was actually on each stage. Notes are read
 * only by the console's load (behind the workshop's facilitator guard); nothing here writes a
 * shared document.
 */
import { and, eq, isNull } from 'drizzle-orm';
import Papa from 'papaparse';
import {
	runSheet as computeRunSheet,
	toMinutes,
	type RunSheetData,
	type RunSheetStage,
	type RunSheetView,
	type Visit
} from '../domain/run-sheet';
import { db } from './db';
import { runSheet, stagePlan, stageVisit } from './db/schema';
import { newId } from './ids';
import * as stages from './stages';
import { ofWorkshop } from './db/rows';

export interface StagePlanRow {
	stageKey: string;
	plannedMinutes: number | null;
	notes: string;
}

export async function plans(workshopId: string): Promise<Map<string, StagePlanRow>> {
	const rows = await db()
		.select({
			stageKey: stagePlan.stageKey,
			plannedMinutes: stagePlan.plannedMinutes,
			notes: stagePlan.notes
		})
		.from(stagePlan)
		.where(eq(stagePlan.workshopId, workshopId));
	return new Map(rows.map((r) => [r.stageKey, r]));
}

/** Sets a stage's planned duration (null: its timebox) and notes. */
export async function saveStage(
	workshopId: string,
	stageKey: string,
	input: { plannedMinutes: number | null; notes: string },
	byAccountId: string
): Promise<void> {
	const values = { ...input, updatedBy: byAccountId, updatedAt: new Date() };
	await db()
		.insert(stagePlan)
		.values({ workshopId, stageKey, ...values })
		.onConflictDoUpdate({ target: [stagePlan.workshopId, stagePlan.stageKey], set: values });
}

export async function dayStart(workshopId: string): Promise<Date | null> {
	const [row] = await db()
		.select({ at: runSheet.dayStartsAt })
		.from(runSheet)
		.where(eq(runSheet.workshopId, workshopId));
	return row?.at ?? null;
}

export async function setDayStart(workshopId: string, at: Date | null): Promise<void> {
	await db()
		.insert(runSheet)
		.values({ workshopId, dayStartsAt: at })
		.onConflictDoUpdate({
			target: runSheet.workshopId,
			set: { dayStartsAt: at, updatedAt: new Date() }
		});
}

export async function visits(workshopId: string): Promise<Visit[]> {
	const rows = await ofWorkshop(stageVisit, workshopId, stageVisit.startedAt);
	return rows.map((r) => ({
		stageKey: r.stageKey,
		startedAt: r.startedAt.getTime(),
		endedAt: r.endedAt?.getTime() ?? null
	}));
}

/**
 * The room arrived on a stage: the open visit ends and one for this stage opens. Arriving
 * where the room already is changes nothing (a second "Bring everyone here"). Callers hold the
 * workshop's live lock; the partial unique index keeps one open visit across instances too.
 */
export async function arrive(workshopId: string, stageKey: string, at: Date): Promise<void> {
	await db().transaction(async (tx) => {
		const [open] = await tx
			.select()
			.from(stageVisit)
			.where(and(eq(stageVisit.workshopId, workshopId), isNull(stageVisit.endedAt)))
			.for('update');
		if (open?.stageKey === stageKey) return;
		if (open) await tx.update(stageVisit).set({ endedAt: at }).where(eq(stageVisit.id, open.id));
		await tx.insert(stageVisit).values({ id: newId(), workshopId, stageKey, startedAt: at });
	});
}

/** The session is over: the open visit ends. */
export async function finish(workshopId: string, at: Date): Promise<boolean> {
	const rows = await db()
		.update(stageVisit)
		.set({ endedAt: at })
		.where(and(eq(stageVisit.workshopId, workshopId), isNull(stageVisit.endedAt)))
		.returning({ id: stageVisit.id });
	return rows.length > 0;
}

/** The stages with their plans and notes (for the console only) and the computed timings. */
export async function load(
	workshopId: string,
	currentKey: string | null,
	now = Date.now()
): Promise<RunSheetData> {
	const [stageRows, planRows, visitRows, start] = await Promise.all([
		stages.list(workshopId),
		plans(workshopId),
		visits(workshopId),
		dayStart(workshopId)
	]);
	const list: RunSheetStage[] = stageRows.map((s) => ({
		key: s.key,
		title: s.title,
		timeboxMinutes: s.timeboxMinutes,
		plannedMinutes: planRows.get(s.key)?.plannedMinutes ?? null,
		notes: planRows.get(s.key)?.notes ?? ''
	}));
	const view = computeRunSheet({
		stages: list.map((s) => ({
			key: s.key,
			title: s.title,
			plannedMinutes: s.plannedMinutes ?? s.timeboxMinutes
		})),
		visits: visitRows,
		dayStartsAt: start?.getTime() ?? null,
		currentKey,
		now
	});
	return { stages: list, dayStartsAt: start?.getTime() ?? null, view };
}

/** Planned against actual per stage, as CSV (papaparse), for a spreadsheet. No notes. */
export function timingCsv(view: RunSheetView): string {
	const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
	// A leading = + - @ would be read as a formula by spreadsheets.
	const safe = (text: string) => (/^[=+\-@]/.test(text) ? `'${text}` : text);
	return Papa.unparse(
		{
			fields: [
				'stage',
				'planned start',
				'planned minutes',
				'actual start',
				'actual minutes',
				'over (+) or under (-) minutes',
				'status'
			],
			data: view.stages.map((t) => [
				safe(t.title),
				iso(t.plannedStart),
				t.plannedMinutes,
				iso(t.actualStart),
				t.progress === 'upcoming' ? '' : toMinutes(t.actualMs),
				t.progress === 'upcoming' ? '' : toMinutes(t.actualMs - t.plannedMinutes * 60_000),
				t.progress
			])
		},
		{ quotes: true, newline: '\r\n' }
	);
}
