/**
 * Rules for a workshop's list of stages while the facilitator prepares it: keys, order and
 * limits. Pure functions, so the same rules answer in a form action and in a unit test.
 */
import { isStageKey } from '../collab/doc-names';

export const MAX_STAGES = 20;
export const MAX_TIMEBOX_MINUTES = 240;

/** A slug for document names: lower-case ASCII words joined by dashes, unique in the workshop. */
export function stageKeyFor(title: string, taken: ReadonlySet<string>): string {
	const base =
		title
			.normalize('NFKD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/&/g, ' and ')
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.replace(/^[^a-z]+/, '')
			.slice(0, 40)
			.replace(/-+$/, '') || 'stage';
	let key = base;
	for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
	if (!isStageKey(key)) throw new Error(`Cannot make a stage key from "${title}".`);
	return key;
}

/**
 * The order after moving the stage at `from` to `to` (both 0-based). Null when either index is
 * outside the list, so a stale or forged request changes nothing.
 */
export function moveInOrder<T>(items: readonly T[], from: number, to: number): T[] | null {
	const isIndex = (i: number) => Number.isInteger(i) && i >= 0 && i < items.length;
	if (!isIndex(from) || !isIndex(to)) return null;
	const next = [...items];
	const [moved] = next.splice(from, 1);
	next.splice(to, 0, moved!);
	return next;
}
