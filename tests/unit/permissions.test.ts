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

describe('the live console', () => {
	test('only a facilitator runs the console and is shown to the other consoles', () => {
		expect(can('facilitator', 'console.run')).toBe(true);
		for (const role of ['participant', 'leader', 'projector'] as const) {
			expect(can(role, 'console.run')).toBe(false);
		}
	});
});
