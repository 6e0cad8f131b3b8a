/**
 * The run-sheet: each stage's planned start and duration against what happened, the projected
 * end of the day, and where time could be taken back. Pure: the server passes the stages, the
 * visits it recorded and the time; the console and the timing report show the result.
 */

export const MAX_PLANNED_MINUTES = 480;
export const MAX_NOTES_LENGTH = 4000;
/** A later stage can give up at most this share of its planned time to catch up. */
export const MAX_SHARE_TAKEN_BACK = 1 / 3;

export interface PlannedStage {
	key: string;
	title: string;
	plannedMinutes: number;
}

export interface Visit {
	stageKey: string;
	startedAt: number;
	/** Null while the room is still on the stage. */
	endedAt: number | null;
}

export type StageProgress = 'done' | 'running' | 'upcoming';

export interface StageTiming {
	key: string;
	title: string;
	plannedMinutes: number;
	/** Epoch ms, or null when neither a day start nor an actual start anchors the plan. */
	plannedStart: number | null;
	/** The first time the room was brought to the stage. */
	actualStart: number | null;
	/** Time spent on it in all visits, the open one counted up to now. */
	actualMs: number;
	progress: StageProgress;
	/** Actual minus planned, in ms: positive is over. For a running stage, only once it is over. */
	varianceMs: number | null;
}

export interface TakeBack {
	key: string;
	title: string;
	minutes: number;
	fromMinutes: number;
}

export interface RunSheetView {
	stages: StageTiming[];
	/** Epoch ms: where the plan ends (anchor + all planned durations), or null without an anchor. */
	plannedEnd: number | null;
	/** Epoch ms: now + what is left of the current stage + every later stage as planned. */
	projectedEnd: number | null;
	/** Projected minus planned end, in ms (positive: running over). */
	driftMs: number | null;
	takeBack: TakeBack[];
}

/** A stage as the console's run-sheet shows it: its plan and its private notes. */
export interface RunSheetStage {
	key: string;
	title: string;
	timeboxMinutes: number;
	/** As set on the run-sheet, or null when it follows the timebox. */
	plannedMinutes: number | null;
	notes: string;
}

/** What the run-sheet endpoint answers: the stages, the day's start and the timings. */
export interface RunSheetData {
	stages: RunSheetStage[];
	/** Epoch ms, or null while the day's start is not set. */
	dayStartsAt: number | null;
	view: RunSheetView;
}

const MINUTE = 60_000;

export function runSheet(input: {
	stages: readonly PlannedStage[];
	visits: readonly Visit[];
	dayStartsAt: number | null;
	currentKey: string | null;
	now: number;
}): RunSheetView {
	const { stages, visits, now } = input;
	const firstStart = visits.reduce<number | null>(
		(min, v) => (min === null || v.startedAt < min ? v.startedAt : min),
		null
	);
	const anchor = input.dayStartsAt ?? firstStart;
	const open = visits.find((v) => v.endedAt === null) ?? null;
	// The open visit says where the room is; after "End the session" no stage runs. A room
	// moved before visits were recorded has none: its current stage runs.
	const currentKey = visits.length > 0 ? (open?.stageKey ?? null) : input.currentKey;

	let plannedOffset = 0;
	const timings: StageTiming[] = stages.map((stage) => {
		const own = visits.filter((v) => v.stageKey === stage.key);
		const actualMs = own.reduce((sum, v) => sum + Math.max(0, (v.endedAt ?? now) - v.startedAt), 0);
		const actualStart = own.length ? Math.min(...own.map((v) => v.startedAt)) : null;
		const progress: StageProgress =
			stage.key === currentKey ? 'running' : own.length ? 'done' : 'upcoming';
		const plannedMs = stage.plannedMinutes * MINUTE;
		const varianceMs =
			progress === 'done'
				? actualMs - plannedMs
				: progress === 'running' && actualMs > plannedMs
					? actualMs - plannedMs
					: null;
		const plannedStart = anchor === null ? null : anchor + plannedOffset;
		plannedOffset += plannedMs;
		return {
			key: stage.key,
			title: stage.title,
			plannedMinutes: stage.plannedMinutes,
			plannedStart,
			actualStart,
			actualMs,
			progress,
			varianceMs
		};
	});

	const plannedEnd = anchor === null ? null : anchor + plannedOffset;
	let projectedEnd: number | null = null;
	if (firstStart !== null) {
		const left = timings.reduce((sum, t) => {
			if (t.progress === 'upcoming') return sum + t.plannedMinutes * MINUTE;
			if (t.progress === 'running')
				return sum + Math.max(0, t.plannedMinutes * MINUTE - t.actualMs);
			return sum;
		}, 0);
		projectedEnd = now + left;
	} else if (plannedEnd !== null) {
		// Not started: the plan, moved later if its start has passed already.
		projectedEnd = Math.max(now, anchor!) + plannedOffset;
	}
	const driftMs = projectedEnd !== null && plannedEnd !== null ? projectedEnd - plannedEnd : null;
	return {
		stages: timings,
		plannedEnd,
		projectedEnd,
		driftMs,
		takeBack: driftMs !== null && driftMs >= MINUTE ? takeBackFrom(timings, driftMs) : []
	};
}

/**
 * Where to find `driftMs` again: the upcoming stages with the most planned time give first,
 * each at most a third of it, in whole minutes.
 */
export function takeBackFrom(timings: readonly StageTiming[], driftMs: number): TakeBack[] {
	let needed = Math.ceil(driftMs / MINUTE);
	const later = timings
		.filter((t) => t.progress === 'upcoming')
		.map((t) => ({ t, slack: Math.floor(t.plannedMinutes * MAX_SHARE_TAKEN_BACK) }))
		.filter((s) => s.slack > 0)
		.sort((a, b) => b.slack - a.slack);
	const out: TakeBack[] = [];
	for (const { t, slack } of later) {
		if (needed <= 0) break;
		const minutes = Math.min(slack, needed);
		out.push({ key: t.key, title: t.title, minutes, fromMinutes: t.plannedMinutes });
		needed -= minutes;
	}
	return out;
}

/** "12 min over", "3 min under", "on time", for a signed number of ms. */
export function describeDrift(ms: number): string {
	const minutes = Math.round(ms / MINUTE);
	if (minutes === 0) return 'on time';
	return minutes > 0 ? `${minutes} min over` : `${-minutes} min under`;
}

/** Whole minutes, rounded, for tables and the CSV. */
export function toMinutes(ms: number): number {
	return Math.round(ms / MINUTE);
}
