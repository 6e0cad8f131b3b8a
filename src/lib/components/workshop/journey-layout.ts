/**
 * Where JourneyFlow draws its arrows, as pure functions of where the step boxes landed: the
 * component measures the boxes, and this module turns those rectangles into SVG paths and
 * label positions, so the geometry is plain TypeScript and can be tested without a browser.
 */
import type { Card } from '$lib/collab/cards';

/** A box's place relative to the canvas, in pixels. */
export interface BoxRect {
	x: number;
	y: number;
	w: number;
	h: number;
}

/** One arrow between two steps (or the loop back to the first), with its label. */
export interface Link {
	key: string;
	d: string;
	isBroken: boolean;
	isLoop: boolean;
	label: string | null;
	x: number;
	y: number;
	/** Where the label sits against its point. */
	anchor: 'above' | 'right' | 'below';
}

type Step = Pick<Card, 'id' | 'slaHours' | 'broken'>;

/** An SLA as words ("1 hour", "24 hours"), or null when the step has none. */
export const slaText = (hours: number | null | undefined) =>
	typeof hours === 'number' ? `${hours} ${hours === 1 ? 'hour' : 'hours'}` : null;

/** The label on the arrow into a step: its SLA, with a warning sign when the step is broken. */
export function arrowLabel(step: Pick<Card, 'slaHours' | 'broken'>): string | null {
	const hours = step.slaHours;
	if (typeof hours === 'number') return `${step.broken ? '⚠ ' : ''}SLA ${hours} h`;
	return step.broken ? '⚠' : null;
}

/**
 * The arrows from each step to the next, given the boxes in the same order; `em` is the
 * canvas's font size in pixels, `hasLoop` whether the last step returns to the first.
 */
export function layoutLinks(
	ordered: readonly Step[],
	boxesAt: readonly BoxRect[],
	em: number,
	hasLoop: boolean
): Link[] {
	const next: Link[] = [];
	for (let i = 1; i < ordered.length; i++) {
		const a = boxesAt[i - 1]!;
		const b = boxesAt[i]!;
		const step = ordered[i]!;
		const base = {
			key: `${ordered[i - 1]!.id}-${step.id}`,
			isBroken: !!step.broken,
			isLoop: false,
			label: arrowLabel(step)
		};
		if (Math.abs(a.y - b.y) < 2 && b.x > a.x) {
			// Side by side in one row.
			const y = a.y + Math.min(a.h, b.h) / 2;
			const x1 = a.x + a.w;
			next.push({ ...base, d: `M${x1} ${y}H${b.x - 2}`, x: (x1 + b.x) / 2, y, anchor: 'above' });
		} else if (Math.abs(a.x - b.x) < 2) {
			// One under the other (one column).
			const x = a.x + Math.min(a.w / 2, 2.5 * em);
			const y1 = a.y + a.h;
			next.push({ ...base, d: `M${x} ${y1}V${b.y - 2}`, x, y: (y1 + b.y) / 2, anchor: 'right' });
		} else {
			// The end of a row to the start of the next.
			const x1 = a.x + a.w / 2;
			const x2 = b.x + Math.min(b.w / 2, 2.5 * em);
			const y1 = a.y + a.h;
			const mid = (y1 + b.y) / 2;
			next.push({
				...base,
				d: `M${x1} ${y1}V${mid}H${x2}V${b.y - 2}`,
				x: (x1 + x2) / 2,
				y: mid,
				anchor: 'above'
			});
		}
	}
	if (hasLoop) {
		// From under the return step, round the left side and back into the first step.
		const last = boxesAt.at(-1)!;
		const first = boxesAt[0]!;
		const gutter = first.x / 2;
		const x1 = last.x + Math.min(last.w / 2, 2.5 * em);
		const bottom = last.y + last.h + 1.1 * em;
		const y2 = first.y + Math.min(first.h / 2, 1.5 * em);
		next.push({
			key: 'loop',
			d: `M${x1} ${last.y + last.h}V${bottom}H${gutter}V${y2}H${first.x - 2}`,
			isBroken: false,
			isLoop: true,
			label: 'back to step 1',
			x: (x1 + gutter) / 2,
			y: bottom,
			anchor: 'below'
		});
	}
	return next;
}
