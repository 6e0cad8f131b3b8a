/**
 * Issuing voting tokens. A participant's device asks while a poll is open, with its session
 * and a blinded message; the server records *that* it issued this participant a token for this
 * poll (who may vote, never who did), signs the blinded message and answers. It never sees
 * the token the device will unblind from that signature, so nothing here can be matched to a
 * ballot later: not by the server, not by anyone holding the database.
 *
 * One token per participant and poll. The blinded message's hash and the blind signature are
 * kept, so a device whose answer was lost on the network asks again with the same blinded
 * message and gets the same signature; a different message (another device, a cleared
 * browser) gets none, since two tokens would be two votes.
 *
 * A room asks all at once when a poll opens, so the common path is lean: one query for the
 * session, the signature in memory, and the record written with the other requests of the
 * moment in one statement (group commit). Everything else happens only when that fails.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { fromBase64url, toBase64url, type TokenKey } from '../../domain/voting-token';
import { NOT_ADMITTED } from '../admission';
import { hashToken } from '../auth/tokens';
import { db, rowsOf } from '../db';
import { ballotToken } from '../db/schema';
import { groupCommit } from './group-commit';
import { blindSign, heldKey, ownKey } from './keys';

export class TokenError extends Error {
	override name = 'TokenError';
	constructor(
		message: string,
		readonly status: 400 | 401 | 403 | 404 | 409,
		/** With a 409 for a key this server does not hold: the key to blind against instead. */
		readonly key?: TokenKey
	) {
		super(message);
	}
}

export interface TokenRequest {
	keyId: string;
	/** The blinded message, base64url. */
	blindedMessage: string;
}

export interface Voter {
	participantId: string;
	teamId: string;
	workshopId: string;
	/** Let in by the facilitator (always, unless the workshop requires admission). */
	isAdmitted: boolean;
}

/**
 * The participant behind a session cookie's token, if the session is live and its participant
 * still in the workshop. Sessions slide forward on pages and API calls; this path only reads.
 */
export async function voterOf(sessionToken: string | undefined): Promise<Voter | null> {
	if (!sessionToken || !/^[a-z2-7]{32}$/.test(sessionToken)) return null;
	const [row] = rowsOf<{
		participant_id: string;
		team_id: string;
		workshop_id: string;
		admitted: boolean;
	}>(
		await db().execute(sql`
			select p.id as participant_id, p.team_id, p.workshop_id,
				(p.admitted_at is not null) as admitted
			from session s join participant p on p.id = s.participant_id
			where s.id = ${hashToken(sessionToken)} and s.expires_at > now() and p.removed_at is null`)
	);
	return row
		? {
				participantId: row.participant_id,
				teamId: row.team_id,
				workshopId: row.workshop_id,
				isAdmitted: row.admitted
			}
		: null;
}

export interface Issuance {
	poll_id: string;
	participant_id: string;
	team_id: string;
	key_id: string;
	blinded_hash: string;
	blind_signature: string;
}

/**
 * Which rows of a batch were written. One participant's requests can share a batch (two
 * devices, a retry), and only one of them is written: a row counts only if its blinded message
 * is the one written, or a request with another message would be answered with a second
 * signature, a second vote.
 */
export function writtenRows(
	rows: Issuance[],
	written: { poll_id: string; participant_id: string; blinded_hash: string }[]
): boolean[] {
	const recorded = new Set(
		written.map((w) => `${w.poll_id}:${w.participant_id}:${w.blinded_hash}`)
	);
	return rows.map((r) => recorded.has(`${r.poll_id}:${r.participant_id}:${r.blinded_hash}`));
}

/** Records a batch of issuances in one statement, only for polls that are open; true if new. */
async function recordBatch(rows: Issuance[]): Promise<boolean[]> {
	const written = rowsOf<{ poll_id: string; participant_id: string; blinded_hash: string }>(
		await db().execute(sql`
			with input as (
				select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(poll_id text,
					participant_id text, team_id text, key_id text, blinded_hash text, blind_signature text)
			), open_poll as (
				select id from poll where id in (select poll_id from input) and status = 'open' for share
			)
			insert into ballot_token
				(poll_id, participant_id, team_id, key_id, blinded_hash, blind_signature)
			select i.poll_id, i.participant_id, i.team_id, i.key_id, i.blinded_hash, i.blind_signature
			from input i join open_poll o on o.id = i.poll_id
			on conflict do nothing
			returning poll_id, participant_id, blinded_hash`)
	);
	return writtenRows(rows, written);
}

const record = groupCommit(recordBatch);

/**
 * Where this participant stands in this poll: an earlier answer to give again, a refusal, or
 * 'open' (open, and no token issued yet).
 */
async function standing(
	workshopId: string,
	pollId: string,
	voter: Voter,
	blindedHash: string
): Promise<{ blindSignature: string } | TokenError | 'open'> {
	const [found] = rowsOf<{
		status: string;
		kind: string;
		blinded_hash: string | null;
		blind_signature: string | null;
		issued: boolean;
	}>(
		await db().execute(sql`
			select p.status, p.kind, t.blinded_hash, t.blind_signature, (t.poll_id is not null) as issued
			from poll p left join ballot_token t
				on t.poll_id = p.id and t.participant_id = ${voter.participantId}
			where p.id = ${pollId} and p.workshop_id = ${workshopId}`)
	);
	if (!found) return new TokenError('This workshop has no such poll.', 404);
	const words = found.kind === 'classification' ? ROUND_WORDS : POLL_WORDS;
	if (found.issued) {
		if (found.blinded_hash === blindedHash && found.blind_signature) {
			return { blindSignature: found.blind_signature };
		}
		if (!found.blinded_hash) return new TokenError(words.alreadyVoted, 409);
		return new TokenError(words.elsewhere, 409);
	}
	if (found.status === 'draft') return new TokenError(words.notOpen, 409);
	if (found.status !== 'open') return new TokenError(words.closed, 409);
	return 'open';
}

const POLL_WORDS = {
	alreadyVoted: 'You have already voted in this poll.',
	elsewhere:
		'Your vote in this poll belongs to the device (or browser) that first opened it: vote there. One voting token per person keeps every vote counted once.',
	notOpen: 'This poll is not open yet.',
	closed: 'This poll is closed: votes are no longer taken.'
};

/**
 * A calibration round's words. "Classifying twice" is refused here: one token per person and
 * round, so a second device (or a cleared browser) gets none; the device that holds the token
 * may change its classifications until the round closes.
 */
const ROUND_WORDS = {
	alreadyVoted: 'You have already classified the leads in this round.',
	elsewhere:
		'Your classifications in this round belong to the device (or browser) that first opened it: classify there. One token per person keeps every classification counted once.',
	notOpen: 'This round is not open yet.',
	closed: 'This round is closed: classifications are no longer taken.'
};

/** Signs this participant's blinded message for a poll, once; see the module comment. */
export async function issue(
	workshopId: string,
	pollId: string,
	voter: Voter,
	request: TokenRequest
): Promise<{ blindSignature: string }> {
	if (voter.workshopId !== workshopId) {
		throw new TokenError('You are not part of this workshop.', 403);
	}
	if (!voter.isAdmitted) throw new TokenError(NOT_ADMITTED, 403);
	const blinded = fromBase64url(request.blindedMessage);
	const blindedHash = createHash('sha256').update(blinded).digest('hex');
	const settle = async () => {
		const outcome = await standing(workshopId, pollId, voter, blindedHash);
		if (outcome instanceof TokenError) throw outcome;
		// Open and still no token: the poll closed and opened again in between, or a race lost.
		if (outcome === 'open')
			throw new TokenError('The voting token was not recorded; try again.', 409);
		return outcome;
	};

	const key = heldKey(pollId, request.keyId);
	if (!key || key.teamId !== voter.teamId) {
		// Asked before (this server restarted since, or the answer was lost): the same answer.
		const earlier = await standing(workshopId, pollId, voter, blindedHash);
		if (earlier instanceof TokenError) throw earlier;
		if (earlier !== 'open') return earlier;
		const own = await ownKey(pollId, voter.teamId);
		throw new TokenError(
			'The voting key has changed since this device prepared its token: it prepares a new one.',
			409,
			{ id: own.id, teamId: own.teamId, spki: own.spki }
		);
	}
	const signature = blindSign(key, blinded);
	if (!signature) throw new TokenError('The blinded message does not fit this poll’s key.', 400);
	const blindSignature = toBase64url(signature);
	const isNew = await record({
		poll_id: pollId,
		participant_id: voter.participantId,
		team_id: voter.teamId,
		key_id: key.id,
		blinded_hash: blindedHash,
		blind_signature: blindSignature
	});
	return isNew ? { blindSignature } : settle();
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
