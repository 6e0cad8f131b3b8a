/**
 * What the room's shared screen (the projector) follows in the room document besides the live
 * run: which term of Shared terms the facilitator put on it, which page of a stage's work it
 * shows, whether a revealed result was put away to show the board again, and, during a private
 * round, how many cards each team has written so far. Counts only: the projector never receives
 * a team's private board (see `accessTo`). Written only by the server
 * (src/lib/server/projector.ts); values are plain JSON set whole, like the rest of the room.
 *
 * Whether a board is hidden from the projector is a stage state (room.ts), because the
 * realtime server enforces it.
 */
import type * as Y from 'yjs';
import type { Card } from './cards';
import type { PollView } from './polls';
import { ROOM_KEYS } from './room';

/**
 * The projector window's board connections add this to the realtime URL: the upgrade then
 * treats them as the shared screen (role `projector`), whatever the facilitator's session
 * could see otherwise.
 */
export const PROJECTOR_PARAMS: Readonly<Record<string, string>> = Object.freeze({
	view: 'projector'
});

export const PROJECTOR_KEYS = {
	/** In ROOM_KEYS.current: the ProjectorView of the stage the room is on. */
	view: 'projector',
	/** Top-level map (ROOM_KEYS.unrevealed): stage key → { [teamId]: cards not yet revealed }. */
	unrevealed: ROOM_KEYS.unrevealed
} as const;

export interface ProjectorView {
	stageKey: string;
	/** Shared terms: the term the facilitator put on the screen; null: it follows the typing. */
	termId: string | null;
	/** Which page of the stage's work; any whole number, counted round the pages there are. */
	page: number;
	/** A revealed poll whose result the facilitator put away to show the board again. */
	resultPutAway: string | null;
}

export function defaultProjectorView(stageKey: string): ProjectorView {
	return { stageKey, termId: null, page: 0, resultPutAway: null };
}

/** The projector's view of a stage: what was set for it, or the default for any other stage. */
export function readProjectorView(doc: Y.Doc, stageKey: string): ProjectorView {
	const raw = doc.getMap<unknown>(ROOM_KEYS.current).get(PROJECTOR_KEYS.view);
	if (!raw || typeof raw !== 'object') return defaultProjectorView(stageKey);
	const value = raw as Partial<Record<keyof ProjectorView, unknown>>;
	if (value.stageKey !== stageKey) return defaultProjectorView(stageKey);
	return {
		stageKey,
		termId: typeof value.termId === 'string' ? value.termId : null,
		page: Number.isInteger(value.page) ? (value.page as number) : 0,
		resultPutAway: typeof value.resultPutAway === 'string' ? value.resultPutAway : null
	};
}

/** Server side only. */
export function writeProjectorView(doc: Y.Doc, view: ProjectorView): void {
	doc.getMap<unknown>(ROOM_KEYS.current).set(PROJECTOR_KEYS.view, view);
}

/** stage key → team id → cards written in the private round and not revealed yet. */
export function readUnrevealed(doc: Y.Doc): Record<string, Record<string, number>> {
	const counts: Record<string, Record<string, number>> = {};
	doc.getMap<unknown>(PROJECTOR_KEYS.unrevealed).forEach((value, stageKey) => {
		if (value && typeof value === 'object') counts[stageKey] = value as Record<string, number>;
	});
	return counts;
}

/**
 * Server side only: writes nothing when the counts are what the room already has, and leaves
 * no entry for a stage with nothing unrevealed.
 */
export function writeUnrevealed(
	doc: Y.Doc,
	stageKey: string,
	counts: Record<string, number>
): void {
	const map = doc.getMap<unknown>(PROJECTOR_KEYS.unrevealed);
	if (JSON.stringify(map.get(stageKey) ?? {}) === JSON.stringify(counts)) return;
	if (Object.keys(counts).length === 0) map.delete(stageKey);
	else map.set(stageKey, counts);
}

/**
 * Per team, the cards on its private board that the stage board does not have yet: a team
 * board keeps what an earlier reveal already merged, and those are no secret any more.
 */
export function countUnrevealed(
	teamCards: ReadonlyArray<{ teamId: string; cardIds: readonly string[] }>,
	stageCardIds: ReadonlySet<string>
): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const { teamId, cardIds } of teamCards) {
		const n = cardIds.filter((id) => !stageCardIds.has(id)).length;
		if (n > 0) counts[teamId] = n;
	}
	return counts;
}

/**
 * The poll that takes the projector: one people are voting in (or whose votes are being
 * counted), else the last one revealed on this stage, until the facilitator puts it away.
 */
export function pollOnProjector(
	polls: readonly PollView[],
	stageKey: string | null,
	view: ProjectorView | null
): PollView | undefined {
	const running = polls.find((p) => p.status === 'open' || p.status === 'closed');
	if (running) return running;
	const revealed = polls.filter((p) => p.status === 'revealed' && p.stageKey === stageKey).at(-1);
	if (!revealed || (view && view.resultPutAway === revealed.id)) return undefined;
	return revealed;
}

/**
 * The term on the projector: the one the facilitator put there; otherwise the one someone is
 * typing in now; otherwise the first term without a merged wording yet (the room's next job),
 * or the first term.
 */
export function termOnProjector<T extends Pick<Card, 'id'>>(
	terms: readonly T[],
	picked: string | null,
	typedIn: string | null,
	hasMergedWording: (term: T) => boolean
): T | null {
	return (
		terms.find((t) => t.id === picked) ??
		terms.find((t) => t.id === typedIn) ??
		terms.find((t) => !hasMergedWording(t)) ??
		terms[0] ??
		null
	);
}

/** Page `page` of `count`, counted round: the page after the last is the first again. */
export function pageIndex(page: number, count: number): number {
	if (count <= 0) return 0;
	return ((page % count) + count) % count;
}
