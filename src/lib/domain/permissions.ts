/**
 * Who may do what, as data. Every guard in the app (hooks, form actions, endpoints, the
 * realtime upgrade) asks `can(role, capability)`; nothing compares role strings elsewhere.
 * Ownership (which workshop) is checked separately, next to the data it protects.
 */
/**
 * `projector` is no one's session: it is what a facilitator's projector window connects as
 * (the realtime upgrade narrows the facilitator's session to it), a screen the whole room sees.
 */
/**
 * An account's role is its role in its firm (`owner`, `facilitator`, `producer`); an account
 * that belongs to no firm (removed from one) is only `account`. Which firm, and so which
 * workshops, is checked by the guards next to the data (server/firms.ts `roleIn`).
 */
export const ROLES = [
	'facilitator',
	'participant',
	'leader',
	'projector',
	'owner',
	'producer',
	'account'
] as const;
export type FirmRole = Extract<Role, 'owner' | 'facilitator' | 'producer'>;
export const FIRM_ROLES: readonly FirmRole[] = ['owner', 'facilitator', 'producer'];
export type Role = (typeof ROLES)[number];

export type Capability =
	| 'workshop.create'
	| 'workshop.list'
	| 'workshop.manage'
	/** Archive a workshop, take it out of the archive, or delete it (not a producer's call). */
	| 'workshop.remove'
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
	/** Keep a template library: save a workshop as a template, import, export, delete, use. */
	| 'template.manage'
	/** Upload a lead report from the CRM after signing; only its counts per month are kept. */
	| 'charter.evidence'
	/** See the firm's page: its members, clients and brand. */
	| 'firm.read'
	/** Invite and remove members, change their roles, set the firm's and clients' brand. */
	| 'firm.manage'
	/** Add the firm's clients (a new workshop names its client). */
	| 'client.manage'
	/**
	 * Have the live console open and be shown to the other consoles ("Ana is editing the
	 * timer"); a console's presence from anyone without it is dropped by the realtime server.
	 */
	| 'console.run';

/**
 * Running the room: people, stages and the timer, the boards, the projector and the console.
 * The facilitator does it, and the producer who co-runs the session with them.
 */
const RUN_THE_ROOM: readonly Capability[] = [
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
	'projector.run',
	'console.run'
];

const GRANTS: Record<Role, readonly Capability[]> = {
	facilitator: [
		...RUN_THE_ROOM,
		'workshop.create',
		'workshop.remove',
		'poll.manage',
		'charter.manage',
		'charter.read',
		'template.manage',
		'charter.evidence'
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
		'charter.sign',
		'charter.evidence'
	],
	projector: ['room.read', 'board.read', 'board.showToRoom'],
	owner: [] /* the facilitator's, and the firm's; filled in below */,
	/**
	 * Runs the room with the facilitator: people (admission, teams), stages and the timer, the
	 * boards and the projector; never the votes (poll.manage) nor the charter (charter.*).
	 */
	producer: [...RUN_THE_ROOM, 'firm.read'],
	account: ['account.changePassword', 'workshop.list']
};
GRANTS.facilitator = [...GRANTS.facilitator, 'firm.read', 'client.manage'];
GRANTS.owner = [...GRANTS.facilitator, 'firm.manage'];

export function can(role: Role | null | undefined, capability: Capability): boolean {
	if (!role) return capability === 'room.join';
	return capability === 'room.join' || GRANTS[role].includes(capability);
}
