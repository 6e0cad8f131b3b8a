/**
 * Reading what a client sends: the y-websocket message framing (a varuint message type, then
 * the sync or awareness payload). Anything that is not exactly one well-formed message is a
 * FrameError with the WebSocket close code it earns, so a bad client is cut off cleanly
 * instead of reaching Yjs with bytes it cannot read.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { CLOSE } from './close-codes';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

export const SYNC_STEP_1 = 0;
export const SYNC_STEP_2 = 1;
export const SYNC_UPDATE = 2;

/** A presence state larger than this is not presence (name, team, colour, stage). */
export const MAX_PRESENCE_STATE_BYTES = 8 * 1024;

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** The state as JSON text, not yet parsed: most entries are echoes and are dropped. */
	json: string;
}

export type Frame =
	| { type: 'sync-step-1'; stateVector: Uint8Array }
	| { type: 'sync-step-2'; update: Uint8Array }
	| { type: 'update'; update: Uint8Array }
	| { type: 'awareness'; entries: AwarenessEntry[] }
	| { type: 'query-awareness' };

export class FrameError extends Error {
	override name = 'FrameError';
	constructor(
		readonly closeCode: number,
		message: string
	) {
		super(message);
	}
}

export function parseFrame(data: Uint8Array): Frame {
	const decoder = decoding.createDecoder(data);
	try {
		const frame = readFrame(decoder);
		if (decoding.hasContent(decoder)) {
			throw new FrameError(CLOSE.invalidPayload, 'trailing bytes after the message');
		}
		return frame;
	} catch (error) {
		if (error instanceof FrameError) throw error;
		// lib0 throws on truncated varints and lengths that run past the end.
		throw new FrameError(CLOSE.invalidPayload, 'truncated or malformed message');
	}
}

function readFrame(decoder: decoding.Decoder): Frame {
	const type = decoding.readVarUint(decoder);
	switch (type) {
		case MESSAGE_SYNC: {
			const step = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (step === SYNC_STEP_1) {
				checkStateVector(payload);
				return { type: 'sync-step-1', stateVector: payload };
			}
			if (step === SYNC_STEP_2) return { type: 'sync-step-2', update: payload };
			if (step === SYNC_UPDATE) return { type: 'update', update: payload };
			throw new FrameError(CLOSE.unsupportedData, `unknown sync message type ${step}`);
		}
		case MESSAGE_AWARENESS:
			return { type: 'awareness', entries: readAwareness(decoding.readVarUint8Array(decoder)) };
		case MESSAGE_QUERY_AWARENESS:
			return { type: 'query-awareness' };
		default:
			throw new FrameError(CLOSE.unsupportedData, `unknown message type ${type}`);
	}
}

/** A state vector is a count followed by (client, clock) pairs, nothing more. */
function checkStateVector(bytes: Uint8Array): void {
	const decoder = decoding.createDecoder(bytes);
	const count = decoding.readVarUint(decoder);
	for (let i = 0; i < count; i++) {
		decoding.readVarUint(decoder);
		decoding.readVarUint(decoder);
	}
	if (decoding.hasContent(decoder)) {
		throw new FrameError(CLOSE.invalidPayload, 'trailing bytes after the state vector');
	}
}

function readAwareness(bytes: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(bytes);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const json = decoding.readVarString(decoder);
		entries.push({ clientId, clock, json });
	}
	if (decoding.hasContent(decoder)) {
		throw new FrameError(CLOSE.invalidPayload, 'trailing bytes after the presence update');
	}
	return entries;
}

/** Checks a state the server is about to accept and relay; echoes never get here. */
export function checkPresenceState(json: string): void {
	if (json.length > MAX_PRESENCE_STATE_BYTES) {
		throw new FrameError(CLOSE.tooBig, `presence state over ${MAX_PRESENCE_STATE_BYTES} bytes`);
	}
	try {
		JSON.parse(json);
	} catch {
		throw new FrameError(CLOSE.invalidPayload, 'presence state is not JSON');
	}
}

/** Yjs clients pick their ids as random 32-bit numbers. */
const MAX_CLIENT_ID = 0xffffffff;
/** No real document gets near 2^40 operations from one client; bigger clocks are forged. */
const MAX_CLOCK = 2 ** 40;

/**
 * Checks an update before Yjs integrates it. Yjs trusts its peers: some malformed updates
 * (found by the fuzz test, e.g. an item of length 0) are integrated without complaint and
 * leave the document unable to encode itself, which would break it for everyone. Decoding
 * first rejects those while the document is still untouched. Returns the decoded update for
 * further checks (board-guard.ts).
 */
export function checkUpdate(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
	let decoded: ReturnType<typeof Y.decodeUpdate>;
	try {
		decoded = Y.decodeUpdate(update);
	} catch {
		throw new FrameError(CLOSE.invalidPayload, 'the update could not be read');
	}
	for (const struct of decoded.structs) {
		const { client, clock } = struct.id;
		if (
			!(struct.length > 0) ||
			!(client <= MAX_CLIENT_ID) ||
			!(clock + struct.length <= MAX_CLOCK)
		) {
			throw new FrameError(CLOSE.invalidPayload, 'the update holds a malformed change');
		}
	}
	for (const [client, ranges] of decoded.ds.clients) {
		if (
			!(client <= MAX_CLIENT_ID) ||
			ranges.some((r) => !(r.len > 0) || !(r.clock + r.len <= MAX_CLOCK))
		) {
			throw new FrameError(CLOSE.invalidPayload, 'the update holds a malformed deletion');
		}
	}
	return decoded;
}
