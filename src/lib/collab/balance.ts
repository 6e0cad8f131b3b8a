/**
 * The balance meter's figures: how much each team has put on a stage's boards, counted from
 * the board documents themselves (cards carry their author's team, stamped by the server; a
 * term carries one wording per team). Teams only: nothing here knows who wrote what.
 *
 * A stage can be spread over several documents (its shared board and, around a private round,
 * one board per team, whose items the reveal copies to the shared board under the same ids),
 * so tallies are keyed by item id and merged without counting a revealed card twice.
 */
import * as Y from 'yjs';
import { cardsOf, TERM_TEXT } from './cards';

export interface TeamContribution {
	/** Cards the team's members added. */
	cards: number;
	/** Words in the team's own wordings of the shared terms. */
	words: number;
}

export interface BoardTally {
	/** card id → the author's team (null: the facilitator's). */
	cards: Map<string, string | null>;
	/** `<card id>:<team id>` → words in that team's wording of that term. */
	words: Map<string, number>;
}

export function emptyTally(): BoardTally {
	return { cards: new Map(), words: new Map() };
}

/** Words as a reader counts them: runs of letters or digits, so "SLA: 4 h" is three. */
export function countWords(text: string): number {
	return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

const WORDING_PREFIX = TERM_TEXT.wording('');

/**
 * Adds a board's items to `into`. The same term seen on two documents keeps the larger
 * count: after a reveal the copies start equal and only one of them is written on.
 */
export function tallyBoard(doc: Y.Doc, into: BoardTally = emptyTally()): BoardTally {
	cardsOf(doc).forEach((item, cardId) => {
		const teamId = item.get('teamId');
		if (!into.cards.has(cardId)) {
			into.cards.set(cardId, typeof teamId === 'string' ? teamId : null);
		}
		item.forEach((value, key) => {
			if (!key.startsWith(WORDING_PREFIX) || !(value instanceof Y.Text)) return;
			const wordingKey = `${cardId}:${key.slice(WORDING_PREFIX.length)}`;
			const words = countWords(value.toString());
			into.words.set(wordingKey, Math.max(words, into.words.get(wordingKey) ?? 0));
		});
	});
	return into;
}

/** Per team id, for the given teams (a team with nothing yet shows zeros). */
export function contributionsOf(
	tally: BoardTally,
	teamIds: readonly string[]
): Record<string, TeamContribution> {
	const result: Record<string, TeamContribution> = {};
	for (const id of teamIds) result[id] = { cards: 0, words: 0 };
	for (const teamId of tally.cards.values()) {
		if (teamId !== null && result[teamId]) result[teamId].cards++;
	}
	for (const [key, words] of tally.words) {
		const teamId = key.slice(key.lastIndexOf(':') + 1);
		if (result[teamId]) result[teamId].words += words;
	}
	return result;
}

/** Sums per-stage contributions into one figure per team. */
export function sumContributions(
	parts: ReadonlyArray<Record<string, TeamContribution>>,
	teamIds: readonly string[]
): Record<string, TeamContribution> {
	const total: Record<string, TeamContribution> = {};
	for (const id of teamIds) total[id] = { cards: 0, words: 0 };
	for (const part of parts) {
		for (const id of teamIds) {
			total[id]!.cards += part[id]?.cards ?? 0;
			total[id]!.words += part[id]?.words ?? 0;
		}
	}
	return total;
}
