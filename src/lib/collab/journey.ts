/**
 * The lead's journey on the Connections board: its steps in the order the room reads them,
 * and moving one step earlier or later. The step(s) marked as the return path to nurture
 * close the loop, so they always come after the others, whatever their position says.
 */
import { DEFAULT_JOURNEY } from '../domain/template';
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

/**
 * Whether a step reads exactly as the template suggested one (`DEFAULT_JOURNEY`): the same
 * words, owner, system and return path, and nothing the room adds (an SLA, a broken
 * connection, a note). `ownerIdOf` gives the id the template's owner name stands for in this
 * workshop (the team of that name when the step was written), or null.
 */
export function isTemplateStep(step: Card, ownerIdOf: (teamName: string) => string | null) {
	const last = DEFAULT_JOURNEY.length - 1;
	return DEFAULT_JOURNEY.some(
		(suggested, index) =>
			step.text === suggested.step &&
			(step.ownerTeamId ?? null) === ownerIdOf(suggested.owner) &&
			(step.system ?? '') === suggested.system &&
			(step.slaHours ?? null) === null &&
			(step.broken ?? null) === null &&
			(step.note ?? '') === '' &&
			!!step.isReturnPath === (index === last)
	);
}

/**
 * Whether the journey on a board is still the template's suggestion, untouched: its steps,
 * in order, are the template's, none added, removed, moved or changed, and the facilitator
 * has not kept it for the charter on purpose. Such a journey is nobody's decision, so the
 * charter leaves it out (src/lib/server/charter/compile.ts).
 */
export function isUntouchedTemplateJourney(
	steps: readonly Card[],
	ownerIdOf: (teamName: string) => string | null
): boolean {
	const order = journeyOrder(steps);
	return (
		order.length === DEFAULT_JOURNEY.length &&
		order.every(
			(step, index) =>
				step.keptInCharter !== true &&
				step.text === DEFAULT_JOURNEY[index]!.step &&
				isTemplateStep(step, ownerIdOf)
		)
	);
}
