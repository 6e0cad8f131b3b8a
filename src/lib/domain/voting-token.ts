/**
 * Voting tokens: what a device and the server agree on, and nothing that needs either side.
 *
 * A token is an RSA blind signature (RFC 9474, RSABSSA-SHA384-PSS-Randomized) over a message
 * the device made at random. The server signs the message *blinded*, after checking who asks,
 * so it never sees the message it signed; later the device presents message and signature,
 * with no session, and the server learns only that some member of the key's team may vote
 * once in this poll. The same token presented again changes that ballot.
 *
 * The tracker is the SHA-256 of the message: the ballot's key in the database and the line
 * the device finds on the bulletin after the reveal.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import {
	decodeBase64urlIgnorePadding,
	encodeBase64urlNoPadding,
	encodeHexLowerCase
} from '@oslojs/encoding';

export const MODULUS_BITS = 2048;
export const MODULUS_BYTES = MODULUS_BITS / 8;
/** PSS salt length of the suite (the hash's output length). */
export const SALT_BYTES = 48;
/** The device's random message, before the suite's own 32 random bytes are prefixed. */
export const MESSAGE_BYTES = 32;
/** Randomized preparation prefixes 32 bytes. */
export const PREPARED_MESSAGE_BYTES = MESSAGE_BYTES + 32;

/** A poll's public key for one team, as the room document shows it. */
export interface TokenKey {
	/** SHA-256 of the SPKI bytes, hex. */
	id: string;
	teamId: string;
	/** SPKI (DER), base64url. */
	spki: string;
}

export const toBase64url = (bytes: Uint8Array): string => encodeBase64urlNoPadding(bytes);

export function fromBase64url(text: string): Uint8Array {
	// Node's own decoder where there is one (the server decodes every cast); strict either way,
	// since callers check lengths and the schemas check the alphabet.
	const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
	return NodeBuffer
		? new Uint8Array(NodeBuffer.from(text, 'base64url'))
		: decodeBase64urlIgnorePadding(text);
}

export const keyIdOf = (spki: Uint8Array): string => encodeHexLowerCase(sha256(spki));

/** The ballot's tracker: SHA-256 of the token's (prepared) message, hex. */
export const trackerOf = (message: Uint8Array): string => encodeHexLowerCase(sha256(message));
