/**
 * The facilitator's poll actions, as JSON requests to the workshop's poll endpoints. As with
 * every console control, the screen changes only when the room document brings the change
 * back; a refusal is kept in `error` in the server's words.
 */
import { messageOf } from './controls.svelte';

export type PollAction = 'open' | 'close' | 'reveal' | 'revote';

export class PollControls {
	pending = $state<string | null>(null);
	error = $state<string | null>(null);

	constructor(readonly workshopId: string) {}

	get #base() {
		return `/api/workshops/${encodeURIComponent(this.workshopId)}/polls`;
	}

	/** Drafts a poll; answers its id, or null with `error` set. */
	create(body: Record<string, unknown>): Promise<string | null> {
		return this.#send('create', 'POST', this.#base, body);
	}

	control(pollId: string, action: PollAction): Promise<string | null> {
		return this.#send(`${action}:${pollId}`, 'POST', `${this.#base}/${pollId}`, { action });
	}

	remove(pollId: string): Promise<string | null> {
		return this.#send(`delete:${pollId}`, 'DELETE', `${this.#base}/${pollId}`);
	}

	/** A consent poll on an agreement, opened at once: "put it to a vote". */
	async putToVote(agreementId: string): Promise<boolean> {
		const id = await this.create({ kind: 'consent', agreementId });
		return id !== null && (await this.control(id, 'open')) !== null;
	}

	isPending(control: string): boolean {
		return this.pending === control;
	}

	async #send(
		control: string,
		method: 'POST' | 'DELETE',
		url: string,
		body?: unknown
	): Promise<string | null> {
		if (this.pending === control) return null;
		this.pending = control;
		try {
			const response = await fetch(url, {
				method,
				headers: {
					accept: 'application/json',
					...(body === undefined ? {} : { 'content-type': 'application/json' })
				},
				body: body === undefined ? undefined : JSON.stringify(body)
			});
			if (!response.ok) {
				this.error = await messageOf(response);
				return null;
			}
			this.error = null;
			const answer = (await response.json().catch(() => ({}))) as { id?: unknown };
			return typeof answer.id === 'string' ? answer.id : 'ok';
		} catch {
			this.error = 'The server could not be reached. Check the connection and try again.';
			return null;
		} finally {
			if (this.pending === control) this.pending = null;
		}
	}
}
