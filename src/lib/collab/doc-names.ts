/**
 * The names of the shared documents of a workshop, as the realtime endpoint and the client
 * spell them (`/realtime/<docName>`). One parser for both sides, so a name the browser builds
 * is exactly a name the server accepts.
 */

/** Random ids (see src/lib/server/ids.ts) are lower-case base32; a little room is left. */
const ID = '[a-z0-9]{1,64}';
/** Stage keys are slugs chosen by the workshop template, e.g. `shared-terms`. */
const STAGE_KEY = '[a-z][a-z0-9-]{0,47}';

const ROOM = new RegExp(`^workshop/(${ID})/room$`);
const STAGE = new RegExp(`^workshop/(${ID})/stage/(${STAGE_KEY})$`);
const TEAM = new RegExp(`^workshop/(${ID})/stage/(${STAGE_KEY})/team/(${ID})$`);

export type DocAddress =
	| { kind: 'room'; workshopId: string }
	| { kind: 'stage'; workshopId: string; stageKey: string }
	| { kind: 'team'; workshopId: string; stageKey: string; teamId: string };

/** The address a document name stands for, or null when it matches no known pattern. */
export function parseDocName(name: string): DocAddress | null {
	let match = ROOM.exec(name);
	if (match) return { kind: 'room', workshopId: match[1]! };
	match = STAGE.exec(name);
	if (match) return { kind: 'stage', workshopId: match[1]!, stageKey: match[2]! };
	match = TEAM.exec(name);
	if (match) return { kind: 'team', workshopId: match[1]!, stageKey: match[2]!, teamId: match[3]! };
	return null;
}

export function docName(address: DocAddress): string {
	switch (address.kind) {
		case 'room':
			return roomDocName(address.workshopId);
		case 'stage':
			return stageDocName(address.workshopId, address.stageKey);
		case 'team':
			return teamDocName(address.workshopId, address.stageKey, address.teamId);
	}
}

export function roomDocName(workshopId: string): string {
	return `workshop/${workshopId}/room`;
}

export function stageDocName(workshopId: string, stageKey: string): string {
	return `workshop/${workshopId}/stage/${stageKey}`;
}

export function teamDocName(workshopId: string, stageKey: string, teamId: string): string {
	return `workshop/${workshopId}/stage/${stageKey}/team/${teamId}`;
}

/** Every document of a workshop starts with this. */
export function workshopDocPrefix(workshopId: string): string {
	return `workshop/${workshopId}/`;
}

export function isStageKey(value: string): boolean {
	return new RegExp(`^${STAGE_KEY}$`).test(value);
}
