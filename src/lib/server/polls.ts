/**
 * Polls and ballots. The anonymity is in the data:
 *
 * - Casting writes two rows in one transaction: a receipt (poll, participant; nothing else)
 *   and a ballot (random id, team, choice, optional reason, hash of the device secret; no
 *   participant, no time, no sequence). Nothing joins the two.
 * - Changing a ballot needs the device secret, which only the participant's device keeps;
 *   the server finds the ballot by the secret's hash and cannot tell whose it is.
 * - When a poll closes, its ballots are rewritten in random order, so the table's physical
 *   order does not follow the receipts' either.
 * - Nothing here logs, throws or returns a choice together with anything about its voter.
 *   Results leave only through `publishResult` (src/lib/domain/polls.ts), which hides small
 *   teams and whatever would let them be worked out.
 *
 * The facilitator runs polls (draft → open → closed → revealed, and re-votes) and never votes.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { randomInt } from 'node:crypto';
import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
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
	BallotError,
	checkChoice,
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
import type { NewPoll } from '../schemas/polls';
import * as agreements from './agreements';
import * as boards from './boards';
import { db, rowsOf } from './db';
import { asUnavailable, codesOf } from './db/availability';
import { agreement, ballot, participant, poll, voteReceipt } from './db/schema';
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

function rulesOf(row: PollRow): PollRules {
	return {
		kind: row.kind,
		options: row.options,
		dotBudget: row.dotBudget,
		dotMaxPerCard: row.dotMaxPerCard,
		k: row.k,
		maxObjectionPercent: row.maxObjectionPercent
	};
}

async function find(workshopId: string, pollId: string): Promise<PollRow> {
	const [row] = await db()
		.select()
		.from(poll)
		.where(and(eq(poll.id, pollId), eq(poll.workshopId, workshopId)));
	if (!row) throw new PollRuleError('This workshop has no such poll.', 404);
	return row;
}

/** Who may vote (participants not removed), and who has, per team. Counts only. */
export async function turnout(workshopId: string, pollId: string): Promise<Turnout> {
	const teamIds = (await workshops.teams(workshopId)).map((t) => t.id);
	const [eligible, voted] = await Promise.all([
		db()
			.select({ teamId: participant.teamId, n: count() })
			.from(participant)
			.where(and(eq(participant.workshopId, workshopId), isNull(participant.removedAt)))
			.groupBy(participant.teamId),
		db()
			.select({ teamId: participant.teamId, n: count() })
			.from(voteReceipt)
			.innerJoin(participant, eq(participant.id, voteReceipt.participantId))
			.where(eq(voteReceipt.pollId, pollId))
			.groupBy(participant.teamId)
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
		turnout: await turnout(row.workshopId, row.id),
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

function publishTurnout(workshopId: string, pollId: string): Promise<void> {
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

/** Whether this participant has voted in this poll: the receipt, never the ballot. */
export async function hasVoted(pollId: string, participantId: string): Promise<boolean> {
	const [found] = await db()
		.select({ pollId: voteReceipt.pollId })
		.from(voteReceipt)
		.where(and(eq(voteReceipt.pollId, pollId), eq(voteReceipt.participantId, participantId)));
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
		if (current.status !== step.from) throw new PollRuleError(WRONG_STATE[action], 409);
		const patch: Partial<typeof poll.$inferInsert> = { status: step.to };
		if (action === 'open') patch.openedAt = now;
		if (action === 'close') {
			patch.closedAt = now;
			await shuffleBallots(tx, pollId);
		}
		if (action === 'reveal') {
			patch.revealedAt = now;
			const ballots = (
				await tx
					.select({ teamId: ballot.teamId, choice: ballot.choice, reason: ballot.reason })
					.from(ballot)
					.where(eq(ballot.pollId, pollId))
			).map((b) => ({ ...b, choice: b.choice.v }));
			patch.result = publishResult(
				rulesOf(current),
				teamIds,
				tally(rulesOf(current), teamIds, ballots)
			);
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

type Tx = Parameters<Parameters<ReturnType<typeof db>['transaction']>[0]>[0];

/** Rewrites a poll's ballots in random order, so their physical order tells nothing. */
async function shuffleBallots(tx: Tx, pollId: string): Promise<void> {
	const rows = await tx.select().from(ballot).where(eq(ballot.pollId, pollId));
	if (rows.length < 2) return;
	for (let i = rows.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[rows[i], rows[j]] = [rows[j]!, rows[i]!];
	}
	await tx.delete(ballot).where(eq(ballot.pollId, pollId));
	for (let i = 0; i < rows.length; i += 500) {
		await tx.insert(ballot).values(rows.slice(i, i + 500).map((r) => ({ ...r, id: newId() })));
	}
}

/** A new draft with the same question and rules, linked to the poll it repeats. */
export async function revote(workshopId: string, pollId: string): Promise<string> {
	const previous = await find(workshopId, pollId);
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
	await rooms.change(roomDocName(workshopId), (doc) => deletePoll(doc, pollId));
}

function hashSecret(secret: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export interface Voter {
	participantId: string;
	teamId: string;
}

/**
 * Casts or changes this participant's ballot. The first cast writes the receipt and the
 * ballot together; a later one must bring the same device secret, and changes the ballot
 * whose secret hash matches without ever learning more than that the secret fits.
 * Answers only whether a ballot was created or changed.
 */
export async function cast(
	workshopId: string,
	pollId: string,
	voter: Voter,
	input: { choice: unknown; reason?: string | null; secret: string }
): Promise<{ changed: boolean }> {
	const rules = await rulesFor(workshopId, pollId);
	let choice: Choice;
	try {
		choice = checkChoice(rules, input.choice);
	} catch (e) {
		if (e instanceof BallotError) throw new PollRuleError(e.message, 400);
		throw e;
	}
	const reason = rules.kind === 'consent' && input.reason ? input.reason : null;
	const stored = JSON.stringify({ v: choice });
	const secretHash = hashSecret(input.secret);
	try {
		// One statement, so one round trip and its own transaction: the poll row is share-locked
		// while open (a close waits for it, and a cast after the close finds it closed), the
		// receipt is written unless there is one, and the ballot only with a new receipt.
		const [first] = rowsOf<{ open: number; created: number }>(
			await db().execute(sql`
				with open_poll as (
					select id from poll
					where id = ${pollId} and workshop_id = ${workshopId} and status = 'open'
					for share
				), receipt as (
					insert into vote_receipt (poll_id, participant_id)
					select id, ${voter.participantId} from open_poll
					on conflict do nothing
					returning poll_id
				), created as (
					insert into ballot (id, poll_id, team_id, choice, reason, secret_hash)
					select ${newId()}, poll_id, ${voter.teamId}, ${stored}::jsonb, ${reason}, ${secretHash}
					from receipt
					returning id
				)
				select (select count(*) from open_poll)::int as open,
					(select count(*) from created)::int as created`)
		);
		if (!first || Number(first.open) === 0) throw await notOpen(workshopId, pollId);
		if (Number(first.created) > 0) {
			// The answer does not wait for the room: in a burst, turnout is written a few times
			// for hundreds of casts, and each voter needs only to know their ballot is stored.
			publishTurnout(workshopId, pollId).catch((e: unknown) =>
				console.error(`Could not update the turnout of poll ${pollId}:`, (e as Error).message)
			);
			return { changed: false };
		}
		const updated = rowsOf<{ id: string }>(
			await db().execute(sql`
				with open_poll as (
					select id from poll where id = ${pollId} and status = 'open' for share
				)
				update ballot set choice = ${stored}::jsonb, reason = ${reason}
				from open_poll
				where ballot.poll_id = open_poll.id and ballot.secret_hash = ${secretHash}
				returning ballot.id`)
		);
		if (updated.length > 0) return { changed: true };
		if (!(await hasVoted(pollId, voter.participantId))) throw await notOpen(workshopId, pollId);
		throw new PollRuleError(
			'You have already voted in this poll, and this device does not hold the key to that ballot, so it cannot be changed from here. Your first vote stands.',
			403
		);
	} catch (e) {
		if (e instanceof PollRuleError) throw e;
		// A database error carries its statement's parameters (here a choice next to a
		// participant id): it must never reach a log as it is.
		const unavailable = asUnavailable(e);
		if (unavailable) throw unavailable;
		const codes = codesOf(e);
		if (codes.includes('23505')) {
			throw new PollRuleError(
				'This device’s ballot key is already in use; reload and vote again.',
				409
			);
		}
		throw new Error(`Storing a ballot failed (database error ${codes.at(-1) ?? 'unknown'}).`);
	}
}

/** Why a poll takes no ballot: it does not exist here, is still a draft, or is closed. */
async function notOpen(workshopId: string, pollId: string): Promise<PollRuleError> {
	const [row] = await db()
		.select({ status: poll.status })
		.from(poll)
		.where(and(eq(poll.id, pollId), eq(poll.workshopId, workshopId)));
	if (!row) return new PollRuleError('This workshop has no such poll.', 404);
	if (row.status === 'draft') return new PollRuleError('This poll is not open yet.', 409);
	return new PollRuleError('This poll is closed: votes are no longer taken.', 409);
}

/**
 * A poll's rules (kind, options, dot budget) never change once it exists, so casting reads
 * them once per process rather than on every ballot; its status is always read afresh.
 */
const rulesCache = new Map<string, { workshopId: string; rules: PollRules }>();

async function rulesFor(workshopId: string, pollId: string): Promise<PollRules> {
	let cached = rulesCache.get(pollId);
	if (!cached) {
		const row = await find(workshopId, pollId);
		cached = { workshopId: row.workshopId, rules: rulesOf(row) };
		if (rulesCache.size >= 1000) rulesCache.clear();
		rulesCache.set(pollId, cached);
	}
	if (cached.workshopId !== workshopId)
		throw new PollRuleError('This workshop has no such poll.', 404);
	return cached.rules;
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
