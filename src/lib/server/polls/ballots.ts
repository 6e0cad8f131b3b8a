/**
 * Casting a ballot: the code to read to audit the vote's anonymity, and the only code that
 * writes the `ballot` table. A ballot comes with a voting token and nothing else: no session,
 * no participant, no address (server/voting-endpoints.ts reads none of them on this path).
 *
 * What it guarantees: nothing it stores or answers ties a ballot to the person who cast it.
 *
 * Against a database administrator, a superuser reading every row, the system columns (`xmin`,
 * the writing transaction; `ctid`, the place on the page), raw pages with the dead versions of
 * changed ballots, the write-ahead log and PostgreSQL's own log:
 * - A ballot row holds the poll, the token's tracker (SHA-256 of the token's message), the team
 *   whose key signed the token, the choice and an optional reason. No participant, session,
 *   time, address or sequence. The token was blind-signed (tokens.ts): the issuing side saw and
 *   kept only the blinded message, which no tracker can be matched to.
 * - Ballots are written by group commit: those that arrive together go in one statement, rows
 *   in random order, in a transaction that writes ballots only (the poll's row is share-locked,
 *   to see it open). Token records are written by transactions of their own. So a ballot shares
 *   its `xmin`, its neighbours on the page and its place in the write-ahead log with the
 *   ballots cast around it, and with no `ballot_token` row. Presenting the same token again
 *   rewrites that ballot the same way.
 * - Nothing here logs per request.
 *
 * Against a participant with a WebSocket client of their own, reading the room document and
 * sending what they like:
 * - Ballots never enter a shared document. The room carries turnout (people per team, written
 *   at most every 250 ms: turnout.ts) and, after the reveal, only what `publishResult` lets out;
 *   only the server writes the room (the realtime server drops a client's updates to it).
 * - A cast counts only with a token that verifies under one of the poll's keys (keys.ts), and
 *   changes only the ballot of that token: nobody can vote as someone else or overwrite them.
 *
 * Not covered here: whoever watches requests arrive (the server's operator, the network) can
 * match a device that casts alone the instant it gets its token (README, "Limits").
 */
import { createHash, randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { BallotError, checkChoice, takesReason, type Choice } from '../../domain/polls';
import { fromBase64url, PREPARED_MESSAGE_BYTES, MODULUS_BYTES } from '../../domain/voting-token';
import { db, rowsOf } from '../db';
import { codesOf } from '../db/availability';
import { UNSTORABLE_TEXT } from '../../schemas/storable';
import { RuleError } from '../rules';
import { groupCommit } from './group-commit';
import { verifyingKey, verifyToken } from './keys';
import { notOpen, rulesFor } from './rules';

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

type Outcome = 'created' | 'changed' | 'refused' | 'unstorable' | { failed: unknown };

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

/**
 * A batch the database refuses for a value in it (SQLSTATE class 22, data exception: text it
 * cannot store, say) is written again as two halves, each still shuffled in its own write, so
 * that the ballot at fault fails alone and never takes the ballots cast beside it down too.
 * Requests are checked for such text before they get here (schemas/storable.ts); this is for
 * whatever that check does not foresee.
 */
async function writeMixed(rows: Row[]): Promise<Outcome[]> {
	try {
		return await writeBatch(rows);
	} catch (error) {
		if (!codesOf(error).some((code) => code.startsWith('22'))) throw error;
		if (rows.length === 1) return ['unstorable'];
		const half = Math.ceil(rows.length / 2);
		// Each half answers for its own rows: one committed is never reported as failed
		// because the other then could not be written (the database gone in between, say).
		const inHalf = (part: Row[]) =>
			writeMixed(part).catch((failed: unknown) => part.map((): Outcome => ({ failed })));
		return [...(await inHalf(rows.slice(0, half))), ...(await inHalf(rows.slice(half)))];
	}
}

const store = groupCommit(writeMixed);

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
		if (e instanceof BallotError) throw new RuleError(e.message, 400);
		throw e;
	}
	const message = fromBase64url(request.message);
	const signature = fromBase64url(request.signature);
	if (message.length !== PREPARED_MESSAGE_BYTES || signature.length !== MODULUS_BYTES) {
		throw new RuleError('The voting token is not in the expected form.', 400);
	}
	const key = await verifyingKey(pollId, request.keyId);
	if (!key) throw new RuleError('This voting token is not for this poll.', 403);
	if (!verifyToken(key, message, signature)) {
		throw new RuleError('This voting token is not valid: its signature does not verify.', 403);
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
	if (typeof outcome === 'object') throw outcome.failed;
	if (outcome === 'refused') throw await notOpen(workshopId, pollId);
	if (outcome === 'unstorable') throw new RuleError(UNSTORABLE_TEXT, 400);
	if (outcome === 'created') onCreated?.();
	return { tracker, changed: outcome === 'changed' };
}
