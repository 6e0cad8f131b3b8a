/**
 * The facilitator's poll actions, as JSON requests to the workshop's poll endpoints. As with
 * every console control, the screen changes only when the room document brings the change
 * back; a refusal is kept in `error` in the server's words.
 */
import { Controls } from '$lib/state/action.svelte';
import { consoleSend } from '$lib/client/requests';

export type PollAction = 'open' | 'close' | 'reveal' | 'revote';

export class PollControls extends Controls {
	constructor(readonly workshopId: string) {
		super();
	}

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

	/** The poll's id when the answer names one, 'ok' for another success, null for a refusal. */
	async #send(
		control: string,
		method: 'POST' | 'DELETE',
		url: string,
		body?: unknown
	): Promise<string | null> {
		let id: string | null = null;
		const ok = await this.run(control, async () => {
			const answer = await consoleSend<{ id?: unknown } | null>(method, url, body);
			id = typeof answer?.id === 'string' ? answer.id : 'ok';
		});
		return ok ? id : null;
	}
}
