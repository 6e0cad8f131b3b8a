/**
 * What the participant's phone follows in the live room: the room document, the server's
 * clock, the current stage's shared board and, during a private round, the team's own board;
 * and what the screen makes of them (the stage, what is locked, the cards to show, the worst
 * connection state).
 *
 * Made once with the page, it opens nothing by itself: the page runs `connect`, `followStage`,
 * `followTeam` and `prepareBallots` in effects, and each returns the teardown of what it
 * opened, so a new stage closes the previous stage's boards and leaving the page closes all.
 * Until the room has synced, the page's data from the database stands in for it.
 */
import type { Member } from '$lib/collab/access';
import { stageDocName, teamDocName } from '$lib/collab/doc-names';
import { keyFor } from '$lib/client/voting-token';
import type { ConnectionStatus } from '$lib/state/doc-connection.svelte';
import { LiveRoom } from '$lib/state/live-room.svelte';
import { ServerClock } from '$lib/state/server-clock.svelte';
import { prepareAhead } from './ballot-key';
import { Board, type BoardItem } from './board.svelte';
import type { PageData } from './$types';

/** The worst state among the documents this screen relies on is the one to show. */
const SEVERITY: ConnectionStatus[] = ['live', 'read-only', 'connecting', 'offline'];

export class ParticipantRoom {
	live = $state.raw<LiveRoom | null>(null);
	clock = $state.raw<ServerClock | null>(null);
	board = $state.raw<Board | null>(null);
	/** The team's private board, followed only while the stage is in a private round. */
	teamBoard = $state.raw<Board | null>(null);

	constructor(private readonly data: () => PageData) {}

	/** The page's data, read again when the page loads again (as after a change of team). */
	#page = $derived.by(() => this.data());

	workshopId = $derived(this.#page.workshop.id);
	myTeamId = $derived(this.#page.me.teamId);
	#member: Member = $derived({ role: 'participant', teamId: this.myTeamId });

	// Until the room has synced (or before the facilitator first moved everyone), the database's
	// agenda stands in for the room's.
	teams = $derived(this.live?.state.teams.length ? this.live.state.teams : this.#page.teams);
	stages = $derived(this.live?.state.stages.length ? this.live.state.stages : this.#page.stages);
	myTeam = $derived(this.teams.find((t) => t.id === this.myTeamId));
	stageKey = $derived(this.live?.state.stageKey ?? null);
	stageIndex = $derived(this.stages.findIndex((s) => s.key === this.stageKey));
	stage = $derived(this.stageIndex >= 0 ? this.stages[this.stageIndex]! : null);
	#stageState = $derived(this.live && this.stageKey ? this.live.stageState(this.stageKey) : null);
	isLocked = $derived(this.#stageState?.locked ?? false);
	isPrivate = $derived(this.#stageState?.privateWrite ?? false);
	timer = $derived(
		this.live?.state.timer && this.live.state.timer.stageKey === this.stageKey
			? this.live.state.timer
			: null
	);
	spotlight = $derived(this.live?.state.spotlight ?? null);
	spotlightTeam = $derived(this.teams.find((t) => t.id === this.spotlight?.teamId) ?? null);
	/** The spotlit card when it is on the current stage's board. */
	spotlightItemId = $derived(
		this.spotlight && this.spotlight.stageKey === this.stageKey ? this.spotlight.itemId : null
	);

	items = $derived.by((): BoardItem[] => {
		const list: BoardItem[] = [];
		const seen: Record<string, true> = {};
		if (this.board) {
			for (const card of this.board.cards) {
				list.push({ card, doc: this.board.doc, isPrivate: false });
				seen[card.id] = true;
			}
		}
		// After a reveal a card is on both boards; the shared board's copy is the one shown.
		if (this.teamBoard) {
			for (const card of this.teamBoard.cards) {
				if (!seen[card.id]) list.push({ card, doc: this.teamBoard.doc, isPrivate: true });
			}
		}
		return list.sort(
			(a, b) => a.card.position - b.card.position || a.card.createdAt - b.card.createdAt
		);
	});

	#connections = $derived(
		[this.live?.connection, this.board?.connection, this.teamBoard?.connection].filter((c) => !!c)
	);
	status = $derived<ConnectionStatus>(
		this.#connections.length === 0
			? 'connecting'
			: this.#connections.reduce<ConnectionStatus>(
					(worst, c) => (SEVERITY.indexOf(c.status) > SEVERITY.indexOf(worst) ? c.status : worst),
					'live'
				)
	);
	refusal = $derived(this.#connections.find((c) => c.refusal)?.refusal ?? null);

	/**
	 * Typing in shared texts: while the board takes edits, also through a dropped connection
	 * (kept in the document, sent when back; the status bar says so), never on a locked stage.
	 */
	canWrite = $derived(!!this.board && this.board.connection.canEdit && !this.isLocked);

	// Starts from the database and follows this person's own toggles from then on.
	#doneStages = $derived<string[]>([...this.#page.doneStages]);
	isDone = $derived(this.stageKey ? this.#doneStages.includes(this.stageKey) : false);

	/**
	 * Open and closed polls above whatever stage is on, and the latest result revealed on this
	 * stage (as on the projector): once the room moves on, an earlier stage's result would push
	 * the new stage off a phone's first screen.
	 */
	shownPolls = $derived.by(() => {
		const polls = this.live?.polls ?? [];
		const running = polls.filter((p) => p.status === 'open' || p.status === 'closed');
		const latest = polls
			.filter((p) => p.status === 'revealed' && p.stageKey === this.stageKey)
			.at(-1);
		return latest ? [...running, latest] : running;
	});

	present = $derived(
		this.live?.whoIsHere
			? this.live.whoIsHere.participants.map((p) => ({
					id: p.participantId,
					displayName: p.displayName,
					teamId: p.teamId
				}))
			: this.#page.present
	);

	retry = (): void => {
		for (const c of this.#connections) c.reconnectNow();
	};

	setDone = (value: boolean): void => {
		const key = this.stageKey;
		if (!key) return;
		this.#doneStages = value
			? [...this.#doneStages, key]
			: this.#doneStages.filter((done) => done !== key);
	};

	/** Opens the room document and the clock; returns their closing. */
	connect(): () => void {
		const room = new LiveRoom(this.workshopId);
		const clock = new ServerClock();
		this.live = room;
		this.clock = clock;
		return () => {
			this.live = null;
			this.clock = null;
			room.destroy();
			clock.destroy();
		};
	}

	/** Opens the shared board of the stage the room is on; returns its closing. */
	followStage(): (() => void) | undefined {
		return this.#follow(
			(board) => (this.board = board),
			this.stageKey ? stageDocName(this.workshopId, this.stageKey) : null
		);
	}

	/** Opens the team's own board while the stage is in a private round; returns its closing. */
	followTeam(): (() => void) | undefined {
		return this.#follow(
			(board) => (this.teamBoard = board),
			this.stageKey && this.isPrivate
				? teamDocName(this.workshopId, this.stageKey, this.myTeamId)
				: null
		);
	}

	/** Drafts are not shown, but this device prepares its voting token for each one already. */
	prepareBallots(): void {
		for (const poll of this.live?.polls ?? []) {
			if (poll.status === 'draft') {
				void prepareAhead(poll.id, keyFor(poll.keys ?? [], this.myTeamId));
			}
		}
	}

	#follow(show: (board: Board | null) => void, docName: string | null): (() => void) | undefined {
		const live = this.live;
		if (!live || !docName) return;
		const opened = new Board(live, this.#member, docName);
		show(opened);
		return () => {
			show(null);
			opened.destroy();
		};
	}
}
