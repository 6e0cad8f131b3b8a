/**
 * Who waits to be let in, for the console. Waiting people are not in the room document (it
 * is readable by every participant, and a stranger's chosen name is nobody's business until
 * the facilitator lets them in), so the console asks the admission endpoint every few seconds
 * and after each of its own actions.
 */
import { messageOf } from './controls.svelte';

export interface WaitingPerson {
	id: string;
	displayName: string;
	teamId: string;
}

type Action =
	| { action: 'admit' | 'refuse'; participantId: string }
	| { action: 'admitAll' }
	| { action: 'requireAdmission'; required: boolean };

export class AdmissionQueue {
	requireAdmission = $state(false);
	waiting = $state.raw<WaitingPerson[]>([]);
	/** The action on its way (e.g. `admit:<id>`), or null. */
	pending = $state<string | null>(null);
	error = $state<string | null>(null);
	#timer: ReturnType<typeof setInterval>;

	constructor(
		readonly workshopId: string,
		initial: { requireAdmission: boolean; waiting: WaitingPerson[] }
	) {
		this.requireAdmission = initial.requireAdmission;
		this.waiting = initial.waiting;
		this.#timer = setInterval(() => void this.refresh(), 3000);
	}

	get #url() {
		return `/api/workshops/${this.workshopId}/admission`;
	}

	async refresh(): Promise<void> {
		try {
			const response = await fetch(this.#url, { headers: { accept: 'application/json' } });
			if (response.ok) this.#take(await response.json());
		} catch {
			// The room's own connection status tells the facilitator the server is away.
		}
	}

	admit(participantId: string) {
		return this.#send(`admit:${participantId}`, { action: 'admit', participantId });
	}
	refuse(participantId: string) {
		return this.#send(`refuse:${participantId}`, { action: 'refuse', participantId });
	}
	admitAll() {
		return this.#send('admitAll', { action: 'admitAll' });
	}
	setRequired(required: boolean) {
		return this.#send('requireAdmission', { action: 'requireAdmission', required });
	}

	destroy() {
		clearInterval(this.#timer);
	}

	#take(body: { requireAdmission: boolean; waiting: WaitingPerson[] }) {
		this.requireAdmission = body.requireAdmission;
		this.waiting = body.waiting;
	}

	async #send(control: string, body: Action): Promise<void> {
		if (this.pending) return;
		this.pending = control;
		try {
			const response = await fetch(this.#url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify(body)
			});
			if (response.ok) {
				this.error = null;
				this.#take(await response.json());
			} else {
				this.error = await messageOf(response);
				await this.refresh();
			}
		} catch {
			this.error = 'The server could not be reached. Check the connection and try again.';
		} finally {
			this.pending = null;
		}
	}
}
