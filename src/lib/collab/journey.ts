/**
 * The lead's journey on the Connections board: its steps in the order the room reads them,
 * and moving one step earlier or later. The step(s) marked as the return path to nurture
 * close the loop, so they always come after the others, whatever their position says.
 */
import type { Card } from './cards';

const byPosition = (a: Card, b: Card) => a.position - b.position || a.createdAt - b.createdAt;

/** The steps from first touch onwards, then the return path. */
export function journeyOrder(steps: readonly Card[]): Card[] {
	const forward = steps.filter((s) => !s.isReturnPath).sort(byPosition);
	const back = steps.filter((s) => s.isReturnPath).sort(byPosition);
	return [...forward, ...back];
}

export type MoveDirection = 'earlier' | 'later';

/**
 * The positions after moving a step one place earlier or later in the journey, for the steps
 * whose position changes; null when it cannot move that way (first or last of its part of
 * the journey: a forward step never passes the return path, nor the other way round).
 *
 * Positions are renumbered from the smallest one in use, so steps that were added with the
 * same position (two teams at once) get an order of their own.
 */
export function moveInJourney(
	steps: readonly Card[],
	stepId: string,
	direction: MoveDirection
): Array<{ id: string; position: number }> | null {
	const order = journeyOrder(steps);
	const from = order.findIndex((s) => s.id === stepId);
	const to = direction === 'earlier' ? from - 1 : from + 1;
	if (from < 0 || to < 0 || to >= order.length) return null;
	if (!!order[from]!.isReturnPath !== !!order[to]!.isReturnPath) return null;
	const moved = [...order];
	[moved[from], moved[to]] = [moved[to]!, moved[from]!];
	const base = Math.min(...order.map((s) => s.position));
	return moved
		.map((step, index) => ({ id: step.id, position: base + index, was: step.position }))
		.filter((p) => p.position !== p.was)
		.map(({ id, position }) => ({ id, position }));
}
