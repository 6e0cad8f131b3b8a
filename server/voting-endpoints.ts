/**
 * The two voting endpoints, answered here ahead of SvelteKit because a room does each in the
 * same second (when a poll opens, and when the facilitator says "vote now"), and SvelteKit's
 * per-request work (about 0.9 ms of CPU, and more under load) would be most of a burst's cost:
 *
 * - `POST /api/workshops/<id>/polls/<pollId>/token`: a participant's device, with its session,
 *   gets the blind signature for its token (src/lib/server/polls/tokens.ts).
 * - `POST /api/workshops/<id>/polls/<pollId>/ballot`: a cast, with the token and no identity.
 *   This path reads no cookie, no session and no address (src/lib/server/polls/ballots.ts).
 *
 * Neither logs anything per request. The contract is every other endpoint's: JSON in, JSON
 * out, `{ message }` in words meant for the person on refusal, 503 with `Retry-After` while
 * the database is away.
 */
import type http from 'node:http';
import * as v from 'valibot';
import { parseCookieHeader, sessionCookieName } from '../src/lib/server/auth/cookies';
import { readConfig } from '../src/lib/server/config';
import { isSecureUpgrade } from './realtime/upgrade';
import { asUnavailable, DATABASE_UNAVAILABLE_MESSAGE } from '../src/lib/server/db/availability';
import { cast, issue, publishTurnout, TokenError, voterOf } from '../src/lib/server/polls';
import { RuleError } from '../src/lib/server/rules';
import { ballotSchema, tokenRequestSchema } from '../src/lib/schemas/polls';
import { describeIssue } from '../src/lib/schemas/issues';
import { holdsUnstorableText, UNSTORABLE_TEXT } from '../src/lib/schemas/storable';
import { log } from '../src/lib/server/logger';
import { metrics } from '../src/lib/server/metrics';

const PATH = /^\/api\/workshops\/([^/?#]+)\/polls\/([^/?#]+)\/(token|ballot)\/?(?:\?.*)?$/;
/** A calibration ballot of 40 leads fits too (short lead and category ids: about 3 KiB). */
const MAX_BODY_BYTES = 4096;
/** ORIGIN, read on first use: at import the entry has not yet checked the configuration. */
let origin: { value: string | undefined } | undefined;

function answer(
	res: http.ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store',
		'x-content-type-options': 'nosniff',
		...headers
	});
	res.end(text);
	metrics().httpResponses.inc({ status: `${Math.floor(status / 100)}xx` });
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let isTooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) isTooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(isTooLarge ? null : Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function decode(segment: string): string | null {
	try {
		return decodeURIComponent(segment);
	} catch {
		return null;
	}
}

type Answer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

/** Reads and checks a JSON body against `schema`, or answers why not. */
async function readJson<TSchema extends v.GenericSchema>(
	req: http.IncomingMessage,
	schema: TSchema
): Promise<{ ok: true; value: v.InferOutput<TSchema> } | { ok: false; answer: Answer }> {
	const refuse = (status: number, message: string) =>
		({ ok: false, answer: { status, body: { message } } }) as const;
	if (!req.headers['content-type']?.startsWith('application/json')) {
		return refuse(415, 'Send the request body as JSON (content-type: application/json).');
	}
	const text = await readBody(req);
	if (text === null) return refuse(413, 'The request body is too large.');
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return refuse(400, 'The request body is not valid JSON.');
	}
	// A reason PostgreSQL cannot store would fail the whole batch of ballots cast with it.
	if (holdsUnstorableText(body)) return refuse(400, UNSTORABLE_TEXT);
	const parsed = v.safeParse(schema, body);
	if (!parsed.success) return refuse(400, describeIssue(parsed.issues[0]));
	return { ok: true, value: parsed.output };
}

async function castBallot(
	req: http.IncomingMessage,
	workshopId: string,
	pollId: string
): Promise<Answer> {
	const input = await readJson(req, ballotSchema);
	if (!input.ok) return input.answer;
	const { token, choice, reason } = input.value;
	const result = await cast(workshopId, pollId, { ...token, choice, reason }, () => {
		publishTurnout(workshopId, pollId).catch(() => {
			// The next cast or refresh writes it; a turnout is a count, never a ballot.
		});
	});
	return { status: result.changed ? 200 : 201, body: { voted: true, ...result } };
}

async function issueToken(
	req: http.IncomingMessage,
	workshopId: string,
	pollId: string
): Promise<Answer> {
	const cookies = parseCookieHeader(req.headers.cookie);
	// Named by the request's scheme, as pages and the realtime upgrade name them.
	origin ??= { value: readConfig().origin };
	const isSecure = isSecureUpgrade(req, origin.value);
	const voter = await voterOf(cookies.get(sessionCookieName('participant', isSecure)));
	if (!voter) {
		return cookies.has(sessionCookieName('account', isSecure))
			? { status: 403, body: { message: 'The facilitator stays neutral and does not vote.' } }
			: { status: 401, body: { message: 'Join the workshop or sign in first.' } };
	}
	const input = await readJson(req, tokenRequestSchema);
	if (!input.ok) return input.answer;
	try {
		return { status: 200, body: await issue(workshopId, pollId, voter, input.value) };
	} catch (error) {
		if (error instanceof TokenError) {
			return {
				status: error.status,
				body: { message: error.message, ...(error.key ? { key: error.key } : {}) }
			};
		}
		throw error;
	}
}

/** Answers the request if it is a token request or a cast; false for every other request. */
export function handleVoting(req: http.IncomingMessage, res: http.ServerResponse): boolean {
	const match = PATH.exec(req.url ?? '');
	if (!match) return false;
	const started = performance.now();
	void (async () => {
		if (req.method !== 'POST') {
			answer(res, 405, { message: 'Use POST.' }, { allow: 'POST' });
			return;
		}
		const workshopId = decode(match[1]!);
		const pollId = decode(match[2]!);
		if (!workshopId || !pollId) {
			answer(res, 404, { message: 'This workshop has no such poll.' });
			return;
		}
		try {
			const result =
				match[3] === 'token'
					? await issueToken(req, workshopId, pollId)
					: await castBallot(req, workshopId, pollId);
			answer(res, result.status, result.body, result.headers);
			// Request received → ballot committed and answered: how long a voter waits.
			if (match[3] === 'ballot' && result.status < 300) {
				metrics().ballotAckSeconds.observe((performance.now() - started) / 1000);
			}
		} catch (error) {
			if (error instanceof RuleError) {
				answer(res, error.status, { message: error.message });
				return;
			}
			if (asUnavailable(error)) {
				answer(res, 503, { message: DATABASE_UNAVAILABLE_MESSAGE }, { 'retry-after': '5' });
				return;
			}
			// One line, and nothing of the request: a choice must never reach a log.
			log.error({ module: 'voting' }, `a ${match[3]} request failed on our side`);
			answer(res, 500, { message: 'Something went wrong on our side. Please try again.' });
		}
	})().catch(() => {
		if (!res.headersSent) answer(res, 500, { message: 'Something went wrong on our side.' });
	});
	return true;
}
