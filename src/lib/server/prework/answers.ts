/**
 * A participant's answers: each is a note on their team's board for the question's stage, so
 * the private round keeps it from the other teams until the reveal.
 */
import { and, eq } from 'drizzle-orm';
import type * as Y from 'yjs';
import { addCard, cardsOf, readCard } from '../../collab/cards';
import { teamDocName } from '../../collab/doc-names';
import { db } from '../db';
import { preworkAnswer, preworkPrompt } from '../db/schema';
import { newId } from '../ids';
import * as projector from '../projector';
import * as rooms from '../rooms';
import * as stageControls from '../stage-controls';
import { RuleError } from '../rules';
import { PREWORK_CLOSED, PREWORK_NOT_OPEN, PREWORK_REVEALED, status } from './rules';

export interface Answerer {
	participantId: string;
	workshopId: string;
	teamId: string;
}

/**
 * Saves a participant's answer to one question (a second answer replaces the first): on their
 * team's board for that stage, as a note carrying the question.
 */
export async function answer(who: Answerer, promptId: string, text: string): Promise<void> {
	const [prompt] = await db()
		.select()
		.from(preworkPrompt)
		.where(and(eq(preworkPrompt.id, promptId), eq(preworkPrompt.workshopId, who.workshopId)));
	if (!prompt) throw new RuleError('That question is not part of this workshop’s pre-work.', 404);
	const current = await status(who.workshopId);
	if (current === 'not-opened') throw new RuleError(PREWORK_NOT_OPEN, 409);
	if (current === 'closed') throw new RuleError(PREWORK_CLOSED, 409);
	const state = await stageControls.stateOf(who.workshopId, prompt.stageKey);
	if (!state.privateWrite) throw new RuleError(PREWORK_REVEALED, 409);

	const [previous] = await db()
		.select({ cardId: preworkAnswer.cardId })
		.from(preworkAnswer)
		.where(
			and(eq(preworkAnswer.promptId, promptId), eq(preworkAnswer.participantId, who.participantId))
		);
	const docName = teamDocName(who.workshopId, prompt.stageKey, who.teamId);
	const cardId = previous?.cardId ?? newId();
	await rooms.change(docName, (doc) => {
		const item = cardsOf(doc).get(cardId);
		if (item) {
			item.set('text', text);
			return;
		}
		let position = 0;
		cardsOf(doc).forEach((card) => {
			const p = card.get('position');
			if (typeof p === 'number' && p >= position) position = p + 1;
		});
		addCard(doc, {
			id: cardId,
			type: 'note',
			text,
			teamId: who.teamId,
			createdAt: Date.now(),
			position,
			prompt: prompt.text
		});
	});
	await db()
		.insert(preworkAnswer)
		.values({ promptId, participantId: who.participantId, workshopId: who.workshopId, cardId })
		.onConflictDoUpdate({
			target: [preworkAnswer.promptId, preworkAnswer.participantId],
			set: { cardId, updatedAt: new Date() }
		});
	await projector.refreshUnrevealed(who.workshopId, prompt.stageKey);
}

/** A participant's own answers (question id → text), read from their team's boards. */
export async function answersOf(who: Answerer): Promise<Record<string, string>> {
	const rows = await db()
		.select({
			promptId: preworkAnswer.promptId,
			cardId: preworkAnswer.cardId,
			stageKey: preworkPrompt.stageKey
		})
		.from(preworkAnswer)
		.innerJoin(preworkPrompt, eq(preworkPrompt.id, preworkAnswer.promptId))
		.where(
			and(
				eq(preworkAnswer.participantId, who.participantId),
				eq(preworkAnswer.workshopId, who.workshopId)
			)
		);
	const result: Record<string, string> = {};
	for (const row of rows) {
		const text = await rooms.read(teamDocName(who.workshopId, row.stageKey, who.teamId), (doc) =>
			readCardText(doc, row.cardId)
		);
		if (text !== null) result[row.promptId] = text;
	}
	return result;
}

function readCardText(doc: Y.Doc, cardId: string): string | null {
	const item = cardsOf(doc).get(cardId);
	return item ? readCard(cardId, item).text : null;
}
