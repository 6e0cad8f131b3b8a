/**
 * How the projector splits a stage's work into pages that fit the screen: plain arithmetic
 * over boxes measured in the browser (FitPages.svelte measures; this decides), so the rules
 * can be tested without one.
 *
 * The projector first tries the type sizes in FIT_SCALES, largest first, and keeps the first
 * at which everything fits on one page; at the smallest (24 px on a 1080-line screen) it
 * splits into pages instead. Nothing ever scrolls.
 */

/** Type sizes tried, as a share of the projector's unit (3vmin: 32 px at 1080 lines). */
export const FIT_SCALES = [1, 0.9, 0.82, 0.75] as const;

/** Where one item sits in a column holding every item, in px from the column's top. */
export interface Box {
	top: number;
	bottom: number;
	/** A heading: it goes to the next page with the item after it rather than end a page. */
	keepWithNext?: boolean;
}

/**
 * Rounding in the browser can make a column a fraction of a pixel taller than measured; a
 * page is filled to this much less than its height so the last line never touches the edge.
 */
const SAFETY_PX = 2;

/**
 * Splits a column of items into slots no taller than `height`: each slot is the list of the
 * indices of its items, in order. An item taller than a slot gets a slot of its own (the
 * screen shrinks the type before it comes to that). A heading never ends a slot.
 */
export function packSlots(boxes: readonly Box[], height: number): number[][] {
	const slots: number[][] = [];
	if (boxes.length === 0) return slots;
	const room = height - SAFETY_PX;
	let start = 0;
	for (let i = 1; i <= boxes.length; i++) {
		if (i < boxes.length && boxes[i]!.bottom - boxes[start]!.top <= room) continue;
		let end = i;
		// Break before a heading that would otherwise be the last thing on the slot.
		if (i < boxes.length && end - 1 > start && boxes[end - 1]!.keepWithNext) end--;
		slots.push(range(start, end));
		start = end;
		i = end;
	}
	return slots;
}

function range(from: number, to: number): number[] {
	return Array.from({ length: to - from }, (_, k) => from + k);
}

/**
 * How many pages the slots make: with fixed columns (one list each, shown side by side) the
 * longest column decides; with one list flowing through `flow` columns, its slots `flow` at a
 * time.
 */
export function pageCountOf(slotsPerList: readonly (readonly number[][])[], flow?: number): number {
	if (flow) return Math.max(1, Math.ceil((slotsPerList[0]?.length ?? 0) / flow));
	return Math.max(1, ...slotsPerList.map((slots) => slots.length));
}

/**
 * How many characters a long text keeps at a squeeze step (FitScale): all of it at 0, then
 * 480, and a quarter less at each further step, down to 40.
 */
export function textBudget(squeeze: number): number {
	return squeeze <= 0 ? Infinity : Math.max(40, Math.floor(480 * 0.75 ** (squeeze - 1)));
}

/** How many of `total` rows a list keeps at a squeeze step: all at 0, a fifth less at each, at least 3. */
export function rowBudget(total: number, squeeze: number): number {
	return squeeze <= 0 ? total : Math.min(total, Math.max(3, Math.floor(total * 0.8 ** squeeze)));
}

/**
 * Text longer than `budget` characters, shortened to it with an ellipsis: at the end for a
 * wording read from its start, at the start for one being typed (the newest words show).
 */
export function shorten(text: string, budget: number, keep: 'start' | 'end' = 'start'): string {
	if (!Number.isFinite(budget) || text.length <= budget) return text;
	const n = Math.max(1, Math.floor(budget) - 1);
	return keep === 'start' ? `${text.slice(0, n).trimEnd()}…` : `…${text.slice(-n).trimStart()}`;
}
