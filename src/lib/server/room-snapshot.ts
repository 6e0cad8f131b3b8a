/**
 * A workshop's room as a page first paints it. The console and the projector follow the room
 * document over a live connection, which takes a moment to sync after the page loads; painting
 * from this snapshot meanwhile means the projector does not flash the join screen over a stage
 * that is running, and the countdown is right in the server-rendered HTML.
 */
import { roomDocName } from '../collab/doc-names';
import { readLive, type LiveState } from '../collab/live';
import { readStageStates, type StageState } from '../collab/room';
import * as rooms from './rooms';

export interface RoomSnapshot {
	live: LiveState;
	/** stage key → state, for every stage that was ever changed. */
	stageStates: Record<string, StageState>;
}

export function roomSnapshot(workshopId: string): Promise<RoomSnapshot> {
	return rooms.read(roomDocName(workshopId), (doc) => ({
		live: readLive(doc),
		stageStates: readStageStates(doc)
	}));
}
