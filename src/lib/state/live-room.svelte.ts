/**
 * What a screen follows in a workshop's room document, as runes: the live run (agenda, current
 * stage, timer, spotlight, done counts), each stage's state (locked, private, revealed) and the
 * server's who-is-here list. The room is written only by the server, so this only reads.
 *
 * Usage (browser only, in an `$effect` or `onMount`):
 *   const live = new LiveRoom(workshopId);
 *   … live.state.stageKey, live.stageState('shared-terms'), live.whoIsHere, live.connection.status …
 *   live.destroy();
 */
import { readCalibration, type CalibrationView } from '../collab/calibration';
import { readLive, type LiveState } from '../collab/live';
import { readPolls, readResults, type PollView } from '../collab/polls';
import { findWhoIsHere, type WhoIsHere } from '../collab/presence';
import type { PublishedResult } from '../domain/polls';
import { DEFAULT_STAGE_STATE, readStageState, ROOM_KEYS, type StageState } from '../collab/room';
import { roomDocName } from '../collab/doc-names';
import {
	defaultProjectorView,
	readProjectorView,
	readUnrevealed,
	type ProjectorView
} from '../collab/projector';
import { DocConnection, type DocConnectionOptions } from './doc-connection.svelte';

const EMPTY: LiveState = {
	stageKey: null,
	timer: null,
	spotlight: null,
	stages: [],
	teams: [],
	done: {}
};

export class LiveRoom {
	/** Replaced whole on every change of the room: the room changes seldom and is small. */
	state = $state.raw<LiveState>(EMPTY);
	/** Whether the room has synced at least once (before that, `state` is empty, not "no stage"). */
	hasSynced = $state(false);
	/** The server's list of connected participants; null until the server's entry arrives. */
	whoIsHere = $state.raw<WhoIsHere | null>(null);
	/** Polls with their status and live turnout; results once revealed (never ballots). */
	polls = $state.raw<PollView[]>([]);
	/** Calibration rounds (polls of kind `classification`), shown by their stage, not as polls. */
	rounds = $state.raw<PollView[]>([]);
	/** Calibration stages: stage key → leads, categories, the lead under discussion. */
	calibration = $state.raw<Record<string, CalibrationView>>({});
	results = $state.raw<Record<string, PublishedResult>>({});
	/** Cards each team wrote in a private round and not revealed yet: stage → team → count. */
	unrevealed = $state.raw<Record<string, Record<string, number>>>({});
	#stageStates = $state.raw<Record<string, StageState>>({});
	#projectorView = $state.raw<ProjectorView | null>(null);
	#detach: () => void;

	/** The room's connection; its status is 'live' once synced (nobody but the server writes). */
	readonly connection: DocConnection;

	constructor(workshopId: string, options: Omit<DocConnectionOptions, 'doc'> = {}) {
		const room = new DocConnection(roomDocName(workshopId), {
			// The room is read-only for every screen by design; 'read-only' would say nothing.
			isReadOnly: () => false,
			...options
		});
		this.connection = room;
		const doc = room.doc;
		const read = () => {
			this.state = readLive(doc);
			const states: Record<string, StageState> = {};
			for (const key of doc.getMap(ROOM_KEYS.stages).keys()) {
				states[key] = readStageState(doc, key);
			}
			this.#stageStates = states;
			const all = readPolls(doc);
			this.polls = all.filter((p) => p.kind !== 'classification');
			this.rounds = all.filter((p) => p.kind === 'classification');
			this.calibration = readCalibration(doc);
			this.results = readResults(doc);
			this.unrevealed = readUnrevealed(doc);
			const stageKey = this.state.stageKey;
			this.#projectorView = stageKey ? readProjectorView(doc, stageKey) : null;
		};
		const onSync = (synced: boolean) => {
			if (!synced) return;
			this.hasSynced = true;
			read();
		};
		const awareness = room.awareness;
		const onPresence = () => {
			this.whoIsHere = findWhoIsHere(awareness.getStates()) ?? this.whoIsHere;
		};
		doc.on('update', read);
		room.provider.on('sync', onSync);
		awareness.on('change', onPresence);
		if (room.provider.synced) onSync(true);
		read();
		this.#detach = () => {
			doc.off('update', read);
			room.provider.off('sync', onSync);
			awareness.off('change', onPresence);
		};
	}

	/** A stage's state; a stage the server never changed has the defaults. */
	stageState(stageKey: string): StageState {
		return this.#stageStates[stageKey] ?? { ...DEFAULT_STAGE_STATE };
	}

	/** What the projector shows of a stage (term in focus, page); the defaults for any other. */
	projectorView(stageKey: string): ProjectorView {
		const view = this.#projectorView;
		return view?.stageKey === stageKey ? view : defaultProjectorView(stageKey);
	}

	destroy(): void {
		this.#detach();
		this.connection.destroy();
	}
}
