/**
 * Voting from tests as a device does it: the app's own token protocol
 * (src/lib/client/voting-token.ts) gets a blind-signed token with the participant's session,
 * and the ballot goes with the token and no cookie at all. The facilitator drives polls
 * through the JSON endpoints.
 */
import type { TokenKey } from '../../src/lib/domain/voting-token';
import {
	castBody,
	keyFor,
	obtain,
	TokenRefused,
	type Answer,
	type KeptToken
} from '../../src/lib/client/voting-token';
import type { Client } from './http';

/** A POST with no cookie, no session: how a ballot travels. */
export async function postAnonymously(
	baseUrl: string,
	path: string,
	body: unknown
): Promise<Answer> {
	const response = await fetch(baseUrl + path, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseUrl },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	const text = await response.text();
	try {
		return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
	} catch {
		return { status: response.status, body: { text } };
	}
}

export type HeldToken = NonNullable<KeptToken['token']>;

export class Voter {
	/** What this device keeps per poll, as the browser keeps it in localStorage. */
	readonly kept = new Map<string, KeptToken>();
	constructor(
		readonly client: Client,
		readonly workshopId: string,
		readonly name: string,
		/** The voter's team, to pick its key; without it the server's answer names the key. */
		readonly teamId: string | null = null
	) {}

	pollPath(pollId: string): string {
		return `/api/workshops/${this.workshopId}/polls/${pollId}`;
	}

	/** The poll's keys as this participant's screen reads them; refusals as TokenRefused. */
	async keys(pollId: string): Promise<TokenKey[]> {
		const read = await this.client.json('GET', this.pollPath(pollId));
		if (read.status !== 200) throw new TokenRefused(String(read.body.message), read.status);
		return ((read.body.poll as { keys?: TokenKey[] } | undefined)?.keys ?? []) as TokenKey[];
	}

	/** The device's token for a poll, asked for with its session; refusals as TokenRefused. */
	/** @param beforeAsking awaited between blinding and sending (to send many at one moment). */
	async token(pollId: string, beforeAsking?: () => Promise<void>): Promise<HeldToken> {
		const kept = this.kept.get(pollId) ?? {};
		const keys = await this.keys(pollId);
		const key = (this.teamId ? keyFor(keys, this.teamId) : null) ?? keys[0] ?? null;
		return obtain(
			kept,
			(next) => this.kept.set(pollId, next),
			async (path, body) => {
				await beforeAsking?.();
				return this.client.json('POST', path, body);
			},
			`${this.pollPath(pollId)}/token`,
			key
		);
	}

	/** Casts with the given token (or a new one), as the ballot endpoint sees it: no cookie. */
	cast(pollId: string, token: HeldToken, choice: unknown, reason?: string | null) {
		return postAnonymously(
			this.client.baseUrl,
			`${this.pollPath(pollId)}/ballot`,
			castBody(token, choice as never, reason)
		);
	}

	/** Gets a token if needed, then casts; a refused token answers like a refused cast. */
	async vote(pollId: string, choice: unknown, extra: { reason?: string } = {}): Promise<Answer> {
		let token: HeldToken;
		try {
			token = await this.token(pollId);
		} catch (e) {
			if (e instanceof TokenRefused) return { status: e.status, body: { message: e.message } };
			throw e;
		}
		return this.cast(pollId, token, choice, extra.reason);
	}
}

export async function createPoll(
	facilitator: Client,
	workshopId: string,
	poll: Record<string, unknown>
): Promise<string> {
	const created = await facilitator.json('POST', `/api/workshops/${workshopId}/polls`, poll);
	if (created.status !== 201) throw new Error(`creating a poll failed: ${JSON.stringify(created)}`);
	return String(created.body.id);
}

export async function controlPoll(
	facilitator: Client,
	workshopId: string,
	pollId: string,
	action: 'open' | 'close' | 'reveal' | 'revote'
) {
	return facilitator.json('POST', `/api/workshops/${workshopId}/polls/${pollId}`, { action });
}

/** Runs a poll from draft to revealed around `castVotes`; answers the revealed poll. */
export async function runPoll(
	facilitator: Client,
	workshopId: string,
	pollId: string,
	castVotes: () => Promise<void>
): Promise<Record<string, unknown>> {
	for (const step of ['open'] as const) {
		const r = await controlPoll(facilitator, workshopId, pollId, step);
		if (r.status !== 200) throw new Error(`${step} failed: ${JSON.stringify(r)}`);
	}
	await castVotes();
	for (const step of ['close', 'reveal'] as const) {
		const r = await controlPoll(facilitator, workshopId, pollId, step);
		if (r.status !== 200) throw new Error(`${step} failed: ${JSON.stringify(r)}`);
	}
	const read = await facilitator.json('GET', `/api/workshops/${workshopId}/polls/${pollId}`);
	return read.body.poll as Record<string, unknown>;
}
