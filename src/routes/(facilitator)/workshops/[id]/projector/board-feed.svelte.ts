/**
 * The current stage's shared board as the projector receives it: connected as the shared
 * screen (PROJECTOR_PARAMS), so the server sends nothing of a board hidden from the projector
 * and no team's private board. Read-only: the projector never writes.
 *
 * `cards` is re-read when the items change; `version` moves on every change, texts included,
 * so a term's wordings on screen follow each keystroke; `typedIn` is the term someone typed in
 * last (the projector follows it when the facilitator has not picked one).
 */
import * as Y from 'yjs';
import type { Member } from '$lib/collab/access';
import { cardsOf, listCards, termText, type Card } from '$lib/collab/cards';
import { stageDocName } from '$lib/collab/doc-names';
import { PROJECTOR_PARAMS } from '$lib/collab/projector';
import { DocAccess } from '$lib/state/doc-access.svelte';
import { DocConnection } from '$lib/state/doc-connection.svelte';
import type { LiveRoom } from '$lib/state/live-room.svelte';

const SHARED_SCREEN: Member = { role: 'projector', teamId: null };

export class BoardFeed {
	cards = $state.raw<Card[]>([]);
	version = $state(0);
	typedIn = $state<string | null>(null);
	readonly connection: DocConnection;
	readonly #access: DocAccess;
	#detach: () => void;

	constructor(room: LiveRoom, workshopId: string, stageKey: string) {
		const docName = stageDocName(workshopId, stageKey);
		const access = new DocAccess(room.connection, SHARED_SCREEN, docName);
		this.#access = access;
		this.connection = new DocConnection(docName, {
			isReadOnly: () => access.isReadOnly,
			params: PROJECTOR_PARAMS
		});
		const items = cardsOf(this.connection.doc);
		const onChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
			let isListChanged = false;
			for (const event of events) {
				if (event.target instanceof Y.Text) {
					const cardId = event.path[0];
					if (typeof cardId === 'string') this.typedIn = cardId;
				} else {
					isListChanged = true;
				}
			}
			if (isListChanged) this.cards = listCards(this.connection.doc);
			this.version++;
		};
		items.observeDeep(onChange);
		this.cards = listCards(this.connection.doc);
		this.#detach = () => items.unobserveDeep(onChange);
	}

	/** A card's shared text (a term's wording, fields or merged wording), as it is now. */
	text(cardId: string, key: string): string | null {
		void this.version;
		return termText(this.connection.doc, cardId, key)?.toString() ?? null;
	}

	/** Whether the board has synced once (before that, an empty board means nothing). */
	get hasSynced(): boolean {
		return this.connection.isSynced || this.cards.length > 0;
	}

	destroy(): void {
		this.#detach();
		this.#access.destroy();
		this.connection.destroy();
	}
}
