/**
 * Polls: the facilitator runs them (draft → open → closed → revealed, and re-votes) and never
 * votes. Ballots are not cast here: a device gets a voting token (ballots/issue.ts) and casts
 * with it, without its session (ballots/cast.ts), so eligibility and ballot never meet.
 *
 * - Turnout counts ballots per team (the team each token proves), never the tokens issued.
 * - Results leave only through `publishResult` (src/lib/domain/polls.ts), which hides small
 *   teams and whatever would let them be worked out; after the reveal, the bulletin lists
 *   every counted ballot's tracker and choice, so each device can find its own.
 */
import { and, asc, count, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { listCards, termText } from '../collab/cards';
import { readLive } from '../collab/live';
import { roomDocName, stageDocName } from '../collab/doc-names';
import {
	deletePoll,
	readPolls,
	writePoll,
	writeResult,
	writeTurnout,
	type PollView
} from '../collab/polls';
import {
	agreementOutcome,
	consentRule,
	optionsFor,
	publishResult,
	tally,
	type Choice,
	type PollOption,
	type PollRules,
	type PublishedResult,
	type Turnout
} from '../domain/polls';
import { CRITERIA } from '../domain/calibration/fields';
import { publishRound } from '../domain/calibration/results';
import type { NewPoll } from '../schemas/polls';
import * as agreements from './agreements';
import * as boards from './boards';
import * as ballotKeys from './ballots/keys';
import { db } from './db';
import { agreement, ballot, ballotToken, participant, poll } from './db/schema';
import { newId } from './ids';
import * as rooms from './rooms';
import * as stages from './stages';
import * as workshops from './workshops';

export class PollRuleError extends Error {
	override name = 'PollRuleError';
	constructor(
		message: string,
		readonly status: 400 | 403 | 404 | 409
	) {
		super(message);
	}
}

type PollRow = typeof poll.$inferSelect;

/** The one row an insert or update … returning() wrote. */
function written<T>(rows: T[]): T {
	const [row] = rows;
	if (!row) throw new Error('The database wrote no row.');
	return row;
}

export function rulesOf(row: PollRow): PollRules {
	return {
		kind: row.kind,
		options: row.options,
		dotBudget: row.dotBudget,
		dotMaxPerCard: row.dotMaxPerCard,
		k: row.k,
		maxObjectionPercent: row.maxObjectionPercent,
		...(row.kind === 'classification'
			? { leads: row.leads ?? [], criteria: CRITERIA.map((c) => c.key) }
			: {})
	};
}

async function teamIdsOf(workshopId: string): Promise<string[]> {
	return (await workshops.teams(workshopId)).map((t) => t.id);
}

async function find(workshopId: string, pollId: string): Promise<PollRow> {
	const [row] = await db()
		.select()
		.from(poll)
		.where(and(eq(poll.id, pollId), eq(poll.workshopId, workshopId)));
	if (!row) throw new PollRuleError('This workshop has no such poll.', 404);
	return row;
}

/**
 * Who may vote (participants let in and not removed) and how many ballots each team's tokens cast.
 * Counts only; moving a person between teams moves an eligible count, never a vote.
 */
export async function turnout(workshopId: string, pollId: string): Promise<Turnout> {
	const teamIds = (await workshops.teams(workshopId)).map((t) => t.id);
	const [eligible, voted] = await Promise.all([
		db()
			.select({ teamId: participant.teamId, n: count() })
			.from(participant)
			.where(
				and(
					eq(participant.workshopId, workshopId),
					isNull(participant.removedAt),
					isNotNull(participant.admittedAt)
				)
			)
			.groupBy(participant.teamId),
		db()
			.select({ teamId: ballot.teamId, n: count() })
			.from(ballot)
			.where(eq(ballot.pollId, pollId))
			.groupBy(ballot.teamId)
	]);
	const teams: Turnout['teams'] = Object.fromEntries(
		teamIds.map((id) => [id, { voted: 0, eligible: 0 }])
	);
	for (const row of eligible) (teams[row.teamId] ??= { voted: 0, eligible: 0 }).eligible = row.n;
	for (const row of voted) (teams[row.teamId] ??= { voted: 0, eligible: 0 }).voted = row.n;
	const all = Object.values(teams);
	return {
		voted: all.reduce((s, t) => s + t.voted, 0),
		eligible: all.reduce((s, t) => s + t.eligible, 0),
		teams
	};
}

async function viewOf(row: PollRow): Promise<PollView> {
	return {
		id: row.id,
		kind: row.kind,
		status: row.status,
		question: row.question,
		options: optionsFor(row.kind, row.options),
		dotBudget: row.dotBudget,
		dotMaxPerCard: row.dotMaxPerCard,
		k: row.k,
		maxObjectionPercent: row.maxObjectionPercent,
		rule: row.kind === 'consent' ? consentRule(row.k, row.maxObjectionPercent) : null,
		agreementId: row.agreementId,
		stageKey: row.stageKey,
		previousPollId: row.previousPollId,
		leads: row.leads,
		turnout: await turnout(row.workshopId, row.id),
		keys: await ballotKeys.publicKeys(row.id),
		createdAt: row.createdAt.getTime()
	};
}

async function publish(row: PollRow): Promise<PollView> {
	const view = await viewOf(row);
	await rooms.change(roomDocName(row.workshopId), (doc) => writePoll(doc, view));
	return view;
}

/**
 * Turnout after casts, written to the room at most once per poll at a time and at most every
 * TURNOUT_INTERVAL_MS: a burst of 300 casts becomes a handful of room updates, each with the
 * count as it then stands, and the last one always follows the last cast.
 */
const TURNOUT_INTERVAL_MS = 250;
const turnoutWrites = new Map<string, { running: Promise<void>; again: boolean }>();

export function publishTurnout(workshopId: string, pollId: string): Promise<void> {
	const pending = turnoutWrites.get(pollId);
	if (pending) {
		pending.again = true;
		return pending.running;
	}
	const entry = { running: Promise.resolve(), again: false };
	entry.running = (async () => {
		try {
			do {
				const started = Date.now();
				entry.again = false;
				const current = await turnout(workshopId, pollId);
				await rooms.change(roomDocName(workshopId), (doc) => writeTurnout(doc, pollId, current));
				const wait = TURNOUT_INTERVAL_MS - (Date.now() - started);
				if (entry.again && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			} while (entry.again);
		} finally {
			turnoutWrites.delete(pollId);
		}
	})();
	turnoutWrites.set(pollId, entry);
	return entry.running;
}

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
		throw new PollRuleError('One of the cards is not on this stage’s board.', 404);
	}
	const options = candidates.map((c) => ({ id: c!.id, label: c!.text }));
	if (options.length < 2) {
		throw new PollRuleError('A dot vote needs at least 2 cards on the board.', 400);
	}
	return options;
}

/** A consent poll on a term: the term's merged wording becomes the agreement voted on. */
async function agreementForTerm(workshopId: string, stageKey: string, cardId: string) {
	const term = await rooms.read(stageDocName(workshopId, stageKey), (doc) => {
		const card = listCards(doc, 'term').find((c) => c.id === cardId);
		if (!card) return null;
		return { name: card.text, merged: termText(doc, cardId, 'merged')?.toString().trim() ?? '' };
	});
	if (!term) throw new PollRuleError('This stage has no such term.', 404);
	if (!term.merged) {
		throw new PollRuleError(
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
		throw new PollRuleError('This workshop has no such stage.', 404);
	}
	const id = newId();
	const base = { id, workshopId, kind: input.kind, k: input.k };
	let values: typeof poll.$inferInsert;
	switch (input.kind) {
		case 'consent': {
			let agreementId = input.agreementId;
			if (!agreementId) {
				if (!input.stageKey || !input.sourceItemId) {
					throw new PollRuleError(
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
			if (!subject) throw new PollRuleError('This workshop has no such agreement.', 404);
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
				throw new PollRuleError('The most dots on one card cannot exceed the dot budget.', 400);
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

/** Polls of a workshop as every screen sees them, with revealed results. */
export async function list(
	workshopId: string
): Promise<(PollView & { result: PublishedResult | null })[]> {
	const rows = await db()
		.select()
		.from(poll)
		.where(eq(poll.workshopId, workshopId))
		.orderBy(asc(poll.createdAt));
	return Promise.all(
		rows.map(async (row) => ({
			...(await viewOf(row)),
			result: row.status === 'revealed' ? row.result : null
		}))
	);
}

/**
 * Whether this participant was given a voting token for this poll: that they may vote, never
 * whether they did (which only their device knows).
 */
export async function hasToken(pollId: string, participantId: string): Promise<boolean> {
	const [found] = await db()
		.select({ pollId: ballotToken.pollId })
		.from(ballotToken)
		.where(and(eq(ballotToken.pollId, pollId), eq(ballotToken.participantId, participantId)));
	return Boolean(found);
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
		if (!current) throw new PollRuleError('This workshop has no such poll.', 404);
		if (current.status !== step.from) {
			const words = current.kind === 'classification' ? WRONG_ROUND_STATE : WRONG_STATE;
			throw new PollRuleError(words[action], 409);
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
		throw new PollRuleError('Start the next calibration round from its stage.', 409);
	}
	if (previous.status === 'draft' || previous.status === 'open') {
		throw new PollRuleError('Close the poll before starting a re-vote.', 409);
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
		throw new PollRuleError('Only a draft poll can be deleted; this one has been opened.', 409);
	}
	await db().delete(poll).where(eq(poll.id, pollId));
	ballotKeys.forget(pollId);
	await rooms.change(roomDocName(workshopId), (doc) => deletePoll(doc, pollId));
}

/**
 * One counted ballot on the bulletin: its tracker and its choice; no team, no reason. The
 * choice is left out when fewer than k voted in all (the result then shows no count either).
 */
export interface BulletinLine {
	tracker: string;
	choice: Choice | null;
}

/**
 * After the reveal, every counted ballot's tracker with its choice, in tracker order (which
 * follows nothing about the voters). Each device finds its own tracker and checks its ballot
 * was counted as cast; anyone can recount the overall result from it.
 */
export async function bulletin(workshopId: string, pollId: string): Promise<BulletinLine[]> {
	const row = await find(workshopId, pollId);
	if (row.status !== 'revealed') {
		throw new PollRuleError('The bulletin is published once the result is revealed.', 409);
	}
	const rows = await db()
		.select({ tracker: ballot.tokenHash, choice: ballot.choice })
		.from(ballot)
		.where(eq(ballot.pollId, pollId))
		.orderBy(asc(ballot.tokenHash));
	const showsChoices = row.result?.counts != null;
	return rows.map((r) => ({ tracker: r.tracker, choice: showsChoices ? r.choice.v : null }));
}

/** Re-publishes every poll's turnout: after people join, leave or move team. */
export async function refreshTurnout(workshopId: string): Promise<void> {
	const open = await db()
		.select({ id: poll.id })
		.from(poll)
		.where(and(eq(poll.workshopId, workshopId), inArray(poll.status, ['draft', 'open'])));
	for (const row of open) await publishTurnout(workshopId, row.id);
}

/** The published result as CSV: aggregated counts only, per team where shown. */
export async function resultCsv(
	workshopId: string,
	pollId: string
): Promise<{ filename: string; body: string }> {
	const row = await find(workshopId, pollId);
	if (row.status !== 'revealed' || !row.result) {
		throw new PollRuleError('The result is exported once it has been revealed.', 409);
	}
	const teams = await workshops.teams(workshopId);
	const name = (id: string) => teams.find((t) => t.id === id)?.name ?? 'Former team';
	const result = row.result;
	const cell = (value: string | number | null) => {
		const text = value === null ? '' : String(value);
		// Quote always; a leading = + - @ would be read as a formula by spreadsheets.
		return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
	};
	const lines = [[cell('group'), cell('voters'), ...result.options.map((o) => cell(o.label))]];
	lines.push([
		cell('All'),
		cell(result.voters),
		...result.options.map((o) => cell(result.counts ? (result.counts[o.id] ?? 0) : null))
	]);
	for (const t of result.teams) {
		lines.push([
			cell(name(t.teamId)),
			cell(t.voters),
			...result.options.map((o) => cell(t.counts ? (t.counts[o.id] ?? 0) : null))
		]);
	}
	const slug =
		row.question
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.slice(0, 40) || 'poll';
	return {
		filename: `${slug}-results.csv`,
		body: lines.map((l) => l.join(',')).join('\r\n') + '\r\n'
	};
}

/** Views of the polls as the room shows them (for pages rendered on the server). */
export async function roomViews(workshopId: string): Promise<PollView[]> {
	return rooms.read(roomDocName(workshopId), (doc) => readPolls(doc));
}

/**
 * A review session's pulse on one clause: a draft poll of kind `pulse` (fixed options, a
 * reason allowed), with its keys made like every poll's. Made by src/lib/server/reviews.ts,
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
