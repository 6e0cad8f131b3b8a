/**
 * What a facilitator's console publishes in the room document's awareness, so the other
 * consoles of the workshop see who else is running it and what they are doing ("Ana is editing
 * the timer"). The name comes from the signed-in account; the realtime server drops console
 * states published by anyone who does not run the workshop (server/realtime/connection.ts).
 * It carries no content: never the notes, only which part of the console is in use.
 */

export const CONSOLE_PRESENCE = 'console';
export const MAX_ACTIVITY_LENGTH = 80;

export interface ConsolePresence {
	kind: typeof CONSOLE_PRESENCE;
	name: string;
	/** "editing the timer", "looking at the console"… */
	activity: string;
}

export interface OtherConsole extends ConsolePresence {
	clientId: number;
}

export function isConsolePresence(state: unknown): state is ConsolePresence {
	return (
		!!state && typeof state === 'object' && (state as { kind?: unknown }).kind === CONSOLE_PRESENCE
	);
}

/** The other consoles among a document's awareness states, by name. */
export function otherConsoles(states: Map<number, unknown>, ownClientId: number): OtherConsole[] {
	const found: OtherConsole[] = [];
	for (const [clientId, state] of states) {
		if (clientId === ownClientId || !isConsolePresence(state)) continue;
		found.push({
			clientId,
			kind: CONSOLE_PRESENCE,
			name: String(state.name).slice(0, 120),
			activity: String(state.activity).slice(0, MAX_ACTIVITY_LENGTH)
		});
	}
	return found.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
}
