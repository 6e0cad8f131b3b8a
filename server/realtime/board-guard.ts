/**
 * What a client may change on a board over Yjs: the characters of the Y.Text values that
 * already exist in it (a term's wordings, fields and merged wording), and of those only the
 * ones its sender may write: a team's wording and fields belong to that team (and the
 * facilitator), the merged wording to everyone (`mayWriteText` in src/lib/collab/access.ts).
 * Cards themselves (the Y.Maps under `cards`, their scalar fields, their creation and deletion)
 * are written by the server only (src/lib/server/boards.ts through `rooms.change`), which checks
 * the text and stamps the author's team; an update that touches anything else is refused whole.
 *
 * The check walks the decoded update once: every new struct must be text content whose
 * position (its parent, or the neighbours it was inserted between) is a character or a Y.Text
 * already in the server's copy, or another struct of the same update that passed, and every
 * text it lands in must be one the sender may write; every deleted range must fall on
 * characters of texts the sender may write, or on what the server has already deleted (a sync
 * answer carries the client's whole delete set, everyone's deletions included, and deleting
 * again changes nothing). Lookups are a binary search per id.
 */
import * as Y from 'yjs';

type Struct = Y.Item | Y.GC | Y.Skip;
type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * Whether the sender may type in the text stored under `key` of its card (null: a text that
 * is not a card's field, e.g. a top-level one).
 */
export type TextWriteRule = (key: string | null) => boolean;

/** Where a new struct lands: a text, or nowhere visible (Yjs collects it on arrival). */
type Landing = { text: Y.Text } | { collected: true };

/** Why an update was refused, or null when it only edits texts the sender may write. */
export function boardUpdateRefusal(
	doc: Y.Doc,
	decoded: DecodedUpdate,
	mayWrite: TextWriteRule
): string | null {
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

	/** Where each checked struct lands; 'busy' while its own references are followed. */
	const verdicts = new Map<Y.Item, Landing | 'busy'>();

	const knownState = (client: number): number => {
		const structs = clients.get(client);
		if (!structs || structs.length === 0) return 0;
		const last = structs[structs.length - 1]!;
		return last.id.clock + last.length;
	};

	const writable = (text: Y.Text): string | null =>
		mayWrite(keyOf(text)) ? null : 'writes in a text that belongs to another team';

	/**
	 * A reference to an existing character (or a deleted one collected as GC: Yjs then collects
	 * the new struct too), or to a new one of this update.
	 */
	const landingAt = (id: Y.ID): Landing | string => {
		const stored = find(clients.get(id.client), id.clock);
		if (stored) {
			if (stored instanceof Y.GC) return { collected: true };
			if (stored instanceof Y.Item && isCharacter(stored)) return { text: stored.parent };
			return 'inserts next to something that is not text';
		}
		const pending = find(own.get(id.client), id.clock);
		if (pending instanceof Y.Item) return check(pending);
		return 'refers to an unknown position';
	};

	const check = (item: Y.Item): Landing | string => {
		const verdict = verdicts.get(item);
		if (verdict === 'busy') return 'refers to itself';
		if (verdict) return verdict;
		const content = item.content;
		if (
			!(content instanceof Y.ContentString) &&
			!(content instanceof Y.ContentFormat) &&
			!(content instanceof Y.ContentEmbed) &&
			!(content instanceof Y.ContentDeleted)
		) {
			return 'inserts content that is not text';
		}
		// No keyboard types one, and no database stores one in text (src/lib/schemas/storable.ts).
		if (content instanceof Y.ContentString && content.str.includes('\u0000')) {
			return 'inserts a null character';
		}
		if (item.parentSub !== null) return 'sets a map key';
		verdicts.set(item, 'busy');
		const landings: Landing[] = [];
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
				} else {
					landings.push({ text: stored.content.type });
				}
			}
		} else if (item.origin === null && item.rightOrigin === null) {
			reason = 'inserts without a position';
		}
		// Yjs takes the text from the left neighbour, else the right one; both must be writable,
		// so that no pairing of neighbours from two texts gets a character past this check.
		for (const neighbour of [item.origin, item.rightOrigin]) {
			if (reason || !neighbour) continue;
			const landing = landingAt(neighbour);
			if (typeof landing === 'string') reason = landing;
			else landings.push(landing);
		}
		for (const landing of landings) {
			if (!reason && 'text' in landing) reason = writable(landing.text);
		}
		if (reason) {
			verdicts.delete(item);
			return reason;
		}
		const landing: Landing = landings.find((l) => 'text' in l) ?? { collected: true };
		verdicts.set(item, landing);
		return landing;
	};

	for (const struct of decoded.structs) {
		// GC and Skip carry no content and no position: they change nothing visible.
		if (!(struct instanceof Y.Item)) continue;
		// Already integrated here: Yjs ignores it.
		if (struct.id.clock + struct.length <= knownState(struct.id.client)) continue;
		const landing = check(struct);
		if (typeof landing === 'string') return landing;
	}

	for (const [client, ranges] of decoded.ds.clients) {
		const stored = clients.get(client) ?? [];
		const state = knownState(client);
		for (const { clock, len } of ranges) {
			const end = clock + len;
			// The part the server holds: every struct it overlaps must be a character the sender
			// may delete, or already deleted here (then this changes nothing).
			let at = clock;
			if (at < state) {
				let index = findIndex(stored, at);
				while (index >= 0 && index < stored.length && stored[index]!.id.clock < end) {
					const struct = stored[index]!;
					if (struct instanceof Y.Skip) return 'deletes an unknown range';
					if (struct instanceof Y.Item && !struct.deleted) {
						if (!isCharacter(struct)) return 'deletes something that is not text';
						const reason = writable(struct.parent);
						if (reason) return reason.replace('writes in', 'deletes from');
					}
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

function isCharacter(item: Y.Item): item is Y.Item & { parent: Y.Text } {
	return item.parent instanceof Y.Text && item.parentSub === null;
}

/** The key a text is stored under in its card (null for a top-level text). */
function keyOf(text: Y.Text): string | null {
	return text._item?.parentSub ?? null;
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
