import { render } from 'svelte/server';
import * as Y from 'yjs';
import { describe, expect, test } from 'vitest';
import {
	contributionsOf,
	countWords,
	emptyTally,
	sumContributions,
	tallyBoard
} from '../../src/lib/collab/balance';
import { addCard, termText, TERM_TEXT, type Card } from '../../src/lib/collab/cards';
import BalanceMeter from '../../src/routes/(facilitator)/workshops/[id]/run/BalanceMeter.svelte';

const SALES = 'sales1';
const MARKETING = 'mkt1';
const TEAMS = [SALES, MARKETING];

function card(id: string, teamId: string | null, type: Card['type'] = 'note'): Card {
	return { id, type, text: `card ${id}`, teamId, createdAt: 1, position: 0 };
}

function write(doc: Y.Doc, cardId: string, key: string, text: string) {
	termText(doc, cardId, key)!.insert(0, text);
}

describe('the balance meter', () => {
	test('counts words as a reader would', () => {
		expect(countWords('')).toBe(0);
		expect(countWords('   ')).toBe(0);
		expect(countWords('SLA: 4 h')).toBe(3);
		expect(countWords('A lead that marketing’s scoring puts over 60 points.')).toBe(9);
		expect(countWords('follow-up within 24h')).toBe(3);
	});

	test('counts each team’s cards and the words of its own wordings, never the facilitator’s or the merged wording', () => {
		const doc = new Y.Doc();
		addCard(doc, card('a', SALES));
		addCard(doc, card('b', SALES));
		addCard(doc, card('c', MARKETING));
		addCard(doc, card('mql', null, 'term'), TEAMS);
		write(doc, 'mql', TERM_TEXT.wording(SALES), 'A lead we can call');
		write(doc, 'mql', TERM_TEXT.wording(MARKETING), 'Scored over sixty');
		write(doc, 'mql', TERM_TEXT.merged, 'these words belong to nobody in particular');

		expect(contributionsOf(tallyBoard(doc), TEAMS)).toEqual({
			[SALES]: { cards: 2, words: 5 },
			[MARKETING]: { cards: 1, words: 3 }
		});
	});

	test('a card revealed from a team board onto the stage board counts once', () => {
		const teamBoard = new Y.Doc();
		addCard(teamBoard, card('t1', SALES, 'term'), TEAMS);
		write(teamBoard, 't1', TERM_TEXT.wording(SALES), 'one two');
		const stageBoard = new Y.Doc();
		Y.applyUpdate(stageBoard, Y.encodeStateAsUpdate(teamBoard));
		// Written on after the reveal: the longer copy wins, nothing is added twice.
		write(stageBoard, 't1', TERM_TEXT.wording(SALES), 'zero ');

		const tally = tallyBoard(stageBoard, tallyBoard(teamBoard, emptyTally()));
		expect(contributionsOf(tally, TEAMS)[SALES]).toEqual({ cards: 1, words: 3 });
	});

	test('teams with nothing yet show zeros and unknown teams are left out', () => {
		const doc = new Y.Doc();
		addCard(doc, card('x', 'someone-else'));
		expect(contributionsOf(tallyBoard(doc), TEAMS)).toEqual({
			[SALES]: { cards: 0, words: 0 },
			[MARKETING]: { cards: 0, words: 0 }
		});
	});

	test('stages add up to the overall figure', () => {
		const total = sumContributions(
			[
				{ [SALES]: { cards: 2, words: 10 }, [MARKETING]: { cards: 1, words: 0 } },
				{ [SALES]: { cards: 0, words: 3 } }
			],
			TEAMS
		);
		expect(total).toEqual({
			[SALES]: { cards: 2, words: 13 },
			[MARKETING]: { cards: 1, words: 0 }
		});
	});
});

describe('the balance meter’s table', () => {
	const teams = [
		{ id: SALES, name: 'Sales', colour: '#1d4ed8' },
		{ id: MARKETING, name: 'Marketing', colour: '#b45309' }
	];
	/** The page's text, as a screen reader reads it (visually hidden words included). */
	const textOf = (html: string) =>
		html
			.replace(/<!--[\s\S]*?-->/g, '')
			.replace(/<[^>]+>/g, ' ')
			.replace(/\s+/g, ' ')
			.replace(/ ([,.)])/g, '$1');

	test('says what the two figures of a cell are, on screen and to a screen reader', () => {
		const html = render(BalanceMeter, {
			props: {
				teams,
				stageTitle: 'Shared terms',
				current: { [SALES]: { cards: 1, words: 10 }, [MARKETING]: { cards: 0, words: 0 } },
				overall: { [SALES]: { cards: 6, words: 12 }, [MARKETING]: { cards: 2, words: 3 } },
				votes: { current: { [SALES]: 0 }, overall: { [SALES]: 3, [MARKETING]: 2 } }
			}
		}).body;
		const text = textOf(html);
		expect(text).toContain('Each cell: this stage / whole workshop.');
		expect(text).toContain('1 in this stage / 6 in the whole workshop');
		expect(text).toContain('0 in this stage / 2 in the whole workshop');
		// Before the first stage there is one figure, the workshop's, and nothing to explain.
		const before = textOf(
			render(BalanceMeter, {
				props: {
					teams,
					stageTitle: null,
					current: null,
					overall: { [SALES]: { cards: 6, words: 12 } },
					votes: { current: null, overall: {} }
				}
			}).body
		);
		expect(before).not.toContain('this stage /');
	});
});
