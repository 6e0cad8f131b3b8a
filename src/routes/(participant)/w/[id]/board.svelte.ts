/**
 * One board document this phone follows (the stage's shared board, or during a private round
 * the team's own board), with its cards as runes.
 *
 * Cards are re-read only when the board's items change, not when someone types in a term's
 * wording: those keystrokes reach the textareas through their own Y.Text, and re-listing every
 * card on every character of every team would be wasted work on a phone.
 */
import * as Y from 'yjs';
import type { Member } from '$lib/collab/access';
import { cardsOf, listCards, type Card } from '$lib/collab/cards';
import type { AgendaTeam } from '$lib/collab/live';
import { DocAccess } from '$lib/state/doc-access.svelte';
import { DocConnection } from '$lib/state/doc-connection.svelte';
import type { LiveRoom } from '$lib/state/live-room.svelte';

/** A card as a screen shows it: with the document its shared texts live in. */
export interface BoardItem {
	card: Card;
	doc: Y.Doc;
	/** On the team's private board: only this team sees it until the reveal. */
	isPrivate: boolean;
}

/** What a board of cards is given: its items, and whose screen it is on, for which stage. */
export interface BoardProps {
	items: readonly BoardItem[];
	teams: readonly AgendaTeam[];
	myTeamId: string;
	workshopId: string;
	stageKey: string;
	spotlightItemId?: string | null;
}

export class Board {
	readonly connection: DocConnection;
	readonly access: DocAccess;
	cards = $state.raw<Card[]>([]);
	#detach: () => void;

	constructor(live: LiveRoom, member: Member, docName: string) {
		this.access = new DocAccess(live.connection, member, docName);
		const access = this.access;
		this.connection = new DocConnection(docName, { isReadOnly: () => access.isReadOnly });
		const follow = (doc: Y.Doc) => {
			const items = cardsOf(doc);
			const read = () => (this.cards = listCards(doc));
			const onChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
				if (events.some((event) => !(event.target instanceof Y.Text))) read();
			};
			items.observeDeep(onChange);
			read();
			return () => items.unobserveDeep(onChange);
		};
		let unfollow = follow(this.connection.doc);
		// After the server refused an edit from this phone, its copy is replaced by the server's:
		// the cards (and through `doc`, every text on screen) follow the new one.
		const stop = this.connection.onDocReplaced((doc) => {
			unfollow();
			unfollow = follow(doc);
		});
		this.#detach = () => {
			stop();
			unfollow();
		};
	}

	get doc(): Y.Doc {
		return this.connection.doc;
	}

	destroy(): void {
		this.#detach();
		this.access.destroy();
		this.connection.destroy();
	}
}
