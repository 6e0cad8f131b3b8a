/**
 * What the room document carries for the live run of a workshop, beside the stage states of
 * room.ts: the agenda (stages and teams, so every screen can show titles and prompts without
 * asking the server), what everyone is looking at (current stage, timer, spotlight), and the
 * "I'm done" counts per team. Written only by the server (src/lib/server/live.ts); read by
 * every screen. Values are plain JSON set whole under a key, like the rest of the room.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import type { TimerState } from '../domain/timer';
import { STAGE_KINDS } from '../domain/template';
import { ROOM_KEYS } from './room';

export const LIVE_KEYS = {
	/** In ROOM_KEYS.current: the key of the stage everyone is on, or null before the start. */
	stage: 'stage',
	/** In ROOM_KEYS.current: the shared timer (domain/timer.ts), or null. */
	timer: 'timer',
	/** In ROOM_KEYS.current: the item shown on every screen, or null. */
	spotlight: 'spotlight',
	/** Top-level map (ROOM_KEYS.agenda): `stages` → AgendaStage[], `teams` → AgendaTeam[]. */
	agenda: ROOM_KEYS.agenda,
	/** Top-level map (ROOM_KEYS.done): stage key → { [teamId]: number of participants done }. */
	done: ROOM_KEYS.done
} as const;

const agendaStageSchema = v.object({
	key: v.string(),
	kind: v.picklist(STAGE_KINDS),
	title: v.string(),
	prompt: v.string(),
	timeboxMinutes: v.number()
});
export type AgendaStage = v.InferOutput<typeof agendaStageSchema>;

const agendaTeamSchema = v.object({ id: v.string(), name: v.string(), colour: v.string() });
export type AgendaTeam = v.InferOutput<typeof agendaTeamSchema>;

const spotlightSchema = v.object({
	stageKey: v.string(),
	/** The board item, when the spotlight points at one. */
	itemId: v.nullable(v.string()),
	/** The text shown, as it was when the facilitator put it in the spotlight. */
	text: v.string(),
	teamId: v.nullable(v.string())
});
export type Spotlight = v.InferOutput<typeof spotlightSchema>;

const timerSchema = v.object({
	stageKey: v.string(),
	durationMs: v.number(),
	remainingMs: v.number(),
	startedAt: v.nullable(v.number())
});
// The timer is the domain's type (domain/timer.ts): the schema must read as it.
const timerIsDomain: TimerState = {} as v.InferOutput<typeof timerSchema>;
void timerIsDomain;

const doneSchema = v.record(v.string(), v.number());

/** What is stored under a key, when it has the shape; otherwise the fallback. */
function parsed<S extends v.GenericSchema, F>(schema: S, value: unknown, fallback: F) {
	const result = v.safeParse(schema, value);
	return result.success ? result.output : fallback;
}

export interface LiveState {
	stageKey: string | null;
	timer: TimerState | null;
	spotlight: Spotlight | null;
	stages: AgendaStage[];
	teams: AgendaTeam[];
	/** stage key → team id → participants done. */
	done: Record<string, Record<string, number>>;
}

export function readLive(doc: Y.Doc): LiveState {
	const current = doc.getMap<unknown>(ROOM_KEYS.current);
	const agenda = doc.getMap<unknown>(ROOM_KEYS.agenda);
	const done: LiveState['done'] = {};
	doc.getMap<unknown>(ROOM_KEYS.done).forEach((counts, key) => {
		const read = parsed(doneSchema, counts, null);
		if (read) done[key] = read;
	});
	const stageKey = current.get(LIVE_KEYS.stage);
	return {
		stageKey: typeof stageKey === 'string' ? stageKey : null,
		timer: parsed(timerSchema, current.get(LIVE_KEYS.timer), null),
		spotlight: parsed(spotlightSchema, current.get(LIVE_KEYS.spotlight), null),
		stages: parsed(v.array(agendaStageSchema), agenda.get('stages'), []),
		teams: parsed(v.array(agendaTeamSchema), agenda.get('teams'), []),
		done
	};
}

// Server side only: the writers below are called inside `rooms.change(...)`.

export function writeAgenda(doc: Y.Doc, stages: AgendaStage[], teams: AgendaTeam[]): void {
	const agenda = doc.getMap<unknown>(LIVE_KEYS.agenda);
	agenda.set('stages', stages);
	agenda.set('teams', teams);
}

export function writeCurrentStage(doc: Y.Doc, stageKey: string | null): void {
	doc.getMap<unknown>(ROOM_KEYS.current).set(LIVE_KEYS.stage, stageKey);
}

export function writeTimer(doc: Y.Doc, timer: TimerState | null): void {
	doc.getMap<unknown>(ROOM_KEYS.current).set(LIVE_KEYS.timer, timer);
}

export function writeSpotlight(doc: Y.Doc, spotlight: Spotlight | null): void {
	doc.getMap<unknown>(ROOM_KEYS.current).set(LIVE_KEYS.spotlight, spotlight);
}

export function writeDone(doc: Y.Doc, stageKey: string, counts: Record<string, number>): void {
	doc.getMap<Record<string, number>>(LIVE_KEYS.done).set(stageKey, counts);
}
