/**
 * Who may do what, as data. Every guard in the app (hooks, form actions, endpoints, the
 * realtime upgrade) asks `can(role, capability)`; nothing compares role strings elsewhere.
 * Ownership (which workshop) is checked separately, next to the data it protects.
 */
export const ROLES = ['facilitator', 'participant', 'leader'] as const;
export type Role = (typeof ROLES)[number];

export type Capability =
	| 'workshop.create'
	| 'workshop.list'
	| 'workshop.manage'
	| 'workshop.read'
	| 'room.join'
	| 'room.participate'
	| 'account.changePassword';

const GRANTS: Record<Role, readonly Capability[]> = {
	facilitator: [
		'workshop.create',
		'workshop.list',
		'workshop.manage',
		'workshop.read',
		'account.changePassword'
	],
	participant: ['room.participate', 'workshop.read'],
	leader: ['workshop.read', 'account.changePassword']
};

export function can(role: Role | null | undefined, capability: Capability): boolean {
	if (!role) return capability === 'room.join';
	return capability === 'room.join' || GRANTS[role].includes(capability);
}
