/**
 * The browser's calls to the board endpoints (cards, "I'm done"), as JSON, from the phone and
 * the facilitator's console alike. Every refusal from the server carries `{ message }` in
 * words meant for the person, so it becomes the error's message and the screen shows it as is.
 */

export class RequestError extends Error {
	override name = 'RequestError';
	constructor(
		message: string,
		readonly status: number
	) {
		super(message);
	}
}

export async function send<T = unknown>(
	method: 'POST' | 'PATCH' | 'DELETE',
	path: string,
	body?: unknown
): Promise<T> {
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		throw new RequestError('Could not reach the server. Check the connection and try again.', 0);
	}
	const data = (await response.json().catch(() => null)) as unknown;
	if (!response.ok) {
		const message =
			data &&
			typeof data === 'object' &&
			typeof (data as { message?: unknown }).message === 'string'
				? (data as { message: string }).message
				: `The server refused this (${response.status}).`;
		throw new RequestError(message, response.status);
	}
	return data as T;
}

/** Paths of one stage's actions. */
export function stagePath(workshopId: string, stageKey: string): string {
	return `/api/workshops/${encodeURIComponent(workshopId)}/stages/${encodeURIComponent(stageKey)}`;
}

/** Path of one card's actions. */
export function cardPath(workshopId: string, stageKey: string, cardId: string): string {
	return `${stagePath(workshopId, stageKey)}/cards/${encodeURIComponent(cardId)}`;
}

/**
 * The changes a screen makes to the cards of one stage's board. Each resolves once the server
 * has accepted (the change itself arrives through the board document) and throws a
 * RequestError with the server's words otherwise.
 */
export interface CardRequests {
	change(cardId: string, fields: Record<string, unknown>): Promise<unknown>;
	move(cardId: string, direction: 'earlier' | 'later'): Promise<unknown>;
	remove(cardId: string): Promise<unknown>;
}

export function cardRequests(workshopId: string, stageKey: string): CardRequests {
	return {
		change: (cardId, fields) => send('PATCH', cardPath(workshopId, stageKey, cardId), fields),
		move: (cardId, direction) =>
			send('POST', `${cardPath(workshopId, stageKey, cardId)}/move`, { direction }),
		remove: (cardId) => send('DELETE', cardPath(workshopId, stageKey, cardId))
	};
}
