/**
 * Casting: a ballot comes with a voting token and nothing else: no session, no participant.
 * The token's signature must verify under one of the poll's keys; the key says which team the
 * ballot counts for. The ballot is stored under the token's tracker, so presenting the same
 * token again changes it, and nothing on the issuing side is written or read.
 *
 * Ballots that arrive together are written together (group commit): one statement per batch,
 * rows in random order, each answered once its batch has committed. So a ballot's row shares
 * its transaction id, its neighbours on the page and its place in the write-ahead log with the
 * ballots cast around it, and with no `ballot_token` row. Nothing here logs per request.
 */
import { createHash, randomInt } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import {
	BallotError,
	checkChoice,
	takesReason,
	type Choice,
	type PollRules
} from '../../domain/polls';
import { fromBase64url, PREPARED_MESSAGE_BYTES, MODULUS_BYTES } from '../../domain/voting-token';
import { db, rowsOf } from '../db';
import { poll } from '../db/schema';
import { PollRuleError, rulesOf } from '../polls';
import { groupCommit } from './group-commit';
import { verifyingKey, verifyToken } from './keys';

export interface CastRequest {
	keyId: string;
	/** The token's (prepared) message, base64url. */
	message: string;
	/** The finalized signature, base64url. */
	signature: string;
	choice: unknown;
	reason?: string | null;
}

export interface CastAnswer {
	/** The ballot's tracker: find it on the bulletin after the reveal. */
	tracker: string;
	changed: boolean;
}

type Outcome = 'created' | 'changed' | 'refused';

interface Row {
	poll_id: string;
	team_id: string;
	token_hash: string;
	choice: { v: Choice };
	reason: string | null;
}

function shuffle<T>(items: T[]): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[items[i], items[j]] = [items[j]!, items[i]!];
	}
	return items;
}

/** One statement per batch: the batch commits or fails whole. */
async function writeBatch(rows: Row[]): Promise<Outcome[]> {
	// The same token twice in one batch: the later cast wins, as it would one batch later.
	const last = new Map<string, Row>();
	for (const row of rows) last.set(`${row.poll_id}:${row.token_hash}`, row);
	const distinct = shuffle([...last.values()]);
	const written = rowsOf<{ poll_id: string; token_hash: string; inserted: boolean }>(
		await db().execute(sql`
			with input as (
				select * from jsonb_to_recordset(${JSON.stringify(distinct)}::jsonb)
					as r(poll_id text, team_id text, token_hash text, choice jsonb, reason text)
			), open_poll as (
				select id from poll
				where id in (select poll_id from input) and status = 'open'
				for share
			)
			insert into ballot (poll_id, token_hash, team_id, choice, reason)
			select i.poll_id, i.token_hash, i.team_id, i.choice, i.reason
			from input i join open_poll o on o.id = i.poll_id
			on conflict (poll_id, token_hash)
				do update set choice = excluded.choice, reason = excluded.reason
			returning poll_id, token_hash, (xmax = 0) as inserted`)
	);
	const outcome = new Map<string, Outcome>();
	for (const w of written) {
		outcome.set(`${w.poll_id}:${w.token_hash}`, w.inserted ? 'created' : 'changed');
	}
	return rows.map((row) => outcome.get(`${row.poll_id}:${row.token_hash}`) ?? 'refused');
}

const store = groupCommit(writeBatch);

/**
 * A poll's rules (kind, options, dot budget) never change once it exists, so casting reads
 * them once per process; its status is checked by the write itself.
 */
const rulesCache = new Map<string, Promise<{ workshopId: string; rules: PollRules } | null>>();

/** Read once per poll and process, however many casts arrive at the same moment. */
function readRules(pollId: string) {
	let cached = rulesCache.get(pollId);
	if (!cached) {
		cached = (async () => {
			const [row] = await db().select().from(poll).where(eq(poll.id, pollId));
			if (!row) return null;
			return { workshopId: row.workshopId, rules: rulesOf(row) };
		})();
		if (rulesCache.size >= 1000) rulesCache.clear();
		rulesCache.set(pollId, cached);
		// Neither a failure nor "no such poll" is kept: the next cast asks again.
		cached.then(
			(found) => found ?? rulesCache.delete(pollId),
			() => rulesCache.delete(pollId)
		);
	}
	return cached;
}

async function rulesFor(workshopId: string, pollId: string): Promise<PollRules> {
	const found = await readRules(pollId);
	if (!found || found.workshopId !== workshopId) {
		throw new PollRuleError('This workshop has no such poll.', 404);
	}
	return found.rules;
}

async function notOpen(workshopId: string, pollId: string): Promise<PollRuleError> {
	const [row] = await db()
		.select({ status: poll.status, kind: poll.kind })
		.from(poll)
		.where(and(eq(poll.id, pollId), eq(poll.workshopId, workshopId)));
	if (!row) return new PollRuleError('This workshop has no such poll.', 404);
	const isRound = row.kind === 'classification';
	if (row.status === 'draft') {
		return new PollRuleError(`This ${isRound ? 'round' : 'poll'} is not open yet.`, 409);
	}
	return new PollRuleError(
		isRound
			? 'This round is closed: classifications are no longer taken.'
			: 'This poll is closed: votes are no longer taken.',
		409
	);
}

/** Casts or changes the ballot of this token. `onCreated` runs after a first cast commits. */
export async function cast(
	workshopId: string,
	pollId: string,
	request: CastRequest,
	onCreated?: () => void
): Promise<CastAnswer> {
	const rules = await rulesFor(workshopId, pollId);
	let choice: Choice;
	try {
		choice = checkChoice(rules, request.choice);
	} catch (e) {
		if (e instanceof BallotError) throw new PollRuleError(e.message, 400);
		throw e;
	}
	const message = fromBase64url(request.message);
	const signature = fromBase64url(request.signature);
	if (message.length !== PREPARED_MESSAGE_BYTES || signature.length !== MODULUS_BYTES) {
		throw new PollRuleError('The voting token is not in the expected form.', 400);
	}
	const key = await verifyingKey(pollId, request.keyId);
	if (!key) throw new PollRuleError('This voting token is not for this poll.', 403);
	if (!verifyToken(key, message, signature)) {
		throw new PollRuleError('This voting token is not valid: its signature does not verify.', 403);
	}
	// The same SHA-256 as the device's `trackerOf`, with Node's native hash.
	const tracker = createHash('sha256').update(message).digest('hex');
	const outcome = await store({
		poll_id: pollId,
		team_id: key.teamId,
		token_hash: tracker,
		choice: { v: choice },
		reason: takesReason(rules.kind) && request.reason ? request.reason : null
	});
	if (outcome === 'refused') throw await notOpen(workshopId, pollId);
	if (outcome === 'created') onCreated?.();
	return { tracker, changed: outcome === 'changed' };
}
