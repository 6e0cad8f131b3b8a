/**
 * The device's side of a voting token (RFC 9474 through @cloudflare/blindrsa-ts, on WebCrypto).
 *
 * 1. As soon as the poll's key for this person's team is known (from the draft on), the device
 *    makes a random message and blinds it. The blinded message, the blinding inverse and the
 *    message are kept on the device before anything is sent, so a reload or a lost answer
 *    resumes with the same request.
 * 2. While the poll is open it sends the blinded message with its session and gets the blind
 *    signature back; it unblinds it (finalize, which also verifies the signature under the
 *    poll's public key) and keeps the token.
 * 3. It casts with the token and the choice, with no cookies (`credentials: 'omit'`).
 *
 * Plain TypeScript with injected transport, so the browser, the tests and the benchmarks run
 * the same protocol code.
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import type { Choice } from '../domain/polls';
import {
	fromBase64url,
	MESSAGE_BYTES,
	toBase64url,
	trackerOf,
	type TokenKey
} from '../domain/voting-token';
import { exchange, RequestError, send } from './requests';

/** What a device keeps per poll. */
export interface KeptToken {
	/** Blinded and waiting for the server's signature. */
	pending?: { key: TokenKey; message: string; blinded: string; inv: string };
	/** Finalized: message and signature under `keyId`. */
	token?: { keyId: string; message: string; signature: string; tracker: string };
	/** What this device last cast (shown back to its owner), once cast. */
	choice?: Choice | null;
	reason?: string;
}

export interface Answer {
	status: number;
	body: Record<string, unknown>;
}

/** Posts JSON and answers status and body; the device's session goes with it or not. */
export type Post = (path: string, body: unknown) => Promise<Answer>;

/** The token request's transport in the browser: JSON, with this device's session. */
export const postWithSession: Post = async (path, body) => {
	const reply = await exchange('POST', path, body);
	return { status: reply.status, body: (reply.body ?? {}) as Record<string, unknown> };
};

/** A refusal on the way to a ballot, in words for the voter (status 0: the server was away). */
export class TokenRefused extends RequestError {
	override name = 'TokenRefused';
}

const suite = RSABSSA.SHA384.PSS.Randomized();

function importKey(key: TokenKey): Promise<CryptoKey> {
	return crypto.subtle.importKey(
		'spki',
		new Uint8Array(fromBase64url(key.spki)),
		{ name: 'RSA-PSS', hash: 'SHA-384' },
		true,
		['verify']
	);
}

/** The key a device blinds against: its team's newest in the room's list. */
export function keyFor(keys: TokenKey[], teamId: string): TokenKey | null {
	return keys.filter((k) => k.teamId === teamId).at(-1) ?? null;
}

/** Step 1: a fresh random message, blinded against `key`. */
export async function prepare(key: TokenKey): Promise<NonNullable<KeptToken['pending']>> {
	const message = suite.prepare(crypto.getRandomValues(new Uint8Array(MESSAGE_BYTES)));
	const { blindedMsg, inv } = await suite.blind(await importKey(key), message);
	return {
		key,
		message: toBase64url(message),
		blinded: toBase64url(blindedMsg),
		inv: toBase64url(inv)
	};
}

/** Step 2's end: unblinds the server's signature (and verifies it under the poll's key). */
export async function finalize(
	pending: NonNullable<KeptToken['pending']>,
	blindSignature: string
): Promise<NonNullable<KeptToken['token']>> {
	const message = fromBase64url(pending.message);
	const signature = await suite.finalize(
		await importKey(pending.key),
		message,
		fromBase64url(blindSignature),
		fromBase64url(pending.inv)
	);
	return {
		keyId: pending.key.id,
		message: pending.message,
		signature: toBase64url(signature),
		tracker: trackerOf(message)
	};
}

function isKey(value: unknown): value is TokenKey {
	const k = value as TokenKey | null;
	return (
		!!k && typeof k.id === 'string' && typeof k.teamId === 'string' && typeof k.spki === 'string'
	);
}

/**
 * Step 2: the token for this poll, asking the server if the device has none yet. `save` is
 * called before every request and after the answer, so what the device holds survives a reload.
 */
export async function obtain(
	kept: KeptToken,
	save: (kept: KeptToken) => void,
	post: Post,
	tokenPath: string,
	key: TokenKey | null
): Promise<NonNullable<KeptToken['token']>> {
	if (kept.token) return kept.token;
	let pending = kept.pending;
	// A server that restarted answers with its new key; the second try uses it.
	for (let attempt = 0; attempt < 3; attempt++) {
		if (!pending) {
			if (!key) throw new TokenRefused('This poll has no voting key for your team yet.', 409);
			pending = await prepare(key);
			save({ ...kept, pending });
		}
		const answer = await post(tokenPath, {
			keyId: pending.key.id,
			blindedMessage: pending.blinded
		});
		if (answer.status === 200 && typeof answer.body.blindSignature === 'string') {
			const token = await finalize(pending, answer.body.blindSignature);
			save({ ...kept, pending: undefined, token });
			return token;
		}
		if (answer.status === 409 && isKey(answer.body.key)) {
			key = answer.body.key;
			pending = undefined;
			continue;
		}
		throw new TokenRefused(
			typeof answer.body.message === 'string'
				? answer.body.message
				: `The server refused the voting token (${answer.status}).`,
			answer.status
		);
	}
	throw new TokenRefused('The voting key keeps changing; reload the page and try again.', 409);
}

/** Step 3: the ballot, with the token and no identity. */
export function castBody(
	token: NonNullable<KeptToken['token']>,
	choice: Choice,
	reason?: string | null
) {
	return {
		choice,
		...(reason === undefined ? {} : { reason }),
		token: { keyId: token.keyId, message: token.message, signature: token.signature }
	};
}

/**
 * Step 4: sends the ballot with no cookie and no session (`credentials: 'omit'`), so the
 * request carries the token and nothing that names the voter. Resolves with whether an earlier
 * ballot of this token was changed; a refusal or a lost network is a `TokenRefused` in words,
 * `what` naming the thing sent ("Your vote", "Your classifications").
 */
export async function castAnonymously(
	ballotPath: string,
	body: ReturnType<typeof castBody>,
	what: string
): Promise<{ changed: boolean }> {
	try {
		const answer = await send<{ changed?: boolean } | null>('POST', ballotPath, body, {
			credentials: 'omit',
			refused: (status) => `${what} did not go through (${status}).`
		});
		return { changed: answer?.changed === true };
	} catch (error) {
		if (error instanceof RequestError) throw new TokenRefused(error.message, error.status);
		throw error;
	}
}
