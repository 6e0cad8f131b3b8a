/**
 * What a client may change on a board over Yjs: the characters of the Y.Text values that
 * already exist in it (a term's wordings, fields and merged wording). Cards themselves (the
 * Y.Maps under `cards`, their scalar fields, their creation and deletion) are written by the
 * server only (src/lib/server/boards.ts through `rooms.change`), which checks the text and
 * stamps the author's team; an update that touches anything else is refused whole.
 *
 * The check walks the decoded update once: every new struct must be text content whose
 * position (its parent, or the neighbours it was inserted between) is a character or a Y.Text
 * already in the server's copy, or another struct of the same update that passed; every
 * deleted range must fall on characters of a Y.Text. Lookups are a binary search per id.
 */
import * as Y from 'yjs';

type Struct = Y.Item | Y.GC | Y.Skip;
type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/** Why an update was refused, or null when it only edits existing texts. */
export function boardUpdateRefusal(doc: Y.Doc, decoded: DecodedUpdate): string | null {
	const clients = doc.store.clients as Map<number, Struct[]>;
	/** This update's structs by client, in clock order, for references between them. */
	const own = new Map<number, Y.Item[]>();
	for (const struct of decoded.structs) {
		if (!(struct instanceof Y.Item)) continue;
		let list = own.get(struct.id.client);
		if (!list) own.set(struct.id.client, (list = []));
		list.push(struct);
	}
	for (const list of own.values()) list.sort((a, b) => a.id.clock - b.id.clock);

	/** 'ok' once checked, 'busy' while its own references are followed (a cycle is refused). */
	const verdicts = new Map<Y.Item, 'ok' | 'busy'>();

	const knownState = (client: number): number => {
		const structs = clients.get(client);
		if (!structs || structs.length === 0) return 0;
		const last = structs[structs.length - 1]!;
		return last.id.clock + last.length;
	};

	/** A reference to an existing character (or a deleted one collected as GC), or a new one. */
	const isTextPosition = (id: Y.ID): string | null => {
		const stored = find(clients.get(id.client), id.clock);
		if (stored) {
			if (stored instanceof Y.GC) return null;
			if (stored instanceof Y.Item && isCharacter(stored)) return null;
			return 'inserts next to something that is not text';
		}
		const pending = find(own.get(id.client), id.clock);
		if (pending instanceof Y.Item) return check(pending);
		return 'refers to an unknown position';
	};

	const check = (item: Y.Item): string | null => {
		const verdict = verdicts.get(item);
		if (verdict === 'ok') return null;
		if (verdict === 'busy') return 'refers to itself';
		const content = item.content;
		if (
			!(content instanceof Y.ContentString) &&
			!(content instanceof Y.ContentFormat) &&
			!(content instanceof Y.ContentEmbed) &&
			!(content instanceof Y.ContentDeleted)
		) {
			return 'inserts content that is not text';
		}
		if (item.parentSub !== null) return 'sets a map key';
		verdicts.set(item, 'busy');
		let reason: string | null = null;
		const parent = item.parent as unknown;
		if (parent !== null) {
			if (!(parent instanceof Y.ID)) {
				reason = 'writes to a top-level type';
			} else {
				const stored = find(clients.get(parent.client), parent.clock);
				if (
					!(stored instanceof Y.Item) ||
					!(stored.content instanceof Y.ContentType) ||
					!(stored.content.type instanceof Y.Text)
				) {
					reason = 'inserts into something that is not an existing text';
				}
			}
		} else if (item.origin === null && item.rightOrigin === null) {
			reason = 'inserts without a position';
		}
		if (!reason && item.origin) reason = isTextPosition(item.origin);
		if (!reason && item.rightOrigin) reason = isTextPosition(item.rightOrigin);
		if (reason) {
			verdicts.delete(item);
			return reason;
		}
		verdicts.set(item, 'ok');
		return null;
	};

	for (const struct of decoded.structs) {
		// GC and Skip carry no content and no position: they change nothing visible.
		if (!(struct instanceof Y.Item)) continue;
		// Already integrated here: Yjs ignores it.
		if (struct.id.clock + struct.length <= knownState(struct.id.client)) continue;
		const reason = check(struct);
		if (reason) return reason;
	}

	for (const [client, ranges] of decoded.ds.clients) {
		const stored = clients.get(client) ?? [];
		const state = knownState(client);
		for (const { clock, len } of ranges) {
			const end = clock + len;
			// The part the server holds: every struct it overlaps must be a character.
			let at = clock;
			if (at < state) {
				let index = findIndex(stored, at);
				while (index >= 0 && index < stored.length && stored[index]!.id.clock < end) {
					const struct = stored[index]!;
					if (struct instanceof Y.Item && !isCharacter(struct)) {
						return 'deletes something that is not text';
					}
					if (struct instanceof Y.Skip) return 'deletes an unknown range';
					at = struct.id.clock + struct.length;
					index++;
				}
			}
			// The rest must be this update's own (already checked) structs, never a range held
			// for later: Yjs would apply that to whatever the server writes there next.
			while (at < end) {
				const item = find(own.get(client), at);
				if (!(item instanceof Y.Item)) return 'deletes an unknown range';
				at = item.id.clock + item.length;
			}
		}
	}
	return null;
}

function isCharacter(item: Y.Item): boolean {
	return item.parent instanceof Y.Text && item.parentSub === null;
}

/** Index of the struct holding `clock` in a clock-ordered list, or -1. */
function findIndex(structs: readonly Struct[], clock: number): number {
	let low = 0;
	let high = structs.length - 1;
	while (low <= high) {
		const middle = (low + high) >>> 1;
		const struct = structs[middle]!;
		if (clock < struct.id.clock) high = middle - 1;
		else if (clock >= struct.id.clock + struct.length) low = middle + 1;
		else return middle;
	}
	return -1;
}

function find<T extends Struct>(structs: readonly T[] | undefined, clock: number): T | null {
	if (!structs) return null;
	const index = findIndex(structs, clock);
	return index < 0 ? null : structs[index]!;
}
