/**
 * What a board keeps per team. A term holds one wording and one list of fields per team, as
 * Y.Text under `wording:<teamId>` and `fields:<teamId>`; cards name teams by id (who wrote
 * them, who owns a step or a measure, whom an empathy card is about).
 *
 * Only the server creates a term's texts: a client may type inside texts a card already has,
 * never add one (server/realtime/board-guard.ts), and two devices creating the same text at
 * once would each make their own, one of them lost. So the server fits boards to the team
 * list: when a team is added (every loaded board and every stage board, at once) and whenever
 * a board is loaded (server/realtime/document-upgrade.ts), so a board stored before a team
 * existed gets that team's texts before anyone reads it.
 */
import * as Y from 'yjs';
import { cardsOf, TERM_TEXT, textOwner } from './cards';

/** The texts a term must have for these teams, by key. */
function slotKeys(teamId: string): string[] {
	return [TERM_TEXT.wording(teamId), TERM_TEXT.fields(teamId)];
}

/** How many texts `addMissingSlots` would add: 0 when the board fits the teams already. */
export function missingSlots(doc: Y.Doc, teamIds: readonly string[]): number {
	let missing = 0;
	cardsOf(doc).forEach((item) => {
		if (item.get('type') !== 'term') return;
		for (const teamId of teamIds) {
			for (const key of slotKeys(teamId)) if (!(item.get(key) instanceof Y.Text)) missing++;
		}
	});
	return missing;
}

/**
 * Server side, inside a change: gives every term a wording and fields for each of these
 * teams, and leaves every text it has alone. Returns how many texts it added.
 */
export function addMissingSlots(doc: Y.Doc, teamIds: readonly string[]): number {
	let added = 0;
	cardsOf(doc).forEach((item) => {
		if (item.get('type') !== 'term') return;
		for (const teamId of teamIds) {
			for (const key of slotKeys(teamId)) {
				if (item.get(key) instanceof Y.Text) continue;
				item.set(key, new Y.Text());
				added++;
			}
		}
	});
	return added;
}

/**
 * Server side, inside a change, once a team is gone: removes its texts that hold nothing. A
 * text with words in it stays (a team with work on the boards is not removed; see `workOf`).
 * Returns how many texts it removed.
 */
export function dropEmptySlots(doc: Y.Doc, teamId: string): number {
	let dropped = 0;
	cardsOf(doc).forEach((item) => {
		for (const key of [...item.keys()]) {
			const owner = textOwner(key);
			if (owner.kind !== 'team' || owner.teamId !== teamId) continue;
			const text = item.get(key);
			if (text instanceof Y.Text && text.length === 0) {
				item.delete(key);
				dropped++;
			}
		}
	});
	return dropped;
}

export interface TeamWork {
	/** Cards the team wrote, owns, or that are about it, by id. */
	cardIds: string[];
	/** Terms (by name) where the team's wording or fields hold text. */
	terms: string[];
}

/** What on this board belongs to the team, and would be left without one if it went. */
export function workOf(doc: Y.Doc, teamId: string): TeamWork {
	const work: TeamWork = { cardIds: [], terms: [] };
	cardsOf(doc).forEach((item, id) => {
		const isTeams = ['teamId', 'ownerTeamId', 'aboutTeamId'].some((k) => item.get(k) === teamId);
		if (isTeams) work.cardIds.push(id);
		const hasText = slotKeys(teamId).some((key) => {
			const text = item.get(key);
			return text instanceof Y.Text && text.toString().trim() !== '';
		});
		const name = item.get('text');
		if (hasText) work.terms.push(typeof name === 'string' ? name : 'a term');
	});
	return work;
}
