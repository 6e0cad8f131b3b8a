/**
 * What this browser keeps per poll: its voting token (or the blinded request for it) and what
 * it cast, in localStorage. The token is the only key to this person's ballot: the server
 * never learns whose ballot is whose, so only this device can change it, find it on the
 * bulletin, or show back what was chosen.
 */
import { read } from '$lib/client/requests';
import { prepare, type KeptToken } from '$lib/client/voting-token';
import type { TokenKey } from '$lib/domain/voting-token';

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

/** Whether the server issued this person a token for the poll (from any device); null unknown. */
export async function hasTokenAt(pollPath: string): Promise<boolean | null> {
	const body = await read<{ hasToken?: unknown }>(pollPath);
	return typeof body?.hasToken === 'boolean' ? body.hasToken : null;
}

const preparing = new Map<string, Promise<void>>();

/**
 * Blinds this device's token request for a poll ahead of time (while it is a draft, or as soon
 * as it is seen), once per poll however many screens ask: on a slow phone blinding takes a
 * moment, and done early, opening the poll costs the room one request each.
 */
export function prepareAhead(pollId: string, key: TokenKey | null): Promise<void> {
	if (!key || typeof crypto === 'undefined' || !crypto.subtle) return Promise.resolve();
	const current = keptToken(pollId);
	if (current.token || current.pending) return Promise.resolve();
	let running = preparing.get(pollId);
	if (!running) {
		running = prepare(key)
			.then((pending) => {
				const now = keptToken(pollId);
				if (!now.token && !now.pending) keepToken(pollId, { ...now, pending });
			})
			.catch(() => {
				// Asked again when the poll opens; the cast path reports what goes wrong then.
			})
			.finally(() => preparing.delete(pollId));
		preparing.set(pollId, running);
	}
	return running;
}
