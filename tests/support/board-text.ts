/**
 * Writing on a board over Yjs the way participants may: cards are created by the server
 * (POST /api/workshops/<id>/stages/<key>/cards), and clients only type in a term's Y.Text.
 * Tests that need many small, checkable edits write `key=value` lines into the merged wording
 * of a term and read every term's lines back as one record.
 */
import * as Y from 'yjs';
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import type { Client } from './http';
import { waitFor, type Peer } from './realtime';

/** Adds a term through the HTTP API (to the author's team board while writing privately). */
export async function addTerm(
	client: Client,
	workshopId: string,
	stageKey: string,
	text = 'Test term'
): Promise<string> {
	const added = await client.json('POST', `/api/workshops/${workshopId}/stages/${stageKey}/cards`, {
		type: 'term',
		text
	});
	if (added.status !== 201) throw new Error(`adding a term failed: ${JSON.stringify(added)}`);
	return added.body.id as string;
}

/** The merged wording of a term on this peer's board, once the term has arrived. */
export function mergedText(doc: Y.Doc, termId: string): Y.Text | null {
	return termText(doc, termId, TERM_TEXT.merged);
}

/** Waits for the term to reach the peer, then appends `key=value` to its merged wording. */
export async function put(peer: Peer, termId: string, key: string, value: string): Promise<void> {
	const text = await waitFor(`term ${termId} on the peer's board`, () =>
		mergedText(peer.doc, termId)
	);
	putNow(text, key, value);
}

/** Appends `key=value` to a text already at hand (no waiting, for tight loops). */
export function putNow(text: Y.Text, key: string, value: string): void {
	text.insert(text.length, `${key}=${value}\n`);
}

/** Every `key=value` line in the merged wordings of the board's terms, duplicates included. */
export function lines(doc: Y.Doc): Array<[key: string, value: string]> {
	const found: Array<[string, string]> = [];
	for (const card of listCards(doc, 'term')) {
		const text = mergedText(doc, card.id)?.toString() ?? '';
		for (const line of text.split('\n')) {
			const at = line.indexOf('=');
			if (at > 0) found.push([line.slice(0, at), line.slice(at + 1)]);
		}
	}
	return found;
}

/** The lines as one record (a later line wins). */
export function entries(doc: Y.Doc): Record<string, string> {
	return Object.fromEntries(lines(doc));
}

export function has(doc: Y.Doc, key: string): boolean {
	return key in entries(doc);
}
