/**
 * The device's side of a ballot: a random secret per poll, made here and kept in this
 * browser's storage with what this person chose. The server keeps only the secret's hash on
 * the ballot, so only this device can change the ballot, and only this device knows which
 * ballot is this person's: the server never says what anyone voted.
 */
import type { Choice } from '$lib/domain/polls';

export interface KeptBallot {
	secret: string;
	/** What this device last cast, shown back to its owner; null before the first cast. */
	choice: Choice | null;
	reason: string;
}

const key = (pollId: string) => `common-ground:ballot:${pollId}`;

function newSecret(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, '-')
		.replace(/\//g, '_')
		.replace(/=+$/, '');
}

export function keptBallot(pollId: string): KeptBallot {
	try {
		const raw = localStorage.getItem(key(pollId));
		const parsed = raw ? (JSON.parse(raw) as Partial<KeptBallot>) : null;
		if (parsed && typeof parsed.secret === 'string') {
			return { secret: parsed.secret, choice: parsed.choice ?? null, reason: parsed.reason ?? '' };
		}
	} catch {
		// Storage blocked or garbled: a fresh key still lets this person vote once.
	}
	const fresh: KeptBallot = { secret: newSecret(), choice: null, reason: '' };
	keepBallot(pollId, fresh);
	return fresh;
}

export function keepBallot(pollId: string, ballot: KeptBallot): void {
	try {
		localStorage.setItem(key(pollId), JSON.stringify(ballot));
	} catch {
		// Private mode without storage: the vote counts; changing it later will not be possible.
	}
}
