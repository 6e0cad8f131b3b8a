/**
 * The console's calibration actions, as JSON requests: start the next round, open a lead for
 * discussion, cite a revealed round as an agreement's buyer evidence. As with every console
 * control, the screen changes when the room document brings the change back; a refusal is kept
 * in `error` in the server's words.
 */
import { messageOf } from './controls.svelte';

export class CalibrationControls {
	pending = $state<string | null>(null);
	error = $state<string | null>(null);
	/** Said once after a success that the room does not show by itself (a citation). */
	done = $state<string | null>(null);

	constructor(
		readonly workshopId: string,
		readonly stageKey: string
	) {}

	get #base() {
		return `/api/workshops/${encodeURIComponent(this.workshopId)}`;
	}

	startRound() {
		return this.#send('startRound', `${this.#base}/calibration/${this.stageKey}`, {
			action: 'startRound'
		});
	}

	focus(leadId: string | null) {
		return this.#send(`focus:${leadId}`, `${this.#base}/calibration/${this.stageKey}`, {
			action: 'focus',
			leadId
		});
	}

	async cite(agreementId: string, roundId: string, statement: string) {
		const ok = await this.#send(
			`cite:${agreementId}`,
			`${this.#base}/agreements/${encodeURIComponent(agreementId)}/evidence`,
			{ kind: 'calibration', roundId }
		);
		if (ok) this.done = `Cited as buyer evidence on “${statement}”.`;
		return ok;
	}

	isPending(control: string): boolean {
		return this.pending === control;
	}

	async #send(control: string, url: string, body: unknown): Promise<boolean> {
		if (this.pending === control) return false;
		this.pending = control;
		this.done = null;
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify(body)
			});
			if (!response.ok) {
				this.error = await messageOf(response);
				return false;
			}
			this.error = null;
			return true;
		} catch {
			this.error = 'The server could not be reached. Check the connection and try again.';
			return false;
		} finally {
			if (this.pending === control) this.pending = null;
		}
	}
}
