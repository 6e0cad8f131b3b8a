/**
 * Calibration stages: the sample of leads, the categories, and the rounds in which both teams
 * classify the same leads. The facilitator runs it; participants classify with anonymous
 * ballots (a round is a poll of kind `classification`, so its tokens, casts, turnout and reveal
 * are the polls'). What the room sees of a round's ballots is src/lib/domain/calibration/
 * results.ts's, under the polls' k rule.
 *
 * Rules kept here, each refused with words and nothing changed:
 * - the stage must be a calibration stage of this workshop;
 * - the leads (10–40 to start a round) are fixed once the first round has opened, so every
 *   round classifies the same ones and kappa can be compared round to round;
 * - categories (2–8, distinct) may change between rounds, never while one is being classified;
 * - one round at a time: the next starts once the previous one has been revealed.
 */
import { and, asc, eq } from 'drizzle-orm';
import { writeCalibration, type CalibrationView } from '../collab/calibration';
import { listCards } from '../collab/cards';
import { roomDocName, stageDocName } from '../collab/doc-names';
import { MAX_LEADS, MIN_LEADS, type Lead } from '../domain/calibration/fields';
import {
	checkTypedLead,
	decodeLeadFile,
	LeadFileError,
	leadsFromFile,
	readLeadFile,
	type ColumnAnalysis,
	type ColumnMapping
} from '../domain/calibration/leads';
import type { PollOption } from '../domain/polls';
import * as ballotKeys from './polls/keys';
import { db } from './db';
import { calibration, poll } from './db/schema';
import { newId } from './ids';
import * as polls from './polls';
import * as rooms from './rooms';
import * as stages from './stages';
import * as workshops from './workshops';
import { RuleError } from './rules';

type Row = typeof calibration.$inferSelect;

export const MIN_CATEGORIES = 2;
export const MAX_CATEGORIES = 8;

/** When the Shared terms board has no plain terms yet. */
const FALLBACK_CATEGORIES = ['MQL', 'SAL', 'SQL', 'Nurture', 'Disqualified'];

async function requireStage(workshopId: string, stageKey: string) {
	const stage = await stages.get(workshopId, stageKey);
	if (!stage) throw new RuleError('This workshop has no such stage.', 404);
	if (stage.kind !== 'calibration') {
		throw new RuleError('This stage is not a calibration stage.', 409);
	}
	return stage;
}

/**
 * The categories the terms board offers: its plain terms (MQL, SAL, SQL, Recycled / Nurture,
 * Disqualified…; not the ones that carry a number, such as the SLA), in board order.
 */
async function termCategories(workshopId: string): Promise<PollOption[]> {
	const labels: string[] = [];
	for (const stage of await stages.list(workshopId)) {
		if (stage.kind !== 'shared-terms') continue;
		const terms = await rooms.read(stageDocName(workshopId, stage.key), (doc) =>
			listCards(doc, 'term')
		);
		for (const term of terms) {
			const label = term.text.trim();
			if ((term.valueType ?? 'none') === 'none' && label && !labels.includes(label)) {
				labels.push(label);
			}
		}
	}
	return (labels.length >= MIN_CATEGORIES ? labels : FALLBACK_CATEGORIES)
		.slice(0, MAX_CATEGORIES)
		.map((label, i) => ({ id: `c${i + 1}`, label }));
}

/** A stage's calibration rounds, oldest first. */
export async function rounds(workshopId: string, stageKey: string) {
	return db()
		.select()
		.from(poll)
		.where(
			and(
				eq(poll.workshopId, workshopId),
				eq(poll.stageKey, stageKey),
				eq(poll.kind, 'classification')
			)
		)
		.orderBy(asc(poll.createdAt));
}

/** The stage's sample, made (with the terms board's categories) the first time it is asked for. */
export async function get(workshopId: string, stageKey: string): Promise<Row> {
	await requireStage(workshopId, stageKey);
	const [found] = await db()
		.select()
		.from(calibration)
		.where(and(eq(calibration.workshopId, workshopId), eq(calibration.stageKey, stageKey)));
	if (found) return found;
	await db()
		.insert(calibration)
		.values({ workshopId, stageKey, leads: [], categories: await termCategories(workshopId) })
		.onConflictDoNothing();
	const [made] = await db()
		.select()
		.from(calibration)
		.where(and(eq(calibration.workshopId, workshopId), eq(calibration.stageKey, stageKey)));
	await publish(made!);
	return made!;
}

/** The stage as every screen sees it (the room carries the same). */
export async function view(workshopId: string, stageKey: string): Promise<CalibrationView> {
	const row = await get(workshopId, stageKey);
	return viewOf(row, (await rounds(workshopId, stageKey)).length > 0);
}

function viewOf(row: Row, isFrozen: boolean): CalibrationView {
	return {
		stageKey: row.stageKey,
		leads: row.leads,
		categories: row.categories,
		focusLeadId: row.focusLeadId,
		isFrozen
	};
}

async function publish(row: Row): Promise<void> {
	const isFrozen = (await rounds(row.workshopId, row.stageKey)).length > 0;
	await rooms.change(roomDocName(row.workshopId), (doc) =>
		writeCalibration(doc, viewOf(row, isFrozen))
	);
}

async function update(
	workshopId: string,
	stageKey: string,
	patch: Partial<Pick<Row, 'leads' | 'categories' | 'focusLeadId'>>
): Promise<void> {
	const [row] = await db()
		.update(calibration)
		.set({ ...patch, updatedAt: new Date() })
		.where(and(eq(calibration.workshopId, workshopId), eq(calibration.stageKey, stageKey)))
		.returning();
	await publish(row!);
}

async function requireLeadsOpen(workshopId: string, stageKey: string): Promise<Row> {
	const row = await get(workshopId, stageKey);
	if ((await rounds(workshopId, stageKey)).length > 0) {
		throw new RuleError(
			'The leads are fixed once the first round has started: every round classifies the same leads.',
			409
		);
	}
	return row;
}

function fileError(e: unknown): never {
	if (e instanceof LeadFileError) throw new RuleError(e.message, 400);
	throw e;
}

/** What an upload would give, column by column, without storing anything. */
export async function preview(
	workshopId: string,
	stageKey: string,
	bytes: Uint8Array
): Promise<{ columns: ColumnAnalysis[]; leads: number }> {
	await requireStage(workshopId, stageKey);
	try {
		const file = readLeadFile(decodeLeadFile(bytes));
		return { columns: file.columns, leads: file.rows.length };
	} catch (e) {
		fileError(e);
	}
}

/** Replaces the sample with the file's leads, columns mapped to fields (or dropped). */
export async function importFile(
	workshopId: string,
	stageKey: string,
	bytes: Uint8Array,
	mapping: ColumnMapping
): Promise<Lead[]> {
	await requireLeadsOpen(workshopId, stageKey);
	let leads: Lead[];
	try {
		leads = leadsFromFile(readLeadFile(decodeLeadFile(bytes)), mapping);
	} catch (e) {
		fileError(e);
	}
	await update(workshopId, stageKey, { leads, focusLeadId: null });
	return leads;
}

/** Adds one lead typed in by hand. */
export async function addLead(
	workshopId: string,
	stageKey: string,
	input: { reference: string; fields: Record<string, string> }
): Promise<Lead> {
	const row = await requireLeadsOpen(workshopId, stageKey);
	if (row.leads.length >= MAX_LEADS) {
		throw new RuleError(`A calibration sample is at most ${MAX_LEADS} leads.`, 409);
	}
	let checked: Omit<Lead, 'id'>;
	try {
		checked = checkTypedLead(input);
	} catch (e) {
		fileError(e);
	}
	const next = Math.max(0, ...row.leads.map((l) => Number(l.id.slice(1)) || 0)) + 1;
	const lead: Lead = {
		id: `l${next}`,
		reference: checked.reference || `Lead ${row.leads.length + 1}`,
		fields: checked.fields
	};
	await update(workshopId, stageKey, { leads: [...row.leads, lead] });
	return lead;
}

export async function removeLead(workshopId: string, stageKey: string, leadId: string) {
	const row = await requireLeadsOpen(workshopId, stageKey);
	if (!row.leads.some((l) => l.id === leadId)) {
		throw new RuleError('This sample has no such lead.', 404);
	}
	await update(workshopId, stageKey, { leads: row.leads.filter((l) => l.id !== leadId) });
}

/** The categories taken again from the terms board as it is now (after its wording changed). */
export async function categoriesFromTerms(workshopId: string, stageKey: string) {
	const fresh = await termCategories(workshopId);
	const row = await get(workshopId, stageKey);
	// Same label, same category: kept by id, so rounds before and after stay comparable.
	return setCategories(
		workshopId,
		stageKey,
		fresh.map((c) => ({
			id: row.categories.find((x) => x.label.toLowerCase() === c.label.toLowerCase())?.id,
			label: c.label
		}))
	);
}

/**
 * The categories, as the facilitator edits them: kept ones by id (so a renamed category stays
 * the same category), new ones without. Refused while a round is being classified.
 */
export async function setCategories(
	workshopId: string,
	stageKey: string,
	input: { id?: string; label: string }[]
): Promise<PollOption[]> {
	const row = await get(workshopId, stageKey);
	const running = (await rounds(workshopId, stageKey)).find(
		(r) => r.status === 'open' || r.status === 'closed'
	);
	if (running) {
		throw new RuleError(
			'The categories cannot change while a round is being classified: reveal it first.',
			409
		);
	}
	const labels = input.map((c) => c.label.trim());
	if (labels.length < MIN_CATEGORIES || labels.length > MAX_CATEGORIES) {
		throw new RuleError(
			`Give ${MIN_CATEGORIES} to ${MAX_CATEGORIES} categories to classify leads into.`,
			400
		);
	}
	const lower = labels.map((l) => l.toLowerCase());
	const twice = labels.find((_, i) => lower.indexOf(lower[i]!) !== i);
	if (twice) throw new RuleError(`Two categories are called “${twice}”.`, 400);
	let next = Math.max(0, ...row.categories.map((c) => Number(c.id.slice(1)) || 0)) + 1;
	const categories = input.map((c, i) => {
		if (c.id && !row.categories.some((existing) => existing.id === c.id)) {
			throw new RuleError('One of the categories is not part of this stage.', 404);
		}
		return { id: c.id ?? `c${next++}`, label: labels[i]! };
	});
	await update(workshopId, stageKey, { categories });
	return categories;
}

/** Opens the next round on the leads and categories as they stand. */
export async function startRound(workshopId: string, stageKey: string): Promise<string> {
	const row = await get(workshopId, stageKey);
	const earlier = await rounds(workshopId, stageKey);
	const running = earlier.find((r) => r.status !== 'revealed');
	if (running) {
		throw new RuleError(
			`Round ${earlier.indexOf(running) + 1} is still ${running.status === 'open' ? 'open' : 'being counted'}: close and reveal it before starting round ${earlier.length + 1}.`,
			409
		);
	}
	if (row.leads.length < MIN_LEADS) {
		throw new RuleError(
			`A round needs at least ${MIN_LEADS} leads; this sample has ${row.leads.length}.`,
			409
		);
	}
	if (row.categories.length < MIN_CATEGORIES) {
		throw new RuleError(`A round needs at least ${MIN_CATEGORIES} categories.`, 409);
	}
	// A poll of kind `classification`: its options are the categories, and every ballot
	// classifies each of `leads`. Keys for every team, then open at once.
	const id = newId();
	await db()
		.insert(poll)
		.values({
			id,
			workshopId,
			kind: 'classification',
			question: `Calibration round ${earlier.length + 1}`,
			stageKey,
			options: row.categories,
			leads: row.leads.map((l) => l.id),
			previousPollId: earlier.at(-1)?.id ?? null
		});
	await ballotKeys.ensureKeys(
		id,
		(await workshops.teams(workshopId)).map((t) => t.id)
	);
	await polls.advance(workshopId, id, 'open');
	// Frozen from now on: every screen learns it with the round.
	await update(workshopId, stageKey, { focusLeadId: null });
	return id;
}

/** Opens a lead for discussion on every screen (null closes it). */
export async function focus(workshopId: string, stageKey: string, leadId: string | null) {
	const row = await get(workshopId, stageKey);
	if (leadId !== null && !row.leads.some((l) => l.id === leadId)) {
		throw new RuleError('This sample has no such lead.', 404);
	}
	await update(workshopId, stageKey, { focusLeadId: leadId });
}
