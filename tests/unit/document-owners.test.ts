/**
 * The document owners (src/lib/collab/room.ts, board.ts, cards.ts, agreements.ts) on stored
 * documents of earlier releases (tests/fixtures/documents) and on items they cannot read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAgreements } from '../../src/lib/collab/agreements';
import { BOARD_KEYS, BOARD_SCHEMA, migrateBoard } from '../../src/lib/collab/board';
import {
	addCard,
	cardsOf,
	listCards,
	listUnknownItems,
	readCard,
	updateCard
} from '../../src/lib/collab/cards';
import {
	checkMigrations,
	DocumentTooNewError,
	META_KEY,
	migrationPlan,
	storedVersion,
	VERSION_FIELD
} from '../../src/lib/collab/migrate';
import { readCalibration } from '../../src/lib/collab/calibration';
import { readLive } from '../../src/lib/collab/live';
import { readPolls, readResults } from '../../src/lib/collab/polls';
import {
	migrateRoom,
	readStageState,
	readStageStates,
	ROOM_KEYS,
	ROOM_SCHEMA,
	stageStateSchema
} from '../../src/lib/collab/room';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'documents');
const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.bin'));

function load(file: string): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, readFileSync(join(DIR, file)));
	return doc;
}

/** The updates a migration writes, as one. */
function migrated(doc: Y.Doc, run: () => unknown): Uint8Array[] {
	const updates: Uint8Array[] = [];
	const record = (update: Uint8Array) => updates.push(update);
	doc.on('update', record);
	doc.transact(run);
	doc.off('update', record);
	return updates;
}

describe('migrations', () => {
	it('each version from 2 up has exactly one migration', () => {
		expect(() => checkMigrations(ROOM_SCHEMA)).not.toThrow();
		expect(() => checkMigrations(BOARD_SCHEMA)).not.toThrow();
		expect(() => checkMigrations({ ...BOARD_SCHEMA, version: BOARD_SCHEMA.version + 1 })).toThrow(
			/without a migration/
		);
	});

	it('room 1 → 2 writes whether a stage is hidden from the projector into every stage state', () => {
		const doc = new Y.Doc();
		doc.getMap(META_KEY).set(VERSION_FIELD, 1);
		doc
			.getMap(ROOM_KEYS.stages)
			.set('barriers', { locked: true, privateWrite: false, revealedAt: 5 });
		doc.getMap(ROOM_KEYS.stages).set('terms', {
			locked: false,
			privateWrite: true,
			revealedAt: null,
			hiddenFromProjector: true
		});
		// Before the migration the first state is not the current shape: it reads as the default.
		expect(readStageState(doc, 'barriers').locked).toBe(false);
		const updates = migrated(doc, () => expect(migrateRoom(doc)).toEqual({ from: 1, to: 2 }));
		expect(updates).toHaveLength(1);
		expect(storedVersion(doc)).toBe(2);
		expect(doc.getMap(ROOM_KEYS.stages).get('barriers')).toEqual({
			locked: true,
			privateWrite: false,
			revealedAt: 5,
			hiddenFromProjector: false
		});
		expect(readStageState(doc, 'terms').hiddenFromProjector).toBe(true);
		// A second run finds it current and writes nothing.
		expect(migrated(doc, () => expect(migrateRoom(doc)).toBeNull())).toHaveLength(0);
	});

	it('board 1 → 2 records the version on a board that had none', () => {
		const doc = new Y.Doc();
		addCard(doc, {
			id: 'a1',
			type: 'note',
			text: 'Hello',
			teamId: null,
			createdAt: 1,
			position: 1
		});
		expect(storedVersion(doc)).toBe(1);
		expect(migrationPlan(doc, BOARD_SCHEMA)).toEqual({ status: 'migrate', from: 1, to: 2 });
		expect(migrateBoard(doc)).toEqual({ from: 1, to: 2 });
		expect(doc.getMap(BOARD_KEYS.meta).get(VERSION_FIELD)).toBe(2);
		expect(listCards(doc).map((c) => c.text)).toEqual(['Hello']);
	});

	it('refuses a document of a newer release', () => {
		const doc = new Y.Doc();
		doc.getMap(META_KEY).set(VERSION_FIELD, ROOM_SCHEMA.version + 1);
		expect(() => migrateRoom(doc, 'workshop/x/room')).toThrow(DocumentTooNewError);
		expect(() => migrateRoom(doc, 'workshop/x/room')).toThrow(/workshop\/x\/room.*newer/);
		expect(doc.getMap(META_KEY).get(VERSION_FIELD)).toBe(ROOM_SCHEMA.version + 1);
	});
});

describe('unknown items', () => {
	it('a card of an unknown type or with a field of the wrong type reads as an unknown item', () => {
		const doc = new Y.Doc();
		addCard(doc, {
			id: 'ok1',
			type: 'step',
			text: 'First call',
			teamId: null,
			createdAt: 1,
			position: 1,
			slaHours: 24
		});
		const future = new Y.Map<unknown>();
		for (const [k, v] of Object.entries({
			type: 'hologram',
			text: 'From a newer release',
			teamId: null,
			createdAt: 2,
			position: 2
		}))
			future.set(k, v);
		cardsOf(doc).set('new1', future);
		const renamed = new Y.Map<unknown>();
		for (const [k, v] of Object.entries({
			type: 'step',
			text: 'SLA as text',
			teamId: null,
			createdAt: 3,
			position: 3,
			slaHours: '24h'
		}))
			renamed.set(k, v);
		cardsOf(doc).set('bad1', renamed);

		expect(listCards(doc).map((c) => c.id)).toEqual(['ok1']);
		expect(listUnknownItems(doc)).toEqual([
			{
				id: 'bad1',
				type: 'unknown',
				text: 'SLA as text',
				problem: expect.stringContaining('slaHours')
			},
			{
				id: 'new1',
				type: 'unknown',
				text: 'From a newer release',
				problem: expect.stringContaining('type')
			}
		]);
		expect(readCard('new1', future)).toMatchObject({ type: 'unknown' });
	});

	it('an agreement entry that is not the register shape is reported, not read', () => {
		const doc = new Y.Doc();
		doc.getMap(ROOM_KEYS.agreements).set('agr1', { id: 'agr1', statement: 'Half an entry' });
		const read = readAgreements(doc);
		expect(read.entries.size).toBe(0);
		expect(read.unknown).toEqual(['agr1']);
	});
});

describe('the live run', () => {
	it('a value of another shape reads as nothing, never as a half-read value', () => {
		const doc = new Y.Doc();
		doc.getMap(ROOM_KEYS.current).set('timer', { stageKey: 'focus-value', duration: 60_000 });
		doc
			.getMap(ROOM_KEYS.current)
			.set('spotlight', { stageKey: 'focus-value', text: 'Hi', itemId: null, teamId: null });
		doc.getMap(ROOM_KEYS.agenda).set('teams', [{ id: 't1', name: 'Sales' }]);
		const live = readLive(doc);
		expect(live.timer).toBeNull();
		expect(live.spotlight).toEqual({
			stageKey: 'focus-value',
			text: 'Hi',
			itemId: null,
			teamId: null
		});
		expect(live.teams).toEqual([]);
	});
});

describe('updateCard', () => {
	it('removes the fields it is asked to remove, and never the ones every card has', () => {
		const doc = new Y.Doc();
		addCard(doc, {
			id: 's1',
			type: 'step',
			text: 'Call',
			teamId: null,
			createdAt: 1,
			position: 1,
			slaHours: 24,
			note: 'old'
		});
		expect(updateCard(doc, 's1', { system: 'CRM' }, ['note', 'slaHours'])).toBe(true);
		const [step] = listCards(doc);
		expect(step).toMatchObject({ system: 'CRM' });
		expect(step).not.toHaveProperty('note');
		expect(step).not.toHaveProperty('slaHours');
		expect(() => updateCard(doc, 's1', {}, ['text'])).toThrow(/text/);
		expect(updateCard(doc, 'nope', {}, ['note'])).toBe(false);
	});
});

describe('fixtures of earlier releases', () => {
	it('there is a room and a board of every stage kind', () => {
		expect(fixtures).toContain('room-v1.bin');
		for (const kind of [
			'focus-value',
			'shared-terms',
			'calibration',
			'connections',
			'barriers',
			'measures',
			'agreements',
			'open'
		]) {
			expect(fixtures).toContain(`board-${kind}-v1.bin`);
		}
	});

	it.each(fixtures.filter((f) => f.startsWith('room-')))(
		'%s migrates to the current room',
		(file) => {
			const doc = load(file);
			migrated(doc, () => migrateRoom(doc, file));
			expect(storedVersion(doc)).toBe(ROOM_SCHEMA.version);
			const states = readStageStates(doc);
			expect(Object.keys(states).length).toBeGreaterThan(0);
			doc.getMap(ROOM_KEYS.stages).forEach((raw) => {
				expect(v.is(stageStateSchema, raw)).toBe(true);
			});
			// The stage locked before the migration is still locked after it.
			expect(states['focus-value']).toEqual({
				locked: true,
				privateWrite: false,
				revealedAt: null,
				hiddenFromProjector: false
			});
			const agreements = readAgreements(doc);
			expect(agreements.unknown).toEqual([]);
			expect(agreements.entries.size).toBeGreaterThan(0);
			const live = readLive(doc);
			expect(live.stages.length).toBeGreaterThan(0);
			expect(live.teams.length).toBeGreaterThan(0);
			expect(readPolls(doc).length).toBeGreaterThan(0);
			expect(Object.keys(readResults(doc)).length).toBeGreaterThan(0);
			expect(Object.keys(readCalibration(doc)).length).toBeGreaterThan(0);
		}
	);

	it.each(fixtures.filter((f) => !f.startsWith('room-')))(
		'%s migrates to the current board',
		(file) => {
			const doc = load(file);
			const before = cardsOf(doc).size;
			migrated(doc, () => migrateBoard(doc, file));
			expect(storedVersion(doc)).toBe(BOARD_SCHEMA.version);
			expect(listUnknownItems(doc)).toEqual([]);
			expect(listCards(doc)).toHaveLength(before);
			expect(before).toBeGreaterThan(0);
		}
	);
});
