/**
 * Token verification off the request thread. Checking a cast's RSA-PSS signature is the largest
 * single cost of a cast on the thread that also parses and answers every HTTP request (about a
 * fifth of it in a burst's profile). The casts that arrive together are sent to one worker
 * thread in one message, verified there while the request thread goes on reading and answering,
 * and each cast resumes with its own verdict.
 *
 * The worker runs the same check as `verifyToken` (keys.ts) on the same public key: it sees
 * public keys, token messages and signatures, nothing else, and it answers true or false. If it
 * cannot start or stops, the casts waiting on it and every later one are verified on the
 * request thread instead, so a cast never waits on a worker that is gone. A machine with one
 * processor verifies on the request thread from the start.
 *
 * The worker's code is inline (`eval`): the SvelteKit bundle and server/ are two module graphs,
 * and a file beside either would be found by one of them only.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { MODULUS_BYTES, PREPARED_MESSAGE_BYTES, SALT_BYTES } from '../../domain/voting-token';
import { verifyToken, type VerifyingKey } from './keys';

/** A token's message and signature, packed side by side (casts check both lengths first). */
const ITEM_BYTES = PREPARED_MESSAGE_BYTES + MODULUS_BYTES;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { verify, constants } = require('node:crypto');
parentPort.on('message', ({ id, keys, keyIndexes, bytes }) => {
	const verdicts = new Uint8Array(keyIndexes.length);
	for (let i = 0; i < keyIndexes.length; i++) {
		const at = i * ${ITEM_BYTES};
		const message = bytes.subarray(at, at + ${PREPARED_MESSAGE_BYTES});
		const signature = bytes.subarray(at + ${PREPARED_MESSAGE_BYTES}, at + ${ITEM_BYTES});
		try {
			verdicts[i] = verify('sha384', message, {
				key: keys[keyIndexes[i]],
				padding: constants.RSA_PKCS1_PSS_PADDING,
				saltLength: ${SALT_BYTES}
			}, signature) ? 1 : 0;
		} catch {
			verdicts[i] = 0;
		}
	}
	parentPort.postMessage({ id, verdicts }, [verdicts.buffer]);
});
`;

interface Pending {
	key: VerifyingKey;
	message: Uint8Array;
	signature: Uint8Array;
	resolve: (valid: boolean) => void;
}

interface State {
	worker: Worker | null | undefined;
	queue: Pending[];
	isScheduled: boolean;
	nextId: number;
	inFlight: Map<number, Pending[]>;
}

const KEY = Symbol.for('common-ground.token-verifier');

function state(): State {
	const registry = globalThis as { [KEY]?: State };
	return (registry[KEY] ??= {
		worker: undefined,
		queue: [],
		isScheduled: false,
		nextId: 0,
		inFlight: new Map()
	});
}

/** Verifies on this thread every batch still waiting on a worker that is gone. */
function giveUp(s: State) {
	s.worker = null;
	for (const batch of s.inFlight.values()) {
		for (const p of batch) p.resolve(verifyToken(p.key, p.message, p.signature));
	}
	s.inFlight.clear();
}

function workerOf(s: State): Worker | null {
	if (s.worker !== undefined) return s.worker;
	if (os.availableParallelism() < 2) return (s.worker = null);
	try {
		const worker = new Worker(WORKER_SOURCE, { eval: true });
		// A process with nothing else to do may exit while the worker idles.
		worker.unref();
		worker.on('message', ({ id, verdicts }: { id: number; verdicts: Uint8Array }) => {
			const batch = s.inFlight.get(id);
			s.inFlight.delete(id);
			batch?.forEach((p, i) => p.resolve(verdicts[i] === 1));
		});
		worker.on('error', () => giveUp(s));
		worker.on('exit', () => giveUp(s));
		s.worker = worker;
	} catch {
		s.worker = null;
	}
	return s.worker;
}

function flush() {
	const s = state();
	s.isScheduled = false;
	const batch = s.queue;
	s.queue = [];
	const worker = workerOf(s);
	if (!worker) {
		for (const p of batch) p.resolve(verifyToken(p.key, p.message, p.signature));
		return;
	}
	const keys: VerifyingKey['publicKey'][] = [];
	const index = new Map<VerifyingKey['publicKey'], number>();
	// One buffer for the whole batch, moved to the worker rather than copied item by item.
	const keyIndexes = new Uint16Array(batch.length);
	const bytes = new Uint8Array(batch.length * ITEM_BYTES);
	batch.forEach((p, i) => {
		let k = index.get(p.key.publicKey);
		if (k === undefined) {
			k = keys.push(p.key.publicKey) - 1;
			index.set(p.key.publicKey, k);
		}
		keyIndexes[i] = k;
		bytes.set(p.message, i * ITEM_BYTES);
		bytes.set(p.signature, i * ITEM_BYTES + PREPARED_MESSAGE_BYTES);
	});
	const id = s.nextId++;
	s.inFlight.set(id, batch);
	try {
		worker.postMessage({ id, keys, keyIndexes, bytes }, [keyIndexes.buffer, bytes.buffer]);
	} catch {
		giveUp(s);
	}
}

/**
 * RSASSA-PSS verification of a finalized token, with the casts of the same moment in one batch
 * on the worker thread. Resolves true or false, never rejects.
 */
export function verifyTokenOffThread(
	key: VerifyingKey,
	message: Uint8Array,
	signature: Uint8Array
): Promise<boolean> {
	if (message.length !== PREPARED_MESSAGE_BYTES || signature.length !== MODULUS_BYTES) {
		return Promise.resolve(false);
	}
	return new Promise((resolve) => {
		const s = state();
		s.queue.push({ key, message, signature, resolve });
		if (!s.isScheduled) {
			s.isScheduled = true;
			setImmediate(flush);
		}
	});
}

/**
 * Stops the worker (at shutdown): batches in flight, and every later one, are verified on this
 * thread.
 */
export async function stopVerifier(): Promise<void> {
	const s = state();
	const worker = s.worker;
	giveUp(s);
	await worker?.terminate();
}
