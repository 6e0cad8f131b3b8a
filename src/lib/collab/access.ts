/**
 * What a member of a workshop may do with each of its shared documents, given the stage's
 * current state. The realtime server enforces this at the upgrade and again whenever the room
 * document changes; the browser uses the same function to show "read-only" honestly.
 *
 * Membership (is this the workshop's facilitator, is this participant in it) is checked by
 * the caller against the database; this only applies the rules of the access table in
 * server/realtime/README.md.
 */
import { can, type Role } from '../domain/permissions';
import { textOwner } from './cards';
import type { DocAddress } from './doc-names';
import type { StageState } from './room';

export type Access = 'none' | 'read' | 'write';

export interface Member {
	role: Role;
	/** The participant's team; null for accounts. */
	teamId: string | null;
}

export function accessTo(member: Member, address: DocAddress, stage: StageState): Access {
	const { role } = member;
	switch (address.kind) {
		case 'room':
			// Written only by the server, through HTTP actions checked against the session.
			return can(role, 'room.read') ? 'read' : 'none';
		case 'stage':
			if (!can(role, 'board.read')) return 'none';
			// What the room's shared screen receives, the whole room sees: a board the
			// facilitator hid from it is not sent at all, not merely left off the screen.
			if (can(role, 'board.showToRoom')) return stage.hiddenFromProjector ? 'none' : 'read';
			if (can(role, 'board.write') && (!stage.locked || can(role, 'board.writeLocked'))) {
				return 'write';
			}
			return 'read';
		case 'team': {
			// Never to the shared screen: it shows what the reveal merged into the stage board,
			// and before that only how many cards each team wrote (counted by the server).
			if (can(role, 'board.showToRoom')) return 'none';
			const isOwnTeam = member.teamId !== null && member.teamId === address.teamId;
			if (can(role, 'teamBoard.writeAny')) return stage.privateWrite ? 'write' : 'read';
			if (isOwnTeam && can(role, 'teamBoard.writeOwn')) {
				return stage.privateWrite && !stage.locked ? 'write' : 'read';
			}
			// Another team's board is nobody else's business until the facilitator reveals it.
			const isRevealed = stage.revealedAt !== null && !stage.privateWrite;
			return isRevealed && can(role, 'board.read') ? 'read' : 'none';
		}
	}
}

/**
 * Whether a member with write access to a board may type in the card text under `key`
 * (see `textOwner`): a team's wording and fields only its own members and the facilitator, the
 * merged wording everyone. The realtime server checks every character of every update with
 * this (server/realtime/board-guard.ts); the participant's screen offers the same texts.
 */
export function mayWriteText(member: Member, key: string | null): boolean {
	if (!can(member.role, 'board.write')) return false;
	if (can(member.role, 'teamText.writeAny')) return true;
	const owner = textOwner(key);
	if (owner.kind === 'shared') return true;
	return owner.kind === 'team' && member.teamId !== null && owner.teamId === member.teamId;
}
