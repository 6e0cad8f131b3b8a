/**
 * The board documents the console follows: every stage's shared board (the balance meter's
 * "overall" needs them all) and, for the current stage, each team's private board, so the
 * facilitator watches a private round fill up before anyone else sees it. Team boards follow
 * the current stage: `follow(stageKey)` opens the new ones and closes the old.
 *
 * Everything read from here goes through `version`, bumped on any document update, so a
 * screen's `$derived` values recompute when a card lands on any of the boards.
 */
import * as Y from 'yjs';
import type { Member } from '$lib/collab/access';
import {
	contributionsOf,
	emptyTally,
	sumContributions,
	tallyBoard,
	type TeamContribution
} from '$lib/collab/balance';
import { listCards, TERM_TEXT, termText, type Card } from '$lib/collab/cards';
import { stageDocName, teamDocName } from '$lib/collab/doc-names';
import { DocAccess } from '$lib/state/doc-access.svelte';
import { DocConnection } from '$lib/state/doc-connection.svelte';
import type { LiveRoom } from '$lib/state/live-room.svelte';

interface Followed {
	connection: DocConnection;
	access: DocAccess;
	detach: () => void;
}

export interface BoardItem extends Card {
	/** Terms: each team's wording so far, in team order. */
	wordings: Array<{ teamId: string; text: string }>;
	/** Terms: the merged wording so far. */
	merged: string;
	/** Where the item is: the shared board, or a team's private board during a private round. */
	source: 'stage' | 'team';
}

export class ConsoleBoards {
	/** Bumped on every update of any followed board. */
	version = $state(0);
	/** The stage whose team boards are followed, or null. */
	followedStage = $state<string | null>(null);

	// Not state: what changes on screen is the documents' content, announced through `version`.
	/** stage key → its shared board. */
	#stageBoards: Record<string, Followed> = {};
	/** team id → its board on the followed stage. */
	#teamBoards: Record<string, Followed> = {};

	constructor(
		readonly room: LiveRoom,
		readonly workshopId: string,
		stageKeys: readonly string[],
		readonly teamIds: readonly string[],
		readonly member: Member
	) {
		for (const key of stageKeys) {
			this.#stageBoards[key] = this.#open(stageDocName(workshopId, key));
		}
	}

	/** A stage's shared board connection, for its status. */
	stageConnection(stageKey: string): DocConnection | null {
		return this.#stageBoards[stageKey]?.connection ?? null;
	}

	/** Opens the team boards of `stageKey` (closing those of the previous stage). */
	follow(stageKey: string | null): void {
		if (stageKey === this.followedStage) return;
		for (const followed of Object.values(this.#teamBoards)) this.#close(followed);
		this.#teamBoards = {};
		this.followedStage = stageKey;
		if (stageKey && this.#stageBoards[stageKey]) {
			for (const teamId of this.teamIds) {
				this.#teamBoards[teamId] = this.#open(teamDocName(this.workshopId, stageKey, teamId));
			}
		}
		this.version++;
	}

	/** The stage's items from its shared board and (when followed) its team boards. */
	items(stageKey: string): BoardItem[] {
		this.#track();
		const byId: Record<string, BoardItem> = {};
		const stageBoard = this.#stageBoards[stageKey];
		if (stageBoard) {
			for (const card of listCards(stageBoard.connection.doc)) {
				byId[card.id] = this.#item(stageBoard.connection.doc, card, 'stage');
			}
		}
		// A revealed card is on both; the shared board's copy is the one everyone sees.
		for (const doc of this.#teamDocsOf(stageKey)) {
			for (const card of listCards(doc)) byId[card.id] ??= this.#item(doc, card, 'team');
		}
		// Steps are ordered by hand; everything else reads in the order it was written (positions
		// are per board, so a revealed team card's position says nothing next to the others).
		return Object.values(byId).sort((a, b) =>
			a.type === 'step' && b.type === 'step'
				? a.position - b.position
				: a.createdAt - b.createdAt || a.position - b.position
		);
	}

	/** Per team id: what each team put on this stage. */
	balance(stageKey: string): Record<string, TeamContribution> {
		this.#track();
		const tally = emptyTally();
		const stageBoard = this.#stageBoards[stageKey];
		if (stageBoard) tallyBoard(stageBoard.connection.doc, tally);
		for (const doc of this.#teamDocsOf(stageKey)) tallyBoard(doc, tally);
		return contributionsOf(tally, this.teamIds);
	}

	/** Per team id: what each team put on all stages. */
	overallBalance(): Record<string, TeamContribution> {
		this.#track();
		return sumContributions(
			Object.keys(this.#stageBoards).map((key) => this.balance(key)),
			this.teamIds
		);
	}

	destroy(): void {
		const all = [...Object.values(this.#teamBoards), ...Object.values(this.#stageBoards)];
		for (const followed of all) this.#close(followed);
		this.#teamBoards = {};
		this.#stageBoards = {};
	}

	/** Makes the caller's `$derived` depend on every board's content. */
	#track(): number {
		return this.version;
	}

	#teamDocsOf(stageKey: string): Y.Doc[] {
		if (stageKey !== this.followedStage) return [];
		return Object.values(this.#teamBoards).map((followed) => followed.connection.doc);
	}

	#item(doc: Y.Doc, card: Card, source: BoardItem['source']): BoardItem {
		const isTerm = card.type === 'term';
		return {
			...card,
			source,
			wordings: isTerm
				? this.teamIds.map((teamId) => ({
						teamId,
						text: termText(doc, card.id, TERM_TEXT.wording(teamId))?.toString() ?? ''
					}))
				: [],
			merged: isTerm ? (termText(doc, card.id, TERM_TEXT.merged)?.toString() ?? '') : ''
		};
	}

	#open(docName: string): Followed {
		const access = new DocAccess(this.room.connection, this.member, docName);
		const connection = new DocConnection(docName, { isReadOnly: () => access.isReadOnly });
		const onUpdate = () => this.version++;
		connection.doc.on('update', onUpdate);
		return { connection, access, detach: () => connection.doc.off('update', onUpdate) };
	}

	#close(followed: Followed): void {
		followed.detach();
		followed.access.destroy();
		followed.connection.destroy();
	}
}
