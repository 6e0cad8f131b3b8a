/**
 * A poll's life, run by the facilitator (who never votes): created as a draft, opened, closed,
 * revealed, repeated as a re-vote, or deleted while still a draft. Each step writes the poll's
 * view into the room; the reveal computes the result through `publishResult`
 * (src/lib/domain/polls/k-rule.ts), which hides small teams and whatever would let them be
 * worked out, and stores it with the poll.
 *
 * Ballots are not cast here: a device gets a voting token (tokens.ts) and casts with it,
 * without its session (ballots.ts), so eligibility and ballot never meet.
 */
import { and, eq } from 'drizzle-orm';
import { listCards, termText, textOf } from '../../collab/cards';
import { readLive } from '../../collab/live';
import { roomDocName, stageDocName } from '../../collab/doc-names';
import { deletePoll, writeResult, type PollView } from '../../collab/polls';
import { agreementOutcome, publishResult, tally, type PollOption } from '../../domain/polls';
import { publishRound } from '../../domain/calibration/results';
import type { NewPoll } from '../../schemas/polls';
import * as agreements from '../agreements';
import * as boards from '../boards';
import { db } from '../db';
import { agreement, ballot, poll } from '../db/schema';
import { newId } from '../ids';
import * as rooms from '../rooms';
import * as stages from '../stages';
import * as workshops from '../workshops';
import { RuleError } from '../rules';
import * as ballotKeys from './keys';
import { find, rulesOf, teamIdsOf, written, type PollRow } from './rules';
import { publish } from './views';

/** The options of a dot vote: the chosen cards of a stage's board (barriers by default). */
async function dotOptions(
	workshopId: string,
	stageKey: string,
	cardIds: string[] | undefined
): Promise<PollOption[]> {
	const cards = await rooms.read(stageDocName(workshopId, stageKey), (doc) => listCards(doc));
	const candidates = cardIds
		? cardIds.map((id) => cards.find((c) => c.id === id))
		: cards.filter((c) => c.type === 'barrier');
	if (candidates.some((c) => !c)) {
		throw new RuleError('One of the cards is not on this stage’s board.', 404);
	}
	const options = candidates.map((c) => ({ id: c!.id, label: c!.text }));
	if (options.length < 2) {
		throw new RuleError('A dot vote needs at least 2 cards on the board.', 400);
	}
	return options;
}

/** A consent poll on a term: the term's merged wording becomes the agreement voted on. */
async function agreementForTerm(workshopId: string, stageKey: string, cardId: string) {
	const term = await rooms.read(stageDocName(workshopId, stageKey), (doc) => {
		const card = listCards(doc, 'term').find((c) => c.id === cardId);
		if (!card) return null;
		return { name: card.text, merged: textOf(termText(doc, cardId, 'merged')).trim() };
	});
	if (!term) throw new RuleError('This stage has no such term.', 404);
	if (!term.merged) {
		throw new RuleError(
			`"${term.name}" has no merged wording yet: write it before putting it to a vote.`,
			409
		);
	}
	return agreements.create(workshopId, {
		statement: `${term.name}: ${term.merged}`,
		stageKey,
		sourceItemId: cardId
	});
}

export async function create(workshopId: string, input: NewPoll): Promise<string> {
	if ('stageKey' in input && input.stageKey && !(await stages.get(workshopId, input.stageKey))) {
		throw new RuleError('This workshop has no such stage.', 404);
	}
	const id = newId();
	const base = { id, workshopId, kind: input.kind, k: input.k };
	let values: typeof poll.$inferInsert;
	switch (input.kind) {
		case 'consent': {
			let agreementId = input.agreementId;
			if (!agreementId) {
				if (!input.stageKey || !input.sourceItemId) {
					throw new RuleError(
						'Say what the consent poll decides: an agreement, or a term on a stage.',
						400
					);
				}
				agreementId = await agreementForTerm(workshopId, input.stageKey, input.sourceItemId);
			}
			const [subject] = await db()
				.select()
				.from(agreement)
				.where(and(eq(agreement.id, agreementId), eq(agreement.workshopId, workshopId)));
			if (!subject) throw new RuleError('This workshop has no such agreement.', 404);
			values = {
				...base,
				question: input.question ?? subject.statement,
				agreementId,
				stageKey: subject.stageKey,
				sourceItemId: subject.sourceItemId,
				options: [],
				maxObjectionPercent: input.maxObjectionPercent
			};
			break;
		}
		case 'dot': {
			if (input.dotMaxPerCard > input.dotBudget) {
				throw new RuleError('The most dots on one card cannot exceed the dot budget.', 400);
			}
			values = {
				...base,
				question: input.question,
				stageKey: input.stageKey,
				options: await dotOptions(workshopId, input.stageKey, input.cardIds),
				dotBudget: input.dotBudget,
				dotMaxPerCard: input.dotMaxPerCard
			};
			break;
		}
		case 'choice':
			values = {
				...base,
				question: input.question,
				options: input.options.map((label, i) => ({ id: `o${i + 1}`, label }))
			};
			break;
		case 'scale':
			values = { ...base, question: input.question, options: [] };
			break;
	}
	// A poll belongs to the stage it is about, or else to the stage the room is on.
	values.stageKey ??= await rooms.read(roomDocName(workshopId), (doc) => readLive(doc).stageKey);
	const row = written(await db().insert(poll).values(values).returning());
	// Keys exist from the draft on, so devices can prepare their tokens before the poll opens.
	await ballotKeys.ensureKeys(id, await teamIdsOf(workshopId));
	await publish(row);
	return id;
}

const NEXT: Record<
	'open' | 'close' | 'reveal',
	{ from: PollRow['status']; to: PollRow['status'] }
> = {
	open: { from: 'draft', to: 'open' },
	close: { from: 'open', to: 'closed' },
	reveal: { from: 'closed', to: 'revealed' }
};

const WRONG_STATE: Record<'open' | 'close' | 'reveal', string> = {
	open: 'Only a draft poll can be opened.',
	close: 'Only an open poll can be closed.',
	reveal: 'Close the poll before revealing its result.'
};

const WRONG_ROUND_STATE: Record<'open' | 'close' | 'reveal', string> = {
	open: 'This round has already been opened.',
	close: 'Only an open round can be closed.',
	reveal: 'Close the round before revealing its result.'
};

/**
 * Moves a poll on: open, close or reveal. Each step locks the poll's row, so a cast either
 * lands before the close or is refused after it.
 */
export async function advance(
	workshopId: string,
	pollId: string,
	action: 'open' | 'close' | 'reveal'
): Promise<PollView> {
	const step = NEXT[action];
	const now = new Date();
	// Read before the transaction: PGlite has one connection, which the transaction holds.
	const teamIds = (await workshops.teams(workshopId)).map((t) => t.id);
	const row = await db().transaction(async (tx) => {
		const [current] = await tx
			.select()
			.from(poll)
			.where(and(eq(poll.id, pollId), eq(poll.workshopId, workshopId)))
			.for('update');
		if (!current) throw new RuleError('This workshop has no such poll.', 404);
		if (current.status !== step.from) {
			const words = current.kind === 'classification' ? WRONG_ROUND_STATE : WRONG_STATE;
			throw new RuleError(words[action], 409);
		}
		const patch: Partial<typeof poll.$inferInsert> = { status: step.to };
		if (action === 'open') patch.openedAt = now;
		if (action === 'close') patch.closedAt = now;
		if (action === 'reveal') {
			patch.revealedAt = now;
			const ballots = (
				await tx
					.select({ teamId: ballot.teamId, choice: ballot.choice, reason: ballot.reason })
					.from(ballot)
					.where(eq(ballot.pollId, pollId))
			).map((b) => ({ ...b, choice: b.choice.v }));
			patch.result =
				current.kind === 'classification'
					? publishRound(
							{ leads: current.leads ?? [], categories: current.options, k: current.k },
							teamIds,
							ballots
						)
					: publishResult(rulesOf(current), teamIds, tally(rulesOf(current), teamIds, ballots));
			if (current.kind === 'consent' && current.agreementId) {
				await tx
					.update(agreement)
					.set({
						status: patch.result.passed ? 'adopted' : 'proposed',
						outcome: agreementOutcome(pollId, patch.result, now),
						updatedAt: now
					})
					.where(eq(agreement.id, current.agreementId));
			}
		}
		return written(await tx.update(poll).set(patch).where(eq(poll.id, pollId)).returning());
	});
	// An instance that restarted since the poll was made has no keys for it yet; a closed poll
	// takes no more tokens, so its private keys go.
	if (action === 'open') await ballotKeys.ensureKeys(pollId, teamIds);
	if (action === 'close') ballotKeys.forget(pollId);
	const view = await publish(row);
	if (row.result) {
		const result = row.result;
		await rooms.change(roomDocName(workshopId), (doc) => writeResult(doc, pollId, result));
		if (row.kind === 'consent') await agreements.publish(workshopId);
		// A dot vote ranks the cards it was about, on their board: the barriers stage then shows
		// its top barriers, each to get a remedy and an owner.
		if (row.kind === 'dot' && row.stageKey && result.ranking) {
			await boards.recordDotResults(
				workshopId,
				row.stageKey,
				result.ranking.map((r) => ({ cardId: r.id, dots: r.dots }))
			);
		}
	}
	return view;
}

/** A new draft with the same question and rules, linked to the poll it repeats. */
export async function revote(workshopId: string, pollId: string): Promise<string> {
	const previous = await find(workshopId, pollId);
	if (previous.kind === 'classification') {
		throw new RuleError('Start the next calibration round from its stage.', 409);
	}
	if (previous.status === 'draft' || previous.status === 'open') {
		throw new RuleError('Close the poll before starting a re-vote.', 409);
	}
	const id = newId();
	const inserted = await db()
		.insert(poll)
		.values({
			id,
			workshopId,
			kind: previous.kind,
			question: previous.question,
			agreementId: previous.agreementId,
			stageKey: previous.stageKey,
			sourceItemId: previous.sourceItemId,
			options: previous.options,
			dotBudget: previous.dotBudget,
			dotMaxPerCard: previous.dotMaxPerCard,
			k: previous.k,
			maxObjectionPercent: previous.maxObjectionPercent,
			previousPollId: previous.id
		})
		.returning();
	await ballotKeys.ensureKeys(id, await teamIdsOf(workshopId));
	await publish(written(inserted));
	return id;
}

/** Only a draft can be deleted: once opened, a poll is part of the record. */
export async function remove(workshopId: string, pollId: string): Promise<void> {
	const row = await find(workshopId, pollId);
	if (row.status !== 'draft') {
		throw new RuleError('Only a draft poll can be deleted; this one has been opened.', 409);
	}
	await db().delete(poll).where(eq(poll.id, pollId));
	ballotKeys.forget(pollId);
	await rooms.change(roomDocName(workshopId), (doc) => deletePoll(doc, pollId));
}

/**
 * A review session's pulse on one clause: a draft poll of kind `pulse` (fixed options, a
 * reason allowed), with its keys made like every poll's. Made by src/lib/server/reviews/sessions.ts,
 * never through the polls endpoint.
 */
export async function createPulse(
	workshopId: string,
	input: { question: string; clauseId: string; k?: number }
): Promise<string> {
	const id = newId();
	const row = written(
		await db()
			.insert(poll)
			.values({
				id,
				workshopId,
				kind: 'pulse',
				question: input.question,
				sourceItemId: input.clauseId,
				options: [],
				k: input.k ?? 3
			})
			.returning()
	);
	await ballotKeys.ensureKeys(id, await teamIdsOf(workshopId));
	await publish(row);
	return id;
}
