/**
 * Board documents: a stage's shared board (`workshop/<id>/stage/<key>`) and, while a stage is
 * in private-write mode, one board per team (`…/team/<teamId>`). Participants and the
 * facilitator edit them directly through Yjs; the server only checks who may write.
 *
 * Everything on a board lives in keyed maps under globally unique ids (cards, wordings), never
 * under shared fixed keys. That is what makes a reveal a plain CRDT merge: applying a team
 * board's state to the stage board adds that team's items next to everyone else's, and
 * applying it again (a later reveal) adds only what is new.
 */
import * as Y from 'yjs';

export const BOARD_KEYS = {
	/** card id → Y.Map of the card's fields (text, teamId, …; shaped by the stage). */
	cards: 'cards'
} as const;

/** Merges a team board's full state (`Y.encodeStateAsUpdate`) into the stage board. */
export function mergeBoard(stageBoard: Y.Doc, teamBoardState: Uint8Array): void {
	Y.applyUpdate(stageBoard, teamBoardState);
}
