/**
 * What this device may do with one shared document right now, read from the room document
 * with the very rule the realtime server enforces (`accessTo` in $lib/collab/access).
 *
 * The server decides read-only at the upgrade and again whenever the room document changes
 * (the facilitator locks a stage, opens private writing, reveals). It does not announce the
 * change on the board's socket: it drops a read-only connection's updates (and, when access
 * is withdrawn entirely, closes with 4403). The room document that carries the stage state
 * reaches every device anyway, so the browser applies the same function to the same data and
 * shows "read-only" at the moment the server starts enforcing it.
 *
 * Usage, next to the connections it serves:
 *   const room = new DocConnection(roomDocName(id));
 *   const access = new DocAccess(room, member, stageDocName(id, key));
 *   const board = new DocConnection(stageDocName(id, key), { isReadOnly: () => access.isReadOnly });
 */
import * as Y from 'yjs';
import { accessTo, type Access, type Member } from '../collab/access';
import { parseDocName, type DocAddress } from '../collab/doc-names';
import { DEFAULT_STAGE_STATE, readStageState, ROOM_KEYS, type StageState } from '../collab/room';
import type { DocConnection } from './doc-connection.svelte';

export class DocAccess {
	readonly address: DocAddress;
	/** The stage's state as last read from the room; null until the room first synced. */
	#stage = $state<StageState | null>(null);

	/** null while unknown (the room has not synced yet): nothing should be offered then. */
	access: Access | null = $derived.by(() =>
		this.#stage ? accessTo(this.member, this.address, this.#stage) : null
	);

	/** For DocConnection's `isReadOnly`: null (unknown) keeps its status at 'connecting'. */
	isReadOnly: boolean | null = $derived(this.access === null ? null : this.access !== 'write');

	#detach: () => void;

	constructor(
		readonly room: DocConnection,
		readonly member: Member,
		docName: string
	) {
		const address = parseDocName(docName);
		if (!address) throw new Error(`Not a workshop document name: ${docName}`);
		this.address = address;

		const stageKey = address.kind === 'room' ? null : address.stageKey;
		const stages = room.doc.getMap(ROOM_KEYS.stages);
		let hasSynced = false;
		const read = () => {
			if (!hasSynced) return;
			// The room document has no stage for itself; its access does not depend on one.
			this.#stage = stageKey ? readStageState(room.doc, stageKey) : { ...NO_STAGE };
		};
		const onSync = (synced: boolean) => {
			if (synced) hasSynced = true;
			read();
		};
		const onStages = (event: Y.YMapEvent<unknown>) => {
			if (!stageKey || event.keysChanged.has(stageKey)) read();
		};
		room.provider.on('sync', onSync);
		stages.observe(onStages);
		if (room.provider.synced) onSync(true);
		this.#detach = () => {
			room.provider.off('sync', onSync);
			stages.unobserve(onStages);
		};
	}

	destroy(): void {
		this.#detach();
	}
}

const NO_STAGE: StageState = { ...DEFAULT_STAGE_STATE };
