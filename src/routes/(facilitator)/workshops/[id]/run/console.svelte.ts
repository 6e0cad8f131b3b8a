/**
 * What the facilitator console follows while a workshop runs: the room document and the
 * server's clock, the stages' boards, the agreement register, who waits to be let in, the other
 * consoles and the run-sheet; and what the console makes of them (the current stage, who is
 * here per team, the terms ready for a vote).
 *
 * Made once with the page, it opens nothing by itself: the page runs `poll`, `connect` and
 * `meet` in effects, each returning the teardown of what it opened, and `followStage` and
 * `refreshRunSheet` so that the team boards and the run-sheet's actual times follow the stage
 * the room is on. Until the room has synced, the load's snapshot stands in for it.
 */
import { untrack } from 'svelte';
import type { PollView } from '$lib/collab/polls';
import { pollOnProjector } from '$lib/collab/projector';
import { DEFAULT_STAGE_STATE } from '$lib/collab/room';
import { can } from '$lib/domain/permissions';
import { LiveRoom } from '$lib/state/live-room.svelte';
import { ServerClock } from '$lib/state/server-clock.svelte';
import { AdmissionQueue } from './admission.svelte';
import { AgreementRegister } from './agreements.svelte';
import { ConsoleBoards } from './boards.svelte';
import { CoFacilitators } from './co-facilitators.svelte';
import { ConsoleControls } from './controls.svelte';
import { PollControls } from './polls.svelte';
import { ConsoleRunSheet } from './run-sheet.svelte';
import type { PageData } from './$types';

/** Agreements with a poll drafted or open on them. */
function agreementsInVote(polls: readonly PollView[]): ReadonlySet<string> {
	return new Set(
		polls
			.filter((p) => p.agreementId && (p.status === 'draft' || p.status === 'open'))
			.map((p) => p.agreementId!)
	);
}

export class RunConsole {
	room = $state.raw<LiveRoom | null>(null);
	clock = $state.raw<ServerClock | null>(null);
	boards = $state.raw<ConsoleBoards | null>(null);
	register = $state.raw<AgreementRegister | null>(null);
	admission = $state.raw<AdmissionQueue | null>(null);
	coFacilitators = $state.raw<CoFacilitators | null>(null);
	runSheet = $state.raw<ConsoleRunSheet | null>(null);

	constructor(private readonly data: () => PageData) {}

	/** The page's data, read again when the page loads again. */
	#page = $derived.by(() => this.data());

	// Made again only for another workshop, so a reload of the page keeps what is pending.
	workshopId = $derived(this.#page.workshop.id);
	controls = $derived(new ConsoleControls(this.workshopId));
	pollControls = $derived(new PollControls(this.workshopId));
	/** A producer runs the room but not its votes: the server refuses them, so no controls. */
	runsPolls = $derived(can(this.#page.role, 'poll.manage'));

	// The snapshot from the load until the room's own connection has synced.
	isSynced = $derived(this.room?.hasSynced ?? false);
	live = $derived(this.room && this.isSynced ? this.room.state : this.#page.room.live);
	stageStateOf = (key: string) =>
		this.room && this.isSynced
			? this.room.stageState(key)
			: (this.#page.room.stageStates[key] ?? DEFAULT_STAGE_STATE);
	currentKey = $derived(this.live.stageKey);
	currentStage = $derived.by(() => {
		const key = this.currentKey;
		if (!key) return null;
		return (
			this.#page.stages.find((s) => s.key === key) ??
			this.live.stages.find((s) => s.key === key) ??
			null
		);
	});

	whoIsHere = $derived(this.room?.whoIsHere ?? this.#page.whoIsHere);
	hereByTeam = $derived.by(() => {
		const counts: Record<string, number> = {};
		for (const p of this.whoIsHere.participants) counts[p.teamId] = (counts[p.teamId] ?? 0) + 1;
		return counts;
	});
	serverNow = () => this.clock?.now() ?? Date.now();
	status = $derived(this.room?.connection.status ?? 'connecting');

	polls = $derived(this.room?.polls ?? []);
	inVote = $derived(agreementsInVote(this.polls));
	/** Terms with a merged wording, which a poll can put to the room. */
	termsToDecide = $derived(
		this.#page.stages
			.filter((s) => s.kind === 'shared-terms')
			.flatMap((s) =>
				(this.boards?.items(s.key) ?? [])
					.filter((item) => item.type === 'term' && item.merged.trim())
					.map((item) => ({ stageKey: s.key, id: item.id, text: item.text, merged: item.merged }))
			)
	);

	/** The revealed result the projector shows in place of the stage's board, if any. */
	projectorResult = (stageKey: string) => {
		const shown = pollOnProjector(this.polls, stageKey, this.room?.projectorView(stageKey) ?? null);
		return shown?.status === 'revealed' ? shown : undefined;
	};

	/** What this console is doing, from the part of it in use (`data-activity`). */
	noteActivity = (event: Event) => {
		const target = event.target instanceof Element ? event.target : null;
		const region = target?.closest<HTMLElement>('[data-activity]');
		this.coFacilitators?.doing(region?.dataset.activity ?? null);
	};

	/**
	 * Follows what the room document does not carry, asked of the server every few seconds: who
	 * waits to be let in, and the run-sheet. Returns the end of it.
	 */
	poll(): () => void {
		const workshopId = this.#page.workshop.id;
		const queue = new AdmissionQueue(
			workshopId,
			untrack(() => this.#page.admission)
		);
		const sheet = new ConsoleRunSheet(
			workshopId,
			untrack(() => this.#page.runSheet)
		);
		this.admission = queue;
		this.runSheet = sheet;
		return () => {
			queue.destroy();
			sheet.destroy();
		};
	}

	/** Opens the room, the clock, the boards and the register; returns their closing. */
	connect(): () => void {
		const page = this.#page;
		const workshopId = page.workshop.id;
		const room = new LiveRoom(workshopId);
		const clock = new ServerClock();
		const boards = new ConsoleBoards(
			room,
			workshopId,
			page.stages.map((s) => s.key),
			page.teams.map((t) => t.id),
			{ role: page.role, teamId: null }
		);
		const register = new AgreementRegister(room.connection.doc);
		this.room = room;
		this.clock = clock;
		this.boards = boards;
		this.register = register;
		return () => {
			register.destroy();
			boards.destroy();
			room.destroy();
			clock.destroy();
		};
	}

	/** Joins the other consoles on the room's awareness; returns the leaving. */
	meet(): (() => void) | undefined {
		const connection = this.room?.connection;
		if (!connection) return;
		const next = new CoFacilitators(
			connection.awareness,
			untrack(() => this.#page.me.name)
		);
		this.coFacilitators = next;
		return () => next.destroy();
	}

	/** Actual times change when the room moves: the run-sheet is read again then. */
	refreshRunSheet(): void {
		void this.currentKey;
		untrack(() => void this.runSheet?.refresh());
	}

	/** The team boards follow the stage the room is on. */
	followStage(): void {
		const key = this.currentKey;
		const boards = this.boards;
		untrack(() => boards?.follow(key));
	}
}
