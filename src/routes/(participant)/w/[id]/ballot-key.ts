/**
 * What this browser keeps per poll: its voting token (or the blinded request for it) and what
 * it cast, in localStorage. The token is the only key to this person's ballot: the server
 * never learns whose ballot is whose, so only this device can change it, find it on the
 * bulletin, or show back what was chosen.
 */
import type { KeptToken } from '$lib/client/voting-token';

const key = (pollId: string) => `common-ground:ballot:${pollId}`;

export function keptToken(pollId: string): KeptToken {
	try {
		const raw = localStorage.getItem(key(pollId));
		const parsed = raw ? (JSON.parse(raw) as KeptToken & { secret?: unknown }) : null;
		if (parsed && typeof parsed === 'object') {
			return {
				pending: parsed.pending,
				token: parsed.token,
				choice: parsed.choice ?? null,
				reason: parsed.reason ?? ''
			};
		}
	} catch {
		// Storage blocked or garbled: the device asks for its token afresh.
	}
	return { choice: null, reason: '' };
}

export function keepToken(pollId: string, kept: KeptToken): void {
	try {
		localStorage.setItem(key(pollId), JSON.stringify(kept));
	} catch {
		// Private mode without storage: the vote counts; changing it later will not be possible.
	}
}
