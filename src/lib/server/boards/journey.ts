/** The lead journey's steps: their order, and keeping the template's journey in the charter. */
import { cardsOf, listCards } from '../../collab/cards';
import { moveInJourney, type MoveDirection } from '../../collab/journey';
import { stageDocName } from '../../collab/doc-names';
import type { WorkshopMember } from '../api';
import * as rooms from '../rooms';
import { RuleError } from '../rules';
import * as stages from '../stages';
import { boardFor, cardIn, mayChange } from './access';

/**
 * Moves a journey step one place earlier or later. The facilitator may move any step; a
 * participant, while the stage is open, a step their team wrote or owns.
 */
export async function move(
	member: WorkshopMember,
	workshopId: string,
	stageKey: string,
	cardId: string,
	direction: MoveDirection
): Promise<void> {
	const docName = await boardFor(member, workshopId, stageKey);
	await rooms.change(docName, (doc) => {
		const card = cardIn(doc, cardId);
		if (!card) throw new RuleError('This board has no such card.', 404);
		if (card.type !== 'step') throw new RuleError('Only journey steps are reordered.', 400);
		if (!mayChange(member, card, { position: true }))
			throw new RuleError('Only the team that wrote or owns this step may move it.', 403);
		const moves = moveInJourney(listCards(doc, 'step'), cardId, direction);
		if (!moves)
			throw new RuleError(
				direction === 'earlier'
					? 'This step is already the first of its part of the journey.'
					: 'This step is already the last of its part of the journey.',
				409
			);
		for (const { id, position } of moves) cardsOf(doc).get(id)!.set('position', position);
	});
}

/**
 * The facilitator keeps a stage's lead journey in the charter although it is still the
 * template's suggestion (the charter leaves such a journey out otherwise). Marks every step,
 * so the choice lasts when the charter is compiled again.
 */
export async function keepInCharter(workshopId: string, stageKey: string): Promise<void> {
	const stage = await stages.get(workshopId, stageKey);
	if (!stage) throw new RuleError('This workshop has no such stage.', 404);
	await rooms.change(stageDocName(workshopId, stageKey), (doc) => {
		const steps = listCards(doc, 'step');
		if (steps.length === 0)
			throw new RuleError('This stage has no lead journey to keep in the charter.', 409);
		for (const step of steps) {
			if (step.keptInCharter !== true) cardsOf(doc).get(step.id)!.set('keptInCharter', true);
		}
	});
}
