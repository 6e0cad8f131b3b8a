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
 */
import { and, eq, sql } from 'drizzle-orm';
import {
	blindedHashOf,
	fromBase64url,
	toBase64url,
	type TokenKey
} from '../../domain/voting-token';
import { db, rowsOf } from '../db';
import { ballotToken, poll } from '../db/schema';
import { blindSign, heldKey, ownKey } from './keys';

export class TokenError extends Error {
	override name = 'TokenError';
	constructor(
		message: string,
		readonly status: 400 | 403 | 404 | 409,
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

type Issued = typeof ballotToken.$inferSelect;

function again(earlier: Issued, blindedHash: string): { blindSignature: string } {
	if (earlier.blindedHash === blindedHash && earlier.blindSignature) {
		return { blindSignature: earlier.blindSignature };
	}
	if (!earlier.blindedHash) throw new TokenError('You have already voted in this poll.', 409);
	throw new TokenError(
		'Your vote in this poll belongs to the device (or browser) that first opened it: vote there. One voting token per person keeps every vote counted once.',
		409
	);
}

async function earlierToken(pollId: string, participantId: string): Promise<Issued | undefined> {
	const [row] = await db()
		.select()
		.from(ballotToken)
		.where(and(eq(ballotToken.pollId, pollId), eq(ballotToken.participantId, participantId)));
	return row;
}

async function refusal(workshopId: string, pollId: string): Promise<TokenError> {
	const [row] = await db()
		.select({ status: poll.status })
		.from(poll)
		.where(and(eq(poll.id, pollId), eq(poll.workshopId, workshopId)));
	if (!row) return new TokenError('This workshop has no such poll.', 404);
	if (row.status === 'draft') return new TokenError('This poll is not open yet.', 409);
	return new TokenError('This poll is closed: votes are no longer taken.', 409);
}

/** Signs this participant's blinded message for a poll, once; see the module comment. */
export async function issue(
	workshopId: string,
	pollId: string,
	participant: { id: string; teamId: string },
	request: TokenRequest
): Promise<{ blindSignature: string }> {
	const blinded = fromBase64url(request.blindedMessage);
	const blindedHash = blindedHashOf(blinded);

	const earlier = await earlierToken(pollId, participant.id);
	if (earlier) return again(earlier, blindedHash);

	const [current] = await db()
		.select({ status: poll.status })
		.from(poll)
		.where(and(eq(poll.id, pollId), eq(poll.workshopId, workshopId)));
	if (current?.status !== 'open') throw await refusal(workshopId, pollId);

	const key = heldKey(pollId, request.keyId);
	if (!key || key.teamId !== participant.teamId) {
		const own = await ownKey(pollId, participant.teamId);
		throw new TokenError(
			'The voting key has changed since this device prepared its token: it prepares a new one.',
			409,
			{ id: own.id, teamId: own.teamId, spki: own.spki }
		);
	}
	const signature = blindSign(key, blinded);
	if (!signature) throw new TokenError('The blinded message does not fit this poll’s key.', 400);
	const blindSignature = toBase64url(signature);

	// Recorded only while the poll is open (the poll row is share-locked, so a close waits),
	// and only once per participant: a concurrent request from the same person loses here.
	const recorded = rowsOf<{ poll_id: string }>(
		await db().execute(sql`
			with open_poll as (
				select id from poll where id = ${pollId} and status = 'open' for share
			)
			insert into ballot_token (poll_id, participant_id, team_id, key_id, blinded_hash, blind_signature)
			select id, ${participant.id}, ${participant.teamId}, ${key.id}, ${blindedHash}, ${blindSignature}
			from open_poll
			on conflict do nothing
			returning poll_id`)
	);
	if (recorded.length > 0) return { blindSignature };
	const winner = await earlierToken(pollId, participant.id);
	if (winner) return again(winner, blindedHash);
	throw await refusal(workshopId, pollId);
}
