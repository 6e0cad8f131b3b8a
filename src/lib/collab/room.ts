/**
 * The room document (`workshop/<id>/room`): the live state every screen of a workshop follows.
 * This module owns its shape: every top-level key, the schema version and the migrations to it.
 * Only the server writes it (src/lib/server/rooms.ts); browsers read it. Values are plain JSON
 * set whole under a key, never nested shared types, so a write is atomic and a reader never
 * sees half of a change. The readers and writers of each key are beside it: stage states here,
 * the live run in ./live.ts, polls in ./polls.ts, agreements in ./agreements.ts, calibration in
 * ./calibration.ts, the projector's view in ./projector.ts.
 *
 * Stage state lives here because it is what the realtime server enforces: whether a stage's
 * board is locked and whether its teams write privately is read from this document, so every
 * instance that has the room loaded enforces the same rules.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import {
	META_KEY,
	migrate,
	stampVersion,
	storedVersion,
	VERSION_FIELD,
	type DocumentSchema,
	type Migration
} from './migrate';

/** Top-level shared types of the room document. */
export const ROOM_KEYS = {
	/** `schemaVersion` (./migrate.ts). */
	meta: META_KEY,
	/** stage key → StageState. */
	stages: 'stages',
	/** `stage` (current stage key), `timer`, `spotlight`, `projector`: what everyone is looking at. */
	current: 'current',
	/** `stages` → AgendaStage[], `teams` → AgendaTeam[] (./live.ts). */
	agenda: 'agenda',
	/** stage key → { [teamId]: number of participants done } (./live.ts). */
	done: 'done',
	/** poll id → status and turnout (ballots never travel here). */
	polls: 'polls',
	/** poll id → revealed result. */
	results: 'results',
	/** agreement id → adopted agreement (./agreements.ts). */
	agreements: 'agreements',
	/** stage key → a calibration stage's leads, categories and the lead under discussion. */
	calibration: 'calibration',
	/** stage key → { [teamId]: cards written privately and not yet revealed } (./projector.ts). */
	unrevealed: 'unrevealed'
} as const;

export const stageStateSchema = v.object({
	/** Participants may only read the stage's board (and their team board) while locked. */
	locked: v.boolean(),
	/** Teams write on their own private boards, which other teams' devices do not receive. */
	privateWrite: v.boolean(),
	/** When the team boards were last merged into the stage board (epoch ms), if ever. */
	revealedAt: v.nullable(v.number()),
	/**
	 * The facilitator hid the board from the projector (a private moment): the projector's
	 * connections receive nothing of it and the screen shows the title and the timer only.
	 * Added after the first room schema; version 2 writes it into every stage state.
	 */
	hiddenFromProjector: v.boolean()
});
export type StageState = v.InferOutput<typeof stageStateSchema>;

export const DEFAULT_STAGE_STATE: StageState = Object.freeze({
	locked: false,
	privateWrite: false,
	revealedAt: null,
	hiddenFromProjector: false
});

const ROOM_MIGRATIONS: readonly Migration[] = [
	{
		version: 2,
		description:
			'Every stage state says whether it is hidden from the projector (the first rooms stored states without it).',
		up(doc) {
			const stages = doc.getMap<unknown>(ROOM_KEYS.stages);
			stages.forEach((raw, key) => {
				if (!raw || typeof raw !== 'object') return;
				const state = raw as Record<string, unknown>;
				if (typeof state.hiddenFromProjector === 'boolean') return;
				stages.set(key, { ...state, hiddenFromProjector: false });
			});
		}
	}
];

/** Bumped, with a migration added above and a new document fixture, whenever the shape changes. */
export const ROOM_SCHEMA_VERSION = 2;

export const ROOM_SCHEMA: DocumentSchema = {
	kind: 'room',
	version: ROOM_SCHEMA_VERSION,
	migrations: ROOM_MIGRATIONS
};

/** The initial content of a room document that does not exist yet. */
export function initRoom(doc: Y.Doc): void {
	stampVersion(doc, ROOM_SCHEMA);
}

/** Brings a stored room up to this release's shape (inside the caller's transaction). */
export function migrateRoom(doc: Y.Doc, docName?: string): { from: number; to: number } | null {
	return migrate(doc, ROOM_SCHEMA, docName);
}

/**
 * A stage's state as stored, with defaults for a stage nobody has changed yet. A value that
 * is not the expected shape reads as the default rather than throwing on a screen.
 */
export function readStageState(doc: Y.Doc, stageKey: string): StageState {
	const result = v.safeParse(stageStateSchema, doc.getMap<unknown>(ROOM_KEYS.stages).get(stageKey));
	return result.success ? result.output : { ...DEFAULT_STAGE_STATE };
}

/** Every stage state the room holds (stages nobody changed have none). */
export function readStageStates(doc: Y.Doc): Record<string, StageState> {
	const states: Record<string, StageState> = {};
	doc.getMap<unknown>(ROOM_KEYS.stages).forEach((_, key) => {
		states[key] = readStageState(doc, key);
	});
	return states;
}

/** Server side only: merges `patch` into a stage's state. */
export function writeStageState(doc: Y.Doc, stageKey: string, patch: Partial<StageState>): void {
	const next: StageState = { ...readStageState(doc, stageKey), ...patch };
	doc.getMap<StageState>(ROOM_KEYS.stages).set(stageKey, next);
}

/** The version the room is stored at (1 for a room that never recorded one). */
export function readSchemaVersion(doc: Y.Doc): number | null {
	return doc.getMap<unknown>(META_KEY).has(VERSION_FIELD) ? storedVersion(doc) : null;
}
