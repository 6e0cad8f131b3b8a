/**
 * Binding a plain text field to a Y.Text without replacing the whole text on every keystroke.
 *
 * A textarea only tells us its new value. Writing that value over the shared text would
 * delete and re-insert everything, so two people typing in the same wording would erase each
 * other's characters. Instead each input becomes the smallest single change (one delete and
 * one insert at one index) that turns the old value into the new one, which Yjs merges with
 * everyone else's changes character by character. Remote changes travel the other way as a
 * Yjs delta, through which the caret is carried so it stays next to the character it was at.
 *
 * Pure functions, so the rules are unit-tested without a browser.
 */

export interface TextChange {
	/** Where the change starts, in the old text. */
	index: number;
	/** How many characters of the old text go. */
	remove: number;
	/** What is inserted at `index`. */
	insert: string;
}

/**
 * The single change from `before` to `after`, or null when they are equal.
 *
 * `caret` (the caret position after the input, `selectionEnd`) settles ambiguous cases: typing
 * "a" inside "aa" could be an insert at 0, 1 or 2; the caret says it was the one just before
 * it, so the change lands where the person typed (which matters when others type nearby).
 */
export function diffText(before: string, after: string, caret?: number): TextChange | null {
	if (before === after) return null;
	const shortest = Math.min(before.length, after.length);
	let prefix = 0;
	let suffix = 0;
	const isSameFromEnd = (n: number) =>
		before.charCodeAt(before.length - 1 - n) === after.charCodeAt(after.length - 1 - n);
	if (caret === undefined) {
		while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
		while (suffix < shortest - prefix && isSameFromEnd(suffix)) suffix++;
	} else {
		// The unchanged tail cannot reach before the caret: the person typed right before it.
		const suffixLimit = Math.min(shortest, Math.max(0, after.length - caret));
		while (suffix < suffixLimit && isSameFromEnd(suffix)) suffix++;
		while (prefix < shortest - suffix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) {
			prefix++;
		}
	}
	return keepSurrogatePairs(before, after, {
		index: prefix,
		remove: before.length - prefix - suffix,
		insert: after.slice(prefix, after.length - suffix)
	});
}

/**
 * Widens a change that would split an emoji (a UTF-16 surrogate pair) so that it takes the
 * whole pair: half an emoji in a shared text shows as garbage on every screen.
 */
function keepSurrogatePairs(before: string, after: string, change: TextChange): TextChange {
	let { index, remove } = change;
	let insertStart = index;
	let insertEnd = index + change.insert.length;
	if (index > 0 && isHighSurrogate(before.charCodeAt(index - 1))) {
		index--;
		remove++;
		insertStart--;
	}
	const end = index + remove;
	if (end < before.length && isLowSurrogate(before.charCodeAt(end))) {
		remove++;
		insertEnd++;
	}
	return { index, remove, insert: after.slice(insertStart, insertEnd) };
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Shortens a change's insert so the text stays within `maxLength` characters (what a paste
 * could otherwise push past the cap). Deleting is always allowed, even above the cap.
 */
export function capChange(change: TextChange, beforeLength: number, maxLength: number): TextChange {
	const room = Math.max(0, maxLength - (beforeLength - change.remove));
	if (change.insert.length <= room) return change;
	let insert = change.insert.slice(0, room);
	if (insert.length > 0 && isHighSurrogate(insert.charCodeAt(insert.length - 1))) {
		insert = insert.slice(0, -1);
	}
	return { ...change, insert };
}

/** One operation of a Yjs text delta (`YTextEvent.delta`). */
export interface DeltaOp {
	insert?: string | object;
	retain?: number;
	delete?: number;
}

/**
 * Where a position in the old text is after a remote change. Text inserted exactly at the
 * position stays after it, so a caret does not jump when someone else types right where it is;
 * a position inside deleted text moves to where the deletion was.
 */
export function transformIndex(index: number, delta: readonly DeltaOp[]): number {
	let oldPosition = 0;
	let shift = 0;
	for (const op of delta) {
		if (oldPosition > index) break;
		if (op.retain !== undefined) {
			oldPosition += op.retain;
		} else if (op.insert !== undefined) {
			const length = typeof op.insert === 'string' ? op.insert.length : 1;
			if (oldPosition < index) shift += length;
		} else if (op.delete !== undefined) {
			if (oldPosition < index) shift -= Math.min(op.delete, index - oldPosition);
			oldPosition += op.delete;
		}
	}
	return index + shift;
}
