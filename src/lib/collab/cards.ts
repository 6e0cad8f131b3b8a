/**
 * The items on a board (BOARD_KEYS.cards: id → Y.Map). Items are created and deleted by the
 * server (POST/DELETE /api/workshops/<id>/stages/<key>/cards), which checks the text and stamps
 * the author's team, so a board's content and the balance meter can be trusted. What people
 * write together afterwards (a term's wordings and merged wording) is Y.Text inside the item,
 * edited live over Yjs.
 */
import * as Y from 'yjs';
import { BOARD_KEYS } from './board';

export const CARD_TYPES = [
	/** Focus & value. */
	'focus',
	'value-driver',
	'outcome',
	'need',
	/** Empathy round: one team's view of another team's goals or pains (`aboutTeamId`). */
	'empathy-goal',
	'empathy-pain',
	/** Shared terms: one term with a wording per team and a merged wording. */
	'term',
	/** Connections: one step of the lead's journey. */
	'step',
	/** Barriers & incentives. */
	'barrier',
	'incentive',
	/** Measures & cadence. */
	'measure',
	'cadence',
	/** Any board. */
	'note'
] as const;
export type CardType = (typeof CARD_TYPES)[number];

export const MAX_CARD_TEXT = 500;

/** Scalar fields a card may carry besides its text, by name; the server validates each. */
export interface CardFields {
	/** Empathy cards: the team the card is about. */
	aboutTeamId?: string | null;
	/** Empathy cards: the other team's verdict, and its correction. */
	verdict?: 'accurate' | 'inaccurate' | null;
	correction?: string;
	/** Terms: the typed value (hours for the SLA, points for the score threshold). */
	valueType?: 'none' | 'hours' | 'points';
	value?: number | null;
	hint?: string;
	/** Steps and measures: the owning team, system or source, SLA. */
	ownerTeamId?: string | null;
	system?: string;
	slaHours?: number | null;
	broken?: 'technology' | 'human' | 'human-by-technology' | null;
	note?: string;
	isReturnPath?: boolean;
	/**
	 * Barriers: category, group, remedy and its owner (a team or a person, in words). A group
	 * is every barrier with the same `groupId`: the id of the card the first ones were put
	 * together with. Its title, when someone gave it one, is on every member (see ./barriers).
	 */
	category?: string;
	groupId?: string | null;
	groupTitle?: string;
	remedy?: string;
	remedyOwner?: string;
	/** Measures. */
	definition?: string;
	baseline?: string;
	target?: string;
	frequency?: string;
	/** Cadence. */
	nextReviewDate?: string;
	/** Incentives: what the team is rewarded for today, and what the shared goal needs. */
	today?: string;
	needed?: string;
	/**
	 * Terms, for the lead lifecycle a CRM receives: when a lead leaves the stage, the hours an
	 * SLA counts (business or calendar; steps too), the attempts before a lead returns to
	 * nurture, and the reasons (disqualification, recycling) as a list written as text. A term's
	 * `ownerTeamId` is the team that owns the stage, or that must act within the SLA.
	 */
	exitCriteria?: string;
	hoursBasis?: 'business' | 'calendar' | null;
	attempts?: number | null;
	reasons?: string;
}

/**
 * Written by the server only, from a revealed dot vote (`boards.recordDotResults`); no request
 * may set them. Barriers: the dots the card got and its rank (1 = most dots, ties share).
 */
export interface DotResult {
	dots?: number | null;
	rank?: number | null;
}

/**
 * Written by the server only, when the facilitator keeps a template's suggestion (the lead
 * journey) in the charter although the room never changed it (`boards.keepInCharter`).
 */
export interface CharterChoice {
	keptInCharter?: boolean;
}

/**
 * Written by the server only, on a pre-work answer (src/lib/server/prework.ts): the question
 * the note answers, so the board reads as question and answer once revealed.
 */
export interface PreworkOrigin {
	prompt?: string;
}

export interface Card extends CardFields, DotResult, CharterChoice, PreworkOrigin {
	id: string;
	type: CardType;
	text: string;
	/** The author's team; null for the facilitator. */
	teamId: string | null;
	createdAt: number;
	/** Sort order within its type (steps are ordered; others follow creation). */
	position: number;
}

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

/** A plain snapshot of a card (Y.Text values read as strings). */
export function readCard(id: string, item: Y.Map<unknown>): Card {
	const card: Record<string, unknown> = { id };
	item.forEach((value, key) => {
		if (key.includes(':') || key === TERM_TEXT.merged) return;
		card[key] = value instanceof Y.Text ? value.toString() : value;
	});
	return card as unknown as Card;
}

export function listCards(doc: Y.Doc, type?: CardType): Card[] {
	const cards: Card[] = [];
	cardsOf(doc).forEach((item, id) => {
		const card = readCard(id, item);
		if (!type || card.type === type) cards.push(card);
	});
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

/** The shared text of a term for a team's wording, fields or the merged wording. */
export function termText(doc: Y.Doc, cardId: string, key: string): Y.Text | null {
	const value = cardsOf(doc).get(cardId)?.get(key);
	return value instanceof Y.Text ? value : null;
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

/** Server side: changes scalar fields of a card. */
export function updateCard(
	doc: Y.Doc,
	id: string,
	patch: Partial<CardFields> & { text?: string }
): boolean {
	const item = cardsOf(doc).get(id);
	if (!item) return false;
	for (const [key, value] of Object.entries(patch)) if (value !== undefined) item.set(key, value);
	return true;
}

export function deleteCard(doc: Y.Doc, id: string): boolean {
	const cards = cardsOf(doc);
	if (!cards.has(id)) return false;
	cards.delete(id);
	return true;
}
