/**
 * The console's presence among its co-facilitators: publishes this console's name and what
 * it is doing on the room's awareness, and follows the other consoles'. A console that goes
 * away simply drops out of the list: nothing it was doing belongs to it (every change is on
 * the server already), so nothing needs handing over.
 */
import type { Awareness } from 'y-protocols/awareness';
import {
	CONSOLE_PRESENCE,
	MAX_ACTIVITY_LENGTH,
	otherConsoles,
	type OtherConsole
} from '$lib/collab/console-presence';

export const IDLE = 'looking at the console';

export class CoFacilitators {
	others = $state.raw<OtherConsole[]>([]);
	activity = $state(IDLE);
	#detach: () => void;

	constructor(
		private readonly awareness: Awareness,
		private readonly name: string
	) {
		const onChange = () => {
			this.others = otherConsoles(awareness.getStates(), awareness.clientID);
		};
		awareness.on('change', onChange);
		this.#publish();
		onChange();
		this.#detach = () => awareness.off('change', onChange);
	}

	/** Says what this console is doing now ("editing the timer"). */
	doing(activity: string | null) {
		const next = (activity ?? IDLE).slice(0, MAX_ACTIVITY_LENGTH);
		if (next === this.activity) return;
		this.activity = next;
		this.#publish();
	}

	#publish() {
		this.awareness.setLocalState({
			kind: CONSOLE_PRESENCE,
			name: this.name,
			activity: this.activity
		});
	}

	destroy() {
		this.#detach();
	}
}
