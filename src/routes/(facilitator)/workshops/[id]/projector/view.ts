/** What the projector's paged views are given, so each declares only what is its own. */
import type { Card } from '$lib/collab/cards';
import type { AgendaTeam } from '$lib/collab/live';

/** The teams, in their colours, and which of the view's pages is on the screen. */
export interface PagedView {
	teams: readonly AgendaTeam[];
	page: number;
}

/** A paged view of one stage's board. */
export interface BoardView extends PagedView {
	cards: readonly Card[];
}
