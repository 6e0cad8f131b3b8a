import { describe, expect, test } from 'vitest';
import { accessTo, mayWriteText, type Member } from '../../src/lib/collab/access';
import { TERM_TEXT } from '../../src/lib/collab/cards';
import { parseDocName, type DocAddress } from '../../src/lib/collab/doc-names';
import { DEFAULT_STAGE_STATE, type StageState } from '../../src/lib/collab/room';

const facilitator: Member = { role: 'facilitator', teamId: null };
const sales: Member = { role: 'participant', teamId: 'sales' };
const marketing: Member = { role: 'participant', teamId: 'marketing' };
const leader: Member = { role: 'leader', teamId: null };

const room = parseDocName('workshop/w1/room')!;
const stage = parseDocName('workshop/w1/stage/shared-terms')!;
const salesBoard = parseDocName('workshop/w1/stage/shared-terms/team/sales')!;

function state(patch: Partial<StageState>): StageState {
	return { ...DEFAULT_STAGE_STATE, ...patch };
}

function row(address: DocAddress, stageState: StageState) {
	return [facilitator, sales, marketing, leader].map((m) => accessTo(m, address, stageState));
}

describe('the access table of the realtime README', () => {
	test('the room document is read by every member and written by none', () => {
		expect(row(room, state({}))).toEqual(['read', 'read', 'read', 'read']);
	});

	test('a stage board is written by the facilitator and participants, and read-only for participants while locked', () => {
		expect(row(stage, state({}))).toEqual(['write', 'write', 'write', 'read']);
		expect(row(stage, state({ locked: true }))).toEqual(['write', 'read', 'read', 'read']);
	});

	test('a team board is private to its team and the facilitator until the reveal', () => {
		expect(row(salesBoard, state({ privateWrite: true }))).toEqual([
			'write',
			'write',
			'none',
			'none'
		]);
		expect(row(salesBoard, state({ privateWrite: true, locked: true }))).toEqual([
			'write',
			'read',
			'none',
			'none'
		]);
		// Private writing ended without a reveal: still private, no longer writable.
		expect(row(salesBoard, state({}))).toEqual(['read', 'read', 'none', 'none']);
		expect(row(salesBoard, state({ revealedAt: 1 }))).toEqual(['read', 'read', 'read', 'read']);
		// A new private round hides it again, even though it was revealed before.
		expect(row(salesBoard, state({ revealedAt: 1, privateWrite: true }))).toEqual([
			'write',
			'write',
			'none',
			'none'
		]);
	});
});

describe('the projector: what the whole room sees', () => {
	const projector: Member = { role: 'projector', teamId: null };

	test('it reads the room and a stage board, writes nothing, and gets no board hidden from it', () => {
		expect(accessTo(projector, room, state({}))).toBe('read');
		expect(accessTo(projector, stage, state({}))).toBe('read');
		expect(accessTo(projector, stage, state({ locked: true }))).toBe('read');
		expect(accessTo(projector, stage, state({ hiddenFromProjector: true }))).toBe('none');
		// Hiding it from the projector takes nothing from anyone else.
		expect(row(stage, state({ hiddenFromProjector: true }))).toEqual([
			'write',
			'write',
			'write',
			'read'
		]);
	});

	test('it never receives a team’s own board, before the reveal or after it', () => {
		for (const s of [
			state({ privateWrite: true }),
			state({}),
			state({ revealedAt: 1 }),
			state({ revealedAt: 1, privateWrite: true })
		]) {
			expect(accessTo(projector, salesBoard, s)).toBe('none');
		}
		expect(mayWriteText(projector, TERM_TEXT.merged)).toBe(false);
	});
});

describe('document names', () => {
	test('the three patterns parse, anything else does not', () => {
		expect(room).toEqual({ kind: 'room', workshopId: 'w1' });
		expect(salesBoard).toEqual({
			kind: 'team',
			workshopId: 'w1',
			stageKey: 'shared-terms',
			teamId: 'sales'
		});
		for (const bad of [
			'',
			'workshop/w1',
			'workshop/w1/room/',
			'workshop/W1/room',
			'workshop/w1/stage/Bad_Key',
			'workshop/w1/stage/x/team/',
			'workshop/w1/../w2/room',
			'workshop/w1/stage/x/team/t/extra'
		]) {
			expect(parseDocName(bad)).toBeNull();
		}
	});
});

describe('who types in which text of a term', () => {
	function writers(key: string | null) {
		return [facilitator, sales, marketing, leader].map((m) => mayWriteText(m, key));
	}

	test("a team's wording and fields are its own members' and the facilitator's", () => {
		for (const key of [TERM_TEXT.wording('sales'), TERM_TEXT.fields('sales')]) {
			expect(writers(key)).toEqual([true, true, false, false]);
		}
		expect(writers(TERM_TEXT.wording('marketing'))).toEqual([true, false, true, false]);
	});

	test('the merged wording is everyone’s who may write the board', () => {
		expect(writers(TERM_TEXT.merged)).toEqual([true, true, true, false]);
	});

	test('a text the board does not know is the facilitator’s only', () => {
		for (const key of ['notes', 'wording:', 'wording:sales:extra', 'text', null]) {
			expect(writers(key)).toEqual([true, false, false, false]);
		}
	});
});
