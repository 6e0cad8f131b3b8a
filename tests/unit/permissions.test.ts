import { describe, expect, test } from 'vitest';
import { can, ROLES } from '../../src/lib/domain/permissions';

describe('can(role, capability)', () => {
	test('only facilitators create and manage workshops', () => {
		expect(can('facilitator', 'workshop.create')).toBe(true);
		expect(can('facilitator', 'workshop.manage')).toBe(true);
		for (const role of ['participant', 'leader', null] as const) {
			expect(can(role, 'workshop.create')).toBe(false);
			expect(can(role, 'workshop.manage')).toBe(false);
		}
	});

	test('only participants take part in a room; the facilitator stays neutral', () => {
		expect(can('participant', 'room.participate')).toBe(true);
		expect(can('facilitator', 'room.participate')).toBe(false);
		expect(can('leader', 'room.participate')).toBe(false);
	});

	test('anyone may open the join page, signed in or not', () => {
		for (const role of [...ROLES, null]) expect(can(role, 'room.join')).toBe(true);
	});

	test('signed-out visitors can do nothing else', () => {
		expect(can(null, 'workshop.read')).toBe(false);
		expect(can(undefined, 'account.changePassword')).toBe(false);
	});
});

describe('charter capabilities', () => {
	test('only facilitators manage (publish) a charter; only leaders review and sign it', () => {
		expect(can('facilitator', 'charter.manage')).toBe(true);
		for (const role of ['participant', 'leader', null] as const) {
			expect(can(role, 'charter.manage')).toBe(false);
		}
		for (const capability of ['charter.review', 'charter.sign'] as const) {
			expect(can('leader', capability)).toBe(true);
			for (const role of ['facilitator', 'participant', null] as const) {
				expect(can(role, capability)).toBe(false);
			}
		}
		expect(can('participant', 'charter.read')).toBe(false);
		expect(can('leader', 'board.write')).toBe(false);
		expect(can('leader', 'room.read')).toBe(true);
	});
});

describe('the projector', () => {
	test('only the facilitator runs it; as a screen it reads the room and boards, nothing more', () => {
		expect(can('facilitator', 'projector.run')).toBe(true);
		for (const role of ['participant', 'leader', 'projector', null] as const) {
			expect(can(role, 'projector.run')).toBe(false);
		}
		expect(can('projector', 'room.read')).toBe(true);
		expect(can('projector', 'board.read')).toBe(true);
		for (const capability of [
			'board.write',
			'teamBoard.writeAny',
			'teamBoard.writeOwn',
			'workshop.manage',
			'workshop.read',
			'poll.vote',
			'charter.read'
		] as const) {
			expect(can('projector', capability)).toBe(false);
		}
		for (const role of ['facilitator', 'participant', 'leader'] as const) {
			expect(can(role, 'board.showToRoom')).toBe(false);
		}
	});
});

describe('firm roles', () => {
	test('a producer runs people, the timer and the projector, never votes or the charter', () => {
		for (const capability of ['workshop.manage', 'projector.run', 'board.writeLocked'] as const) {
			expect(can('producer', capability)).toBe(true);
		}
		for (const capability of [
			'poll.manage',
			'charter.manage',
			'charter.read',
			'workshop.create',
			'workshop.remove',
			'firm.manage'
		] as const) {
			expect(can('producer', capability)).toBe(false);
		}
	});

	test('only an owner manages the firm; an owner does all a facilitator does', () => {
		expect(can('owner', 'firm.manage')).toBe(true);
		expect(can('facilitator', 'firm.manage')).toBe(false);
		for (const capability of ['poll.manage', 'charter.manage', 'workshop.create'] as const) {
			expect(can('owner', capability)).toBe(true);
		}
	});

	test('an account outside any firm reaches no workshop', () => {
		expect(can('account', 'workshop.manage')).toBe(false);
		expect(can('account', 'workshop.read')).toBe(false);
		expect(can('account', 'account.changePassword')).toBe(true);
	});
});

describe('the live console', () => {
	test('facilitators, owners and producers run the console and see each other there', () => {
		for (const role of ['facilitator', 'owner', 'producer'] as const) {
			expect(can(role, 'console.run')).toBe(true);
		}
		for (const role of ['participant', 'leader', 'projector', 'account'] as const) {
			expect(can(role, 'console.run')).toBe(false);
		}
	});
});
