/**
 * The console's calibration actions, as JSON requests: start the next round, open a lead for
 * discussion, cite a revealed round as an agreement's buyer evidence. As with every console
 * control, the screen changes when the room document brings the change back; a refusal is kept
 * in `error` in the server's words.
 */
import { Controls } from '$lib/state/action.svelte';
import { consoleSend } from '$lib/client/requests';

export class CalibrationControls extends Controls {
	/** Said once after a success that the room does not show by itself (a citation). */
	done = $state<string | null>(null);

	constructor(
		readonly workshopId: string,
		readonly stageKey: string
	) {
		super();
	}

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

	#send(control: string, url: string, body: unknown): Promise<boolean> {
		if (!this.isPending(control)) this.done = null;
		return this.run(control, () => consoleSend('POST', url, body));
	}
}
