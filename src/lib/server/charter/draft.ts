/** The draft of a workshop's charter: compiled from the workshop, edited by the facilitator. */
import { eq } from 'drizzle-orm';
import { SECTION_KINDS, type CharterContent } from '../../domain/charter/content';
import { applyEdit, CharterEditError, type CharterEdit } from '../../domain/charter/edit';
import { db } from '../db';
import { charter } from '../db/schema';
import { newId } from '../ids';
import { RuleError } from '../rules';
import { compile } from './compile';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The draft, compiled from the workshop the first time it is asked for. */
export async function draft(workshopId: string): Promise<CharterContent> {
	const [row] = await db().select().from(charter).where(eq(charter.workshopId, workshopId));
	if (row) return row.draft;
	const compiled = await compile(workshopId);
	await db().insert(charter).values({ workshopId, draft: compiled }).onConflictDoNothing();
	const [again] = await db().select().from(charter).where(eq(charter.workshopId, workshopId));
	return again!.draft;
}

/** Stores the draft as it now is, and hands it back. */
async function saveDraft(workshopId: string, next: CharterContent): Promise<CharterContent> {
	await db()
		.update(charter)
		.set({ draft: next, updatedAt: new Date() })
		.where(eq(charter.workshopId, workshopId));
	return next;
}

/** Compiles the draft again from the workshop as it is now; the facilitator's edits are lost. */
export async function recompile(workshopId: string): Promise<CharterContent> {
	await draft(workshopId);
	const compiled = await compile(workshopId);
	return saveDraft(workshopId, compiled);
}

/**
 * Brings what a fresh compile now has of one section kind into the draft (after the
 * facilitator kept a template's suggestion): clauses the draft lacks are added at the end of
 * its section, or the section is added where its kind belongs. The rest of the draft, and
 * every edit made to it, stays as it is.
 */
export async function includeCompiled(
	workshopId: string,
	kind: CharterContent['sections'][number]['kind']
): Promise<CharterContent> {
	const current = await draft(workshopId);
	const compiled = (await compile(workshopId)).sections.find((s) => s.kind === kind);
	if (!compiled) return current;
	const next = structuredClone(current);
	const existing = next.sections.find((s) => s.kind === kind);
	if (existing) {
		const ids = new Set(existing.items.map((i) => i.id));
		existing.items.push(...compiled.items.filter((i) => !ids.has(i.id)));
	} else {
		const order = SECTION_KINDS.indexOf(kind);
		const at = next.sections.findIndex((s) => SECTION_KINDS.indexOf(s.kind) > order);
		next.sections.splice(at < 0 ? next.sections.length : at, 0, compiled);
	}
	return saveDraft(workshopId, next);
}

export async function edit(
	workshopId: string,
	change: DistributiveOmit<CharterEdit, 'id'>
): Promise<CharterContent> {
	const current = await draft(workshopId);
	let next: CharterContent;
	try {
		next = applyEdit(
			current,
			change.op === 'add-clause' ? { ...change, id: newId() } : (change as CharterEdit)
		);
	} catch (e) {
		if (e instanceof CharterEditError) throw new RuleError(e.message, 404);
		throw e;
	}
	return saveDraft(workshopId, next);
}
