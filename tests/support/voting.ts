/**
 * Voting from tests as the app does it: a participant's device keeps one secret per poll and
 * sends it with every cast; the facilitator drives polls through the JSON endpoints.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from './http';

export function deviceSecret(): string {
	return randomBytes(32).toString('base64url');
}

export class Voter {
	readonly secrets = new Map<string, string>();
	constructor(
		readonly client: Client,
		readonly workshopId: string,
		readonly name: string
	) {}

	secretFor(pollId: string): string {
		let secret = this.secrets.get(pollId);
		if (!secret) this.secrets.set(pollId, (secret = deviceSecret()));
		return secret;
	}

	vote(pollId: string, choice: unknown, extra: { reason?: string; secret?: string } = {}) {
		return this.client.json('POST', `/api/workshops/${this.workshopId}/polls/${pollId}/ballot`, {
			choice,
			secret: extra.secret ?? this.secretFor(pollId),
			...(extra.reason === undefined ? {} : { reason: extra.reason })
		});
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
