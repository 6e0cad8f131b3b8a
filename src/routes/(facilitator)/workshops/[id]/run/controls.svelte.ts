/**
 * The console's live controls, sent as JSON to the workshop's endpoints. Nothing here changes
 * the screen directly: each change comes back through the room document, the same way every
 * other screen receives it, so the console never shows a state the room does not have.
 *
 * One request at a time per control (`pending` names it, for a busy indicator), and the last
 * refusal is kept in `error` with the server's own words.
 */
import { consoleSend, stagePath } from '$lib/client/requests';
import { Controls } from '$lib/state/action.svelte';

export type TimerAction = 'start' | 'pause' | 'addMinute';
export type StageAction = 'lock' | 'unlock' | 'startPrivate' | 'reveal';

export interface SpotlightInput {
	stageKey: string;
	itemId: string | null;
	text: string;
	teamId: string | null;
}

export class ConsoleControls extends Controls {
	constructor(readonly workshopId: string) {
		super();
	}

	goTo(stageKey: string) {
		return this.#live(`goTo:${stageKey}`, { action: 'goTo', stageKey });
	}

	timer(stageKey: string, timer: TimerAction) {
		return this.#live(`timer:${timer}`, { action: 'timer', stageKey, timer });
	}

	spotlight(input: SpotlightInput) {
		return this.#live(`spotlight:${input.itemId}`, { action: 'spotlight', ...input });
	}

	clearSpotlight() {
		return this.#live('clearSpotlight', { action: 'clearSpotlight' });
	}

	stage(stageKey: string, action: StageAction) {
		return this.#post(`stage:${action}`, stagePath(this.workshopId, stageKey), { action });
	}

	/** What the projector shows: hide, show, focusTerm, turnPage, showBoard (see the endpoint). */
	projector(control: string, body: { action: string; stageKey: string } & Record<string, unknown>) {
		return this.#post(`projector:${control}`, `/api/workshops/${this.workshopId}/projector`, body);
	}

	#live(control: string, body: Record<string, unknown>) {
		return this.#post(control, `/api/workshops/${this.workshopId}/live`, body);
	}

	#post(control: string, url: string, body: unknown): Promise<boolean> {
		return this.run(control, () => consoleSend('POST', url, body));
	}
}
