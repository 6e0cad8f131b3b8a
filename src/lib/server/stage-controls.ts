/**
 * Stage controls, the facilitator's switches on a stage while the workshop runs: lock and
 * unlock it, start and stop private writing, reveal the teams' boards. They are the stage's
 * state in the room document (`locked`, `privateWrite`, `revealedAt`; src/lib/collab/room.ts),
 * written only here, through the realtime hub (rooms.ts). The realtime server decides the
 * access of every live connection again whenever the room changes, so a lock or a new private
 * round takes effect on open sockets at once.
 *
 * The stage rows (title, prompt, timebox, order) are stages.ts; hiding a stage from the
 * projector is projector.ts.
 */
import * as Y from 'yjs';
import { mergeBoard } from '../collab/board';
import { roomDocName, stageDocName, teamDocName } from '../collab/doc-names';
import { readStageState, writeStageState, type StageState } from '../collab/room';
import * as rooms from './rooms';
import * as workshops from './workshops';

/** Whether a stage is locked, in private writing, revealed (and hidden from the projector). */
export function stateOf(workshopId: string, stageKey: string): Promise<StageState> {
	return rooms.read(roomDocName(workshopId), (doc) => readStageState(doc, stageKey));
}

/** Locked: participants can only read the stage's board and their team board. */
export function setLocked(workshopId: string, stageKey: string, locked: boolean) {
	return rooms.change(roomDocName(workshopId), (doc) => writeStageState(doc, stageKey, { locked }));
}

/**
 * Private writing: each team writes on its own board, which other teams' devices do not
 * receive until `reveal`. Starting a new private round hides the boards again.
 */
export function setPrivateWrite(workshopId: string, stageKey: string, privateWrite: boolean) {
	return rooms.change(roomDocName(workshopId), (doc) =>
		writeStageState(
			doc,
			stageKey,
			privateWrite ? { privateWrite: true, revealedAt: null } : { privateWrite: false }
		)
	);
}

/** Ends private writing and merges every team's board into the stage board. */
export async function reveal(workshopId: string, stageKey: string): Promise<void> {
	// First stop the writing, so nothing lands on a team board after it was merged.
	await setPrivateWrite(workshopId, stageKey, false);
	const teams = await workshops.teams(workshopId);
	const states = await Promise.all(
		teams.map((team) =>
			rooms.read(teamDocName(workshopId, stageKey, team.id), (doc) => Y.encodeStateAsUpdate(doc))
		)
	);
	await rooms.change(stageDocName(workshopId, stageKey), (doc) => {
		for (const state of states) mergeBoard(doc, state);
	});
	await rooms.change(roomDocName(workshopId), (doc) =>
		writeStageState(doc, stageKey, { revealedAt: Date.now() })
	);
}
