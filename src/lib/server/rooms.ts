/**
 * The server's side of the shared documents, for form actions and endpoints: they read and
 * write documents only through here (`rooms.read`, `rooms.change`), and nothing else writes
 * the room document. Who is connected, and closing connections, are here too. Locking a
 * stage, private writing and reveals are stage-controls.ts, which writes through here.
 *
 * The realtime server (server/realtime) runs in the same process but is a different module
 * graph from the SvelteKit bundle, so it registers itself on `globalThis` and this module
 * finds it there instead of importing it.
 */
import type * as Y from 'yjs';
import type { WhoIsHere } from '../collab/presence';

/** What server/realtime offers this process; see server/realtime/hub.ts. */
export interface RealtimeHub {
	/** Applies `change` in one transaction and resolves once it is committed to the database. */
	change(docName: string, change: (doc: Y.Doc) => void): Promise<void>;
	/** Reads a document (loading it if needed) without changing it. */
	read<T>(docName: string, read: (doc: Y.Doc) => T): Promise<T>;
	/** Participants and facilitators connected to the workshop's room on this instance. */
	whoIsHere(workshopId: string): WhoIsHere;
	/** Closes the connections of a participant or a session; returns how many were closed. */
	disconnect(
		who: { participantId?: string; sessionId?: string },
		why?: 'ended' | 'changed'
	): number;
	/** Closes, drops and deletes every document of a workshop. */
	deleteWorkshop(workshopId: string): Promise<void>;
	/** The names of a workshop's documents loaded on this instance. */
	loaded(workshopId: string): string[];
	/** The names of a workshop's documents that hold anything: stored, or loaded here. */
	existing(workshopId: string): Promise<string[]>;
}

const KEY = Symbol.for('common-ground.realtime');
type Registry = { [KEY]?: RealtimeHub };

export function registerHub(hub: RealtimeHub): void {
	(globalThis as Registry)[KEY] = hub;
}

/**
 * Only the hub that is registered may unregister: under `vite dev` a restarted server
 * registers its new hub before the old one has finished stopping.
 */
export function unregisterHub(hub: RealtimeHub): void {
	const registry = globalThis as Registry;
	if (registry[KEY] === hub) registry[KEY] = undefined;
}

function hub(): RealtimeHub {
	const found = (globalThis as Registry)[KEY];
	if (!found) throw new Error('The realtime server is not running: the server starts it.');
	return found;
}

/** Changes a workshop's room document (the only way it is ever written). */
export function change(docName: string, apply: (doc: Y.Doc) => void): Promise<void> {
	return hub().change(docName, apply);
}

/** Reads a shared document (the server's copy, loading it if needed) without changing it. */
export function read<T>(docName: string, reader: (doc: Y.Doc) => T): Promise<T> {
	return hub().read(docName, reader);
}

/** The workshop's documents this instance holds in memory now (boards being used, mostly). */
export function loaded(workshopId: string): string[] {
	return hub().loaded(workshopId);
}

/** The workshop's documents that hold anything (stored, or loaded on this instance). */
export function existing(workshopId: string): Promise<string[]> {
	return hub().existing(workshopId);
}

export function whoIsHere(workshopId: string): WhoIsHere {
	return hub().whoIsHere(workshopId);
}

/** A removed participant's devices lose their live connections at once. */
export function disconnectParticipant(participantId: string): number {
	return hub().disconnect({ participantId });
}

/**
 * A participant moved to another team reconnects at once, and their new access (the other
 * team's private board, not the old one's) is decided at the upgrade.
 */
export function reconnectParticipant(participantId: string): number {
	return hub().disconnect({ participantId }, 'changed');
}

/** A signed-out session's live connections end with it. */
export function disconnectSession(sessionId: string): number {
	return hub().disconnect({ sessionId });
}

/**
 * Deleting a workshop: call this (before or after deleting its rows elsewhere). Deleting the
 * documents' rows directly is not enough: a loaded document would write itself back.
 */
export function deleteWorkshopDocuments(workshopId: string): Promise<void> {
	return hub().deleteWorkshop(workshopId);
}
