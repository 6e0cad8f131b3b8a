/**
 * The items on a board (BOARD_KEYS.cards: id → Y.Map). Items are created and deleted by the
 * server (POST/DELETE /api/workshops/<id>/stages/<key>/cards), which checks the text and stamps
 * the author's team, so a board's content and the balance meter can be trusted. What people
 * write together afterwards (a term's wordings and merged wording) is Y.Text inside the item,
 * edited live over Yjs.
 */
import * as Y from 'yjs';
import { storableText } from '../schemas/storable';
import { BOARD_KEYS } from './board';
import {
	parseCard,
	type Card,
	type CardFields,
	type CardType,
	type UnknownItem
} from './records/card';

export {
	CARD_TYPES,
	MAX_CARD_TEXT,
	isUnknownItem,
	type Card,
	type CardFields,
	type CardType,
	type CharterChoice,
	type DotResult,
	type UnknownItem
} from './records/card';

/** Keys of the Y.Text values a term carries, per team and merged. */
export const TERM_TEXT = {
	wording: (teamId: string) => `wording:${teamId}`,
	fields: (teamId: string) => `fields:${teamId}`,
	merged: 'merged'
} as const;

/** Who a card's text belongs to: one team, everyone on the board, or nobody known. */
export type TextOwner = { kind: 'team'; teamId: string } | { kind: 'shared' } | { kind: 'unknown' };

const TEAM_TEXT_KEY = /^(?:wording|fields):([a-z0-9]{1,64})$/;

/**
 * Whose text the Y.Text under `key` of a card is: a team's wording and fields are that team's
 * (only its members and the facilitator write them), the merged wording is everyone's. Any
 * other key is unknown, and the realtime server lets only the facilitator write it.
 */
export function textOwner(key: string | null): TextOwner {
	if (key === TERM_TEXT.merged) return { kind: 'shared' };
	const match = key === null ? null : TEAM_TEXT_KEY.exec(key);
	return match ? { kind: 'team', teamId: match[1]! } : { kind: 'unknown' };
}

export function cardsOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
	return doc.getMap<Y.Map<unknown>>(BOARD_KEYS.cards);
}

/**
 * A card as stored, checked against the card record: the card (Y.Text values read as
 * strings), or an UnknownItem when it is not one this release can read.
 */
export function readCard(id: string, item: Y.Map<unknown>): Card | UnknownItem {
	const raw: Record<string, unknown> = { id };
	item.forEach((value, key) => {
		if (key.includes(':') || key === TERM_TEXT.merged) return;
		raw[key] = value instanceof Y.Text ? textOf(value) : value;
	});
	return parseCard(raw);
}

function readAll(doc: Y.Doc): Array<Card | UnknownItem> {
	const items: Array<Card | UnknownItem> = [];
	cardsOf(doc).forEach((item, id) => {
		items.push(item instanceof Y.Map ? readCard(id, item) : unknownValue(id));
	});
	return items;
}

function unknownValue(id: string): UnknownItem {
	return { id, type: 'unknown', text: null, problem: 'not a card' };
}

/** The board's cards (of one type), in board order; items that are no card are left out. */
export function listCards(doc: Y.Doc, type?: CardType): Card[] {
	const cards: Card[] = [];
	for (const item of readAll(doc)) {
		if (item.type === 'unknown') continue;
		if (!type || item.type === type) cards.push(item);
	}
	// Cards added at the same moment (through two instances, or within one millisecond) can
	// share a position and a time: the id decides, so every device lists them in one order
	// (a Y.Map's own order is the order this copy happened to receive them in).
	return cards.sort(
		(a, b) =>
			a.position - b.position ||
			a.createdAt - b.createdAt ||
			(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

/**
 * The items on the board this release cannot read as cards (a newer release's, or damaged),
 * for a screen to show as such.
 */
export function listUnknownItems(doc: Y.Doc): UnknownItem[] {
	return readAll(doc)
		.filter((item): item is UnknownItem => item.type === 'unknown')
		.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The shared text of a term for a team's wording, fields or the merged wording. */
export function termText(doc: Y.Doc, cardId: string, key: string): Y.Text | null {
	const value = cardsOf(doc).get(cardId)?.get(key);
	return value instanceof Y.Text ? value : null;
}

/**
 * A shared text's characters as a string the database can store (''; for none): anyone in the
 * room types into it over a live connection, so it may hold what no form would let through.
 */
export function textOf(text: Y.Text | null | undefined): string {
	return text ? storableText(text.toString()) : '';
}

/** Server side: adds a card, with the Y.Text values a term needs for the given teams. */
export function addCard(doc: Y.Doc, card: Card, teamIds: readonly string[] = []): void {
	const item = new Y.Map<unknown>();
	for (const [key, value] of Object.entries(card)) {
		if (key !== 'id' && value !== undefined) item.set(key, value);
	}
	if (card.type === 'term') {
		for (const teamId of teamIds) {
			item.set(TERM_TEXT.wording(teamId), new Y.Text());
			item.set(TERM_TEXT.fields(teamId), new Y.Text());
		}
		item.set(TERM_TEXT.merged, new Y.Text());
	}
	cardsOf(doc).set(card.id, item);
}

/**
 * Server side: changes scalar fields of a card. A field given as `undefined` is left as it
 * is; a field named in `remove` is taken off the card (one a change clears, or one an older
 * release wrote that the current shape no longer has).
 */
export function updateCard(
	doc: Y.Doc,
	id: string,
	patch: Partial<CardFields> & { text?: string },
	remove: readonly string[] = []
): boolean {
	const item = cardsOf(doc).get(id);
	if (!item) return false;
	for (const [key, value] of Object.entries(patch)) if (value !== undefined) item.set(key, value);
	for (const key of remove) {
		if (REQUIRED_KEYS.has(key) || key.includes(':') || key === TERM_TEXT.merged) {
			throw new Error(`A card cannot do without its ${key}.`);
		}
		item.delete(key);
	}
	return true;
}

/** What every card has: never removed by `updateCard`. */
const REQUIRED_KEYS = new Set(['id', 'type', 'text', 'teamId', 'createdAt', 'position']);

export function deleteCard(doc: Y.Doc, id: string): boolean {
	const cards = cardsOf(doc);
	if (!cards.has(id)) return false;
	cards.delete(id);
	return true;
}
