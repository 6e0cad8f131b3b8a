/**
 * The token protocol end to end without a server: the device's side is the app's own
 * (src/lib/client/voting-token.ts over @cloudflare/blindrsa-ts), the server's side is the
 * native RSA of src/lib/server/polls/keys.ts.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { obtain, type KeptToken } from '../../src/lib/client/voting-token';
import { writtenRows, type Issuance } from '../../src/lib/server/polls/tokens';
import { blindSign, verifyToken } from '../../src/lib/server/polls/keys';
import {
	fromBase64url,
	keyIdOf,
	toBase64url,
	trackerOf,
	type TokenKey
} from '../../src/lib/domain/voting-token';

function serverKey(teamId: string) {
	const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
	const spki = new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }));
	return { id: keyIdOf(spki), teamId, spki: toBase64url(spki), ...pair };
}

const sales = serverKey('sales');
const marketing = serverKey('marketing');
const publicOf = (k: typeof sales): TokenKey => ({ id: k.id, teamId: k.teamId, spki: k.spki });

/** A device obtaining its token from a server holding `key`. */
async function tokenFrom(key: typeof sales) {
	let kept: KeptToken = {};
	const token = await obtain(
		kept,
		(next) => (kept = next),
		async (_path, body) => {
			const { blindedMessage } = body as { blindedMessage: string };
			const signature = blindSign(key, fromBase64url(blindedMessage));
			return signature
				? { status: 200, body: { blindSignature: toBase64url(signature) } }
				: { status: 400, body: { message: 'bad' } };
		},
		'/token',
		publicOf(key)
	);
	return { token, kept };
}

describe('voting tokens', () => {
	test('a blind-signed token verifies under its team’s key only, and its tracker is the message’s hash', async () => {
		const { token, kept } = await tokenFrom(sales);
		const message = fromBase64url(token.message);
		const signature = fromBase64url(token.signature);
		expect(verifyToken(sales, message, signature)).toBe(true);
		expect(verifyToken(marketing, message, signature)).toBe(false);
		expect(token.tracker).toBe(trackerOf(message));
		expect(kept.pending).toBeUndefined();
	});

	test('a forged signature, another message or a signature of another key does not verify', async () => {
		const { token } = await tokenFrom(sales);
		const message = fromBase64url(token.message);
		expect(verifyToken(sales, message, randomBytes(256))).toBe(false);
		expect(verifyToken(sales, randomBytes(64), fromBase64url(token.signature))).toBe(false);
		const other = await tokenFrom(marketing);
		expect(
			verifyToken(sales, fromBase64url(other.token.message), fromBase64url(other.token.signature))
		).toBe(false);
	});

	test('a value that is no number below the modulus is refused, not signed', () => {
		expect(blindSign(sales, new Uint8Array(256).fill(0xff))).toBeNull();
		expect(blindSign(sales, new Uint8Array(255))).toBeNull();
	});

	test('a device whose answer was lost asks again with the same blinded message; a changed key makes it blind afresh', async () => {
		let kept: KeptToken = {};
		const seen: string[] = [];
		let calls = 0;
		const token = await obtain(
			kept,
			(next) => (kept = next),
			async (_path, body) => {
				const { keyId, blindedMessage } = body as { keyId: string; blindedMessage: string };
				seen.push(blindedMessage);
				calls++;
				if (keyId !== marketing.id) {
					return { status: 409, body: { message: 'key changed', key: publicOf(marketing) } };
				}
				return {
					status: 200,
					body: {
						blindSignature: toBase64url(blindSign(marketing, fromBase64url(blindedMessage))!)
					}
				};
			},
			'/token',
			publicOf(sales)
		);
		expect(calls).toBe(2);
		expect(seen[0]).not.toBe(seen[1]);
		expect(token.keyId).toBe(marketing.id);
		expect(
			verifyToken(marketing, fromBase64url(token.message), fromBase64url(token.signature))
		).toBe(true);
	});

	test("one participant's requests in one written batch: only the one whose blinded message was written is signed", () => {
		const row = (participant: string, blinded: string): Issuance => ({
			poll_id: 'p1',
			participant_id: participant,
			team_id: 't1',
			key_id: 'k1',
			blinded_hash: blinded,
			blind_signature: `sig-${blinded}`
		});
		// Two devices of Sky and one of Ana share a batch; the insert wrote one row per person.
		const batch = [row('sky', 'b1'), row('sky', 'b2'), row('ana', 'b3'), row('sky', 'b1')];
		const written = [
			{ poll_id: 'p1', participant_id: 'sky', blinded_hash: 'b1' },
			{ poll_id: 'p1', participant_id: 'ana', blinded_hash: 'b3' }
		];
		// The same message twice (a retry) gets the same signature; another message gets none.
		expect(writtenRows(batch, written)).toEqual([true, false, true, true]);
	});
});
