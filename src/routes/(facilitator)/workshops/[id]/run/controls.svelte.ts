/**
 * The console's live controls, sent as JSON to the workshop's endpoints. Nothing here changes
 * the screen directly: each change comes back through the room document, the same way every
 * other screen receives it, so the console never shows a state the room does not have.
 *
 * One request at a time per control (`pending` names it, for a busy indicator), and the last
 * refusal is kept in `error` with the server's own words.
 */
export type TimerAction = 'start' | 'pause' | 'addMinute';
export type StageAction = 'lock' | 'unlock' | 'startPrivate' | 'reveal';

export interface SpotlightInput {
	stageKey: string;
	itemId: string | null;
	text: string;
	teamId: string | null;
}

export class ConsoleControls {
	/** The control whose request is on its way (e.g. `timer:start`), or null. */
	pending = $state<string | null>(null);
	/** The last refusal or failure, in words for the facilitator; null after a success. */
	error = $state<string | null>(null);

	constructor(readonly workshopId: string) {}

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
		return this.#send(
			`stage:${action}`,
			`/api/workshops/${this.workshopId}/stages/${encodeURIComponent(stageKey)}`,
			{ action }
		);
	}

	/** What the projector shows: hide, show, focusTerm, turnPage, showBoard (see the endpoint). */
	projector(control: string, body: { action: string; stageKey: string } & Record<string, unknown>) {
		return this.#send(`projector:${control}`, `/api/workshops/${this.workshopId}/projector`, body);
	}

	isPending(control: string): boolean {
		return this.pending === control;
	}

	#live(control: string, body: Record<string, unknown>) {
		return this.#send(control, `/api/workshops/${this.workshopId}/live`, body);
	}

	async #send(control: string, url: string, body: unknown): Promise<boolean> {
		// A second press while the first is on its way would send the action twice (a second
		// "+1 min" that nobody meant).
		if (this.pending === control) return false;
		this.pending = control;
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify(body)
			});
			if (response.ok) {
				this.error = null;
				return true;
			}
			this.error = await messageOf(response);
			return false;
		} catch {
			this.error = 'The server could not be reached. Check the connection and try again.';
			return false;
		} finally {
			if (this.pending === control) this.pending = null;
		}
	}
}

export async function messageOf(response: Response): Promise<string> {
	try {
		const body = (await response.json()) as { message?: unknown };
		if (typeof body.message === 'string' && body.message) return body.message;
	} catch {
		// Not JSON (a proxy's error page): fall through to the status.
	}
	if (response.status === 401 || response.status === 403) {
		return 'Your session has ended or does not own this workshop. Sign in again.';
	}
	return `The server refused (${response.status}). Try again.`;
}
