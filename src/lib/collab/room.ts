/**
 * The room document (`workshop/<id>/room`): the live state every screen of a workshop follows.
 * Only the server writes it (src/lib/server/rooms.ts); browsers read it. Values are plain JSON
 * set whole under a key, never nested shared types, so a write is atomic and a reader never
 * sees half of a change.
 *
 * Stage state lives here because it is what the realtime server enforces: whether a stage's
 * board is locked and whether its teams write privately is read from this document, so every
 * instance that has the room loaded enforces the same rules.
 */
import type * as Y from 'yjs';

/** Bumped with a migration in `migrateRoom` whenever the shape below changes. */
export const ROOM_SCHEMA_VERSION = 1;

/** Top-level shared types of the room document. */
export const ROOM_KEYS = {
	/** `schemaVersion`. */
	meta: 'meta',
	/** stage key → StageState. */
	stages: 'stages',
	/** `stage` (current stage key), `timer`, `spotlight`: what everyone is looking at. */
	current: 'current',
	/** poll id → status and turnout (ballots never travel here). */
	polls: 'polls',
	/** poll id → revealed result. */
	results: 'results',
	/** agreement id → adopted agreement. */
	agreements: 'agreements',
	/** stage key → a calibration stage's leads, categories and the lead under discussion. */
	calibration: 'calibration'
} as const;

export interface StageState {
	/** Participants may only read the stage's board (and their team board) while locked. */
	locked: boolean;
	/** Teams write on their own private boards, which other teams' devices do not receive. */
	privateWrite: boolean;
	/** When the team boards were last merged into the stage board (epoch ms), if ever. */
	revealedAt: number | null;
	/**
	 * The facilitator hid the board from the projector (a private moment): the projector's
	 * connections receive nothing of it and the screen shows the title and the timer only.
	 * Added after the first room schema; a room that never set it reads false.
	 */
	hiddenFromProjector: boolean;
}

export const DEFAULT_STAGE_STATE: StageState = Object.freeze({
	locked: false,
	privateWrite: false,
	revealedAt: null,
	hiddenFromProjector: false
});

/** The initial content of a room document that does not exist yet. */
export function initRoom(doc: Y.Doc): void {
	doc.getMap(ROOM_KEYS.meta).set('schemaVersion', ROOM_SCHEMA_VERSION);
}

/**
 * A stage's state as stored, with defaults for a stage nobody has changed yet. Anything that
 * is not the expected shape reads as the default rather than throwing on a screen.
 */
export function readStageState(doc: Y.Doc, stageKey: string): StageState {
	const raw = doc.getMap<unknown>(ROOM_KEYS.stages).get(stageKey);
	if (!raw || typeof raw !== 'object') return { ...DEFAULT_STAGE_STATE };
	const value = raw as Partial<Record<keyof StageState, unknown>>;
	return {
		locked: value.locked === true,
		privateWrite: value.privateWrite === true,
		revealedAt: typeof value.revealedAt === 'number' ? value.revealedAt : null,
		hiddenFromProjector: value.hiddenFromProjector === true
	};
}

/** Server side only: merges `patch` into a stage's state. */
export function writeStageState(doc: Y.Doc, stageKey: string, patch: Partial<StageState>): void {
	const next: StageState = { ...readStageState(doc, stageKey), ...patch };
	doc.getMap<StageState>(ROOM_KEYS.stages).set(stageKey, next);
}

export function readSchemaVersion(doc: Y.Doc): number | null {
	const version = doc.getMap<unknown>(ROOM_KEYS.meta).get('schemaVersion');
	return typeof version === 'number' ? version : null;
}
