/**
 * Who waits to be let in, for the console. Waiting people are not in the room document (it
 * is readable by every participant, and a stranger's chosen name is nobody's business until
 * the facilitator lets them in), so the console asks the admission endpoint every few seconds
 * and after each of its own actions.
 */
import { CONSOLE, consoleSend, read, RequestError } from '$lib/client/requests';
import { Controls } from '$lib/state/action.svelte';

export interface WaitingPerson {
	id: string;
	displayName: string;
	teamId: string;
}

type Action =
	| { action: 'admit' | 'refuse'; participantId: string }
	| { action: 'admitAll' }
	| { action: 'requireAdmission'; required: boolean };

type Queue = { requireAdmission: boolean; waiting: WaitingPerson[] };

/** `pending` names the action on its way (e.g. `admit:<id>`); one at a time, whichever it is. */
export class AdmissionQueue extends Controls {
	requireAdmission = $state(false);
	waiting = $state.raw<WaitingPerson[]>([]);
	#timer: ReturnType<typeof setInterval>;

	constructor(
		readonly workshopId: string,
		initial: Queue
	) {
		super();
		this.requireAdmission = initial.requireAdmission;
		this.waiting = initial.waiting;
		this.#timer = setInterval(() => void this.refresh(), 3000);
	}

	get #url() {
		return `/api/workshops/${this.workshopId}/admission`;
	}

	async refresh(): Promise<void> {
		// Offline (null): the room's own connection status tells the facilitator the server is away.
		const queue = await read<Queue>(this.#url, CONSOLE);
		if (queue) this.#take(queue);
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

	#take(body: Queue) {
		this.requireAdmission = body.requireAdmission;
		this.waiting = body.waiting;
	}

	async #send(control: string, body: Action): Promise<void> {
		if (this.pending) return;
		await this.run(control, async () => {
			try {
				const queue = await consoleSend<Queue | null>('POST', this.#url, body);
				if (queue) this.#take(queue);
			} catch (error) {
				// Refused: what the server holds now shows why (someone else let them in).
				if (error instanceof RequestError && error.status !== 0) await this.refresh();
				throw error;
			}
		});
	}
}
