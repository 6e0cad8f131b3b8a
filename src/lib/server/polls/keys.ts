/**
 * The server's voting keys: one RSA key pair per poll, team and server instance.
 *
 * A private key lives only in the memory of the instance that made it, is used to sign
 * blinded messages while its poll is open, and is forgotten when the poll closes: it is never
 * stored, logged or sent. Its public half is stored with the poll (`poll_key`) and shown in
 * the room, so every device sees the same keys (a key made for one person alone would show)
 * and every instance verifies tokens of every key. An instance that restarts, or another
 * instance, makes a key of its own the first time it has to issue a token for that team.
 *
 * The store is kept on `globalThis`: the SvelteKit bundle and server/ are two module graphs in
 * one process, and a key made by one must be found by the other.
 */
import {
	constants,
	createPublicKey,
	generateKeyPair,
	privateDecrypt,
	publicEncrypt,
	verify,
	type KeyObject
} from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import {
	fromBase64url,
	keyIdOf,
	MODULUS_BITS,
	MODULUS_BYTES,
	SALT_BYTES,
	toBase64url,
	type TokenKey
} from '../../domain/voting-token';
import { db } from '../db';
import { pollKey } from '../db/schema';

interface HeldKey extends TokenKey {
	privateKey: KeyObject;
	publicKey: KeyObject;
}

interface VerifyingKey {
	teamId: string;
	publicKey: KeyObject;
}

interface Store {
	/** pollId → teamId → this instance's key (a promise while it is being made). */
	own: Map<string, Map<string, Promise<HeldKey>>>;
	/** pollId → keyId → resolved own key, for signing without waiting. */
	byId: Map<string, Map<string, HeldKey>>;
	/** pollId → keyId → public key, for verifying casts (any instance's keys). */
	verifying: Map<string, Map<string, Promise<VerifyingKey | null>>>;
}

const KEY = Symbol.for('common-ground.voting-keys');

function store(): Store {
	const registry = globalThis as { [KEY]?: Store };
	return (registry[KEY] ??= { own: new Map(), byId: new Map(), verifying: new Map() });
}

function makeKeyPair(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
	return new Promise((resolve, reject) =>
		generateKeyPair(
			'rsa',
			{ modulusLength: MODULUS_BITS, publicExponent: 65537 },
			(e, pub, priv) => (e ? reject(e) : resolve({ privateKey: priv, publicKey: pub }))
		)
	);
}

async function makeKey(pollId: string, teamId: string): Promise<HeldKey> {
	const pair = await makeKeyPair();
	const spki = new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }));
	const key: HeldKey = { id: keyIdOf(spki), teamId, spki: toBase64url(spki), ...pair };
	await db()
		.insert(pollKey)
		.values({ pollId, keyId: key.id, teamId, publicKey: key.spki })
		.onConflictDoNothing();
	const { byId } = store();
	if (!byId.has(pollId)) byId.set(pollId, new Map());
	byId.get(pollId)!.set(key.id, key);
	return key;
}

/** This instance's key for a poll and team, made (and its public half stored) on first use. */
export function ownKey(pollId: string, teamId: string): Promise<HeldKey> {
	const { own } = store();
	let perTeam = own.get(pollId);
	if (!perTeam) own.set(pollId, (perTeam = new Map()));
	let key = perTeam.get(teamId);
	if (!key) {
		key = makeKey(pollId, teamId);
		perTeam.set(teamId, key);
		// A failed attempt (the database away) is not remembered: the next request tries again.
		key.catch(() => perTeam.delete(teamId));
	}
	return key;
}

/** Makes this instance's keys for every team of a poll (at creation, and again at opening). */
export async function ensureKeys(pollId: string, teamIds: string[]): Promise<void> {
	await Promise.all(teamIds.map((teamId) => ownKey(pollId, teamId)));
}

/** This instance's key with that id, if it holds it. */
export function heldKey(pollId: string, keyId: string): HeldKey | undefined {
	return store().byId.get(pollId)?.get(keyId);
}

/** Drops the private keys of a poll that takes no more tokens (closed or deleted). */
export function forget(pollId: string): void {
	const s = store();
	s.own.delete(pollId);
	s.byId.delete(pollId);
}

/** Every public key of a poll, of every instance, oldest first per team. */
export async function publicKeys(pollId: string): Promise<TokenKey[]> {
	const rows = await db()
		.select({ id: pollKey.keyId, teamId: pollKey.teamId, spki: pollKey.publicKey })
		.from(pollKey)
		.where(eq(pollKey.pollId, pollId));
	return rows.sort((a, b) => a.teamId.localeCompare(b.teamId) || a.id.localeCompare(b.id));
}

/** The public key a cast's token claims, if it is one of this poll's; null otherwise. */
export function verifyingKey(pollId: string, keyId: string): Promise<VerifyingKey | null> {
	const { verifying } = store();
	const cached = verifying.get(pollId)?.get(keyId);
	if (cached) return cached;
	// The promise is kept, so a burst of casts under a new key reads it once.
	const found = (async (): Promise<VerifyingKey | null> => {
		const [row] = await db()
			.select({ teamId: pollKey.teamId, spki: pollKey.publicKey })
			.from(pollKey)
			.where(and(eq(pollKey.pollId, pollId), eq(pollKey.keyId, keyId)));
		if (!row) return null;
		return {
			teamId: row.teamId,
			publicKey: createPublicKey({
				key: Buffer.from(fromBase64url(row.spki)),
				format: 'der',
				type: 'spki'
			})
		};
	})();
	if (verifying.size >= 1000) verifying.clear();
	if (!verifying.has(pollId)) verifying.set(pollId, new Map());
	verifying.get(pollId)!.set(keyId, found);
	// An unknown key id is not kept: anyone can send one, and memory is not for them.
	found.then(
		(key) => key ?? verifying.get(pollId)?.delete(keyId),
		() => verifying.get(pollId)?.delete(keyId)
	);
	return found;
}

/**
 * RFC 9474 BlindSign: the raw RSA private operation on the blinded message (Node's native
 * RSA, well under a millisecond), then the check that the signature verifies, so a fault in
 * the computation can never hand out a value that leaks the key. Null when the input is not a
 * number below the key's modulus.
 */
export function blindSign(key: HeldKey, blinded: Uint8Array): Uint8Array | null {
	if (blinded.length !== MODULUS_BYTES) return null;
	let signature: Buffer;
	try {
		signature = privateDecrypt(
			{ key: key.privateKey, padding: constants.RSA_NO_PADDING },
			Buffer.from(blinded)
		);
	} catch {
		return null;
	}
	const check = publicEncrypt({ key: key.publicKey, padding: constants.RSA_NO_PADDING }, signature);
	if (!check.equals(Buffer.from(blinded))) throw new Error('Blind signing failed its own check.');
	return new Uint8Array(signature);
}

/** RSASSA-PSS verification of a finalized token (SHA-384, MGF1-SHA-384, 48-byte salt). */
export function verifyToken(
	key: VerifyingKey,
	message: Uint8Array,
	signature: Uint8Array
): boolean {
	try {
		return verify(
			'sha384',
			message,
			{ key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT_BYTES },
			signature
		);
	} catch {
		return false;
	}
}
