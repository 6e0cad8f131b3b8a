/** What a review changes: clauses marked with a new wording, and the amended version. */
import { and, eq } from 'drizzle-orm';
import type { CharterContent } from '../../domain/charter/content';
import * as charters from '../charter';
import { db } from '../db';
import { charter, reviewClause } from '../db/schema';
import { RuleError } from '../rules';
import { clauses, find } from './sessions';

/** Marks a clause for change with the wording the room proposes, or takes the mark off (null). */
export async function mark(
	workshopId: string,
	reviewId: string,
	clauseId: string,
	proposedText: string | null
): Promise<void> {
	await find(workshopId, reviewId);
	const updated = await db()
		.update(reviewClause)
		.set({ proposedText })
		.where(and(eq(reviewClause.reviewId, reviewId), eq(reviewClause.clauseId, clauseId)))
		.returning({ clauseId: reviewClause.clauseId });
	if (updated.length === 0) throw new RuleError('This review has no such clause.', 404);
}

/**
 * The amendment: the reviewed version with the marked clauses reworded becomes the draft
 * (the facilitator's other unpublished edits give way to it), and, when asked, is published
 * as the next version, which the leaders sign as any version. Refused when `versionId` is
 * not the reviewed version or that version has been superseded.
 */
export async function amend(
	workshopId: string,
	reviewId: string,
	input: { versionId: string; publish: boolean },
	actor: string
): Promise<{ draft: CharterContent; published: charters.Version | null }> {
	const session = await find(workshopId, reviewId);
	const version = await charters.version(input.versionId);
	if (!version || version.workshopId !== workshopId) {
		throw new RuleError('This charter has no such version.', 404);
	}
	if (version.supersededAt) {
		const current = await charters.current(workshopId);
		throw new RuleError(
			`Version ${version.number} has been superseded${current ? ` by version ${current.number}` : ''}: an amendment edits the current version only.`,
			409
		);
	}
	if (version.id !== session.versionId) {
		throw new RuleError(
			'This review reviewed another version: amend the version it reviewed.',
			409
		);
	}
	const marked = (await clauses(reviewId)).filter((c) => c.proposedText);
	if (marked.length === 0) {
		throw new RuleError(
			'No clause is marked for change: mark one with its new wording first.',
			409
		);
	}
	const next = structuredClone(version.content);
	for (const m of marked) {
		const item = next.sections
			.find((s) => s.key === m.sectionKey)
			?.items.find((i) => i.id === m.clauseId);
		if (item) item.text = m.proposedText!;
	}
	await charters.draft(workshopId);
	await db()
		.update(charter)
		.set({ draft: next, updatedAt: new Date() })
		.where(eq(charter.workshopId, workshopId));
	const published = input.publish ? await charters.publish(workshopId, actor) : null;
	return { draft: next, published };
}
