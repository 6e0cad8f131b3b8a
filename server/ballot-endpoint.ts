/**
 * `POST /api/workshops/<id>/polls/<pollId>/ballot`, answered here ahead of SvelteKit.
 *
 * A cast carries a voting token and no identity, so this path reads no cookie, no session and
 * no address, and logs nothing per request. It is served by the Node entry itself because a
 * room votes in the same second: SvelteKit's per-request work (about 0.9 ms of CPU) would be
 * most of a burst's cost. The contract is the same as every other endpoint's: JSON in, JSON
 * out, `{ message }` in words meant for the person on refusal, 503 with `Retry-After` while
 * the database is away.
 */
import type http from 'node:http';
import * as v from 'valibot';
import { cast, CastError } from '../src/lib/server/ballots/cast';
import { asUnavailable, DATABASE_UNAVAILABLE_MESSAGE } from '../src/lib/server/db/availability';
import { publishTurnout } from '../src/lib/server/polls';
import { ballotSchema } from '../src/lib/schemas/polls';
import { describeIssue } from '../src/lib/schemas/issues';

const PATH = /^\/api\/workshops\/([^/?#]+)\/polls\/([^/?#]+)\/ballot\/?(?:\?.*)?$/;
const MAX_BODY_BYTES = 4096;

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

/** Answers the request if it is a cast; false for every other request. */
export function handleBallot(req: http.IncomingMessage, res: http.ServerResponse): boolean {
	const match = PATH.exec(req.url ?? '');
	if (!match) return false;
	void (async () => {
		if (req.method !== 'POST') {
			answer(res, 405, { message: 'Cast a ballot with POST.' }, { allow: 'POST' });
			return;
		}
		const workshopId = decode(match[1]!);
		const pollId = decode(match[2]!);
		if (!workshopId || !pollId) {
			answer(res, 404, { message: 'This workshop has no such poll.' });
			return;
		}
		if (!req.headers['content-type']?.startsWith('application/json')) {
			answer(res, 415, {
				message: 'Send the request body as JSON (content-type: application/json).'
			});
			return;
		}
		const text = await readBody(req);
		if (text === null) {
			answer(res, 413, { message: 'The request body is too large.' });
			return;
		}
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			answer(res, 400, { message: 'The request body is not valid JSON.' });
			return;
		}
		const parsed = v.safeParse(ballotSchema, body);
		if (!parsed.success) {
			answer(res, 400, { message: describeIssue(parsed.issues[0]) });
			return;
		}
		const { token, choice, reason } = parsed.output;
		try {
			const result = await cast(workshopId, pollId, { ...token, choice, reason }, () => {
				publishTurnout(workshopId, pollId).catch(() => {
					// The next cast or refresh writes it; a turnout is a count, never a ballot.
				});
			});
			answer(res, result.changed ? 200 : 201, { voted: true, ...result });
		} catch (error) {
			if (error instanceof CastError) {
				answer(res, error.status, { message: error.message });
				return;
			}
			if (asUnavailable(error)) {
				answer(res, 503, { message: DATABASE_UNAVAILABLE_MESSAGE }, { 'retry-after': '5' });
				return;
			}
			// One line, and nothing of the request: a choice must never reach a log.
			console.error('[ballot] storing a ballot failed');
			answer(res, 500, { message: 'Something went wrong on our side. Please try again.' });
		}
	})().catch(() => {
		if (!res.headersSent) answer(res, 500, { message: 'Something went wrong on our side.' });
	});
	return true;
}
