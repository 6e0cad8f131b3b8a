/**
 * Who may do what, as data. Every guard in the app (hooks, form actions, endpoints, the
 * realtime upgrade) asks `can(role, capability)`; nothing compares role strings elsewhere.
 * Ownership (which workshop) is checked separately, next to the data it protects.
 */
/**
 * `projector` is no one's session: it is what a facilitator's projector window connects as
 * (the realtime upgrade narrows the facilitator's session to it), a screen the whole room sees.
 */
export const ROLES = ['facilitator', 'participant', 'leader', 'projector'] as const;
export type Role = (typeof ROLES)[number];

export type Capability =
	| 'workshop.create'
	| 'workshop.list'
	| 'workshop.manage'
	| 'workshop.read'
	| 'room.join'
	| 'room.participate'
	| 'account.changePassword'
	/** Receive the room document (stage, timer, polls, agreements); nobody but the server writes it. */
	| 'room.read'
	/** Receive a stage's shared board. */
	| 'board.read'
	/** Write on a stage's shared board while the stage is unlocked. */
	| 'board.write'
	/** Keep writing on a stage's board while it is locked (the facilitator tidies up). */
	| 'board.writeLocked'
	/** Write on one's own team board while the stage is in private-write mode. */
	| 'teamBoard.writeOwn'
	/** Receive and write every team's private board (the facilitator runs the exercise). */
	| 'teamBoard.writeAny'
	/** Type in any team's texts on a board (a term's wording and fields), not only one's own. */
	| 'teamText.writeAny'
	/** Create, open, close and reveal polls, start re-votes (never vote: the facilitator is neutral). */
	| 'poll.manage'
	/** Cast and change one's own ballot while a poll is open. */
	| 'poll.vote'
	/** Compile, edit and publish the charter; invite and revoke leaders; record measures. */
	| 'charter.manage'
	/** Read the charter, its versions, reviews, signatures and exports. */
	| 'charter.read'
	/** Comment on a section, approve, or request changes. */
	| 'charter.review'
	/** Sign the current version. */
	| 'charter.sign'
	/** Open the room's shared screen (the projector view) and decide what it shows. */
	| 'projector.run'
	/**
	 * Shows what it receives to the whole room: it receives no board the facilitator hid from
	 * the projector, and no team's private board (a private round shows as counts per team).
	 */
	| 'board.showToRoom'
	/**
	 * Have the live console open and be shown to the other consoles ("Ana is editing the
	 * timer"); a console's presence from anyone without it is dropped by the realtime server.
	 */
	| 'console.run';

const GRANTS: Record<Role, readonly Capability[]> = {
	facilitator: [
		'workshop.create',
		'workshop.list',
		'workshop.manage',
		'workshop.read',
		'account.changePassword',
		'room.read',
		'board.read',
		'board.write',
		'board.writeLocked',
		'teamBoard.writeAny',
		'teamText.writeAny',
		'poll.manage',
		'charter.manage',
		'charter.read',
		'projector.run',
		'console.run'
	],
	participant: [
		'room.participate',
		'workshop.read',
		'room.read',
		'board.read',
		'board.write',
		'teamBoard.writeOwn',
		'poll.vote'
	],
	leader: [
		'workshop.read',
		'account.changePassword',
		'room.read',
		'board.read',
		'charter.read',
		'charter.review',
		'charter.sign'
	],
	projector: ['room.read', 'board.read', 'board.showToRoom']
};

export function can(role: Role | null | undefined, capability: Capability): boolean {
	if (!role) return capability === 'room.join';
	return capability === 'room.join' || GRANTS[role].includes(capability);
}
