/**
 * The template library: templates saved from a workshop or imported from a file, who sees
 * them, and their export. Built-in templates are not rows (domain/template-library.ts).
 */
import type { AccountActor } from './auth/sessions';
import { and, desc, eq, or, inArray, type SQL } from 'drizzle-orm';
import * as Y from 'yjs';
import { listCards, termText, textOf, TERM_TEXT } from '../collab/cards';
import { stageDocName } from '../collab/doc-names';
import { journeyOrder } from '../collab/journey';
import type { JsonObject } from '../domain/charter/canon';
import {
	TEMPLATE_VERSION,
	toTemplateFile,
	type TemplateContent,
	type TemplateFile,
	type TemplateStage
} from '../domain/template-library';
import { checkTemplateContent, upcastTemplateFile } from '../schemas/template-file';
import { db } from './db';
import { workshopTemplate } from './db/schema';
import { newId } from './ids';
import * as rooms from './rooms';
import * as stages from './stages';
import * as workshops from './workshops';

export type TemplateRow = typeof workshopTemplate.$inferSelect;
export type Visibility = TemplateRow['visibility'];

/** Who is looking at the library: an account, the firms it belongs to, and whether it owns them. */
export interface TemplateViewer {
	accountId: string;
	firmIds: readonly string[];
	/** The account owns its firm: it may delete templates shared with the firm. */
	isFirmOwner: boolean;
}

/** The viewer for a signed-in account: its firm (an account belongs to one firm at most). */
export function viewerOf(actor: AccountActor): TemplateViewer {
	return {
		accountId: actor.account.id,
		firmIds: actor.firm ? [actor.firm.id] : [],
		isFirmOwner: actor.role === 'owner'
	};
}

/**
 * The one place that says which templates an account sees: its own (private or shared), and
 * those shared with a firm it belongs to. Every read of the library goes through this.
 */
export function templatesVisibleTo(viewer: TemplateViewer): SQL {
	const own = eq(workshopTemplate.ownerId, viewer.accountId);
	if (viewer.firmIds.length === 0) return own;
	return or(
		own,
		and(
			eq(workshopTemplate.visibility, 'firm'),
			inArray(workshopTemplate.firmId, [...viewer.firmIds])
		)
	)!;
}

/** The author deletes a template; so does an owner of the firm it is shared with. */
export function mayDelete(viewer: TemplateViewer, row: TemplateRow): boolean {
	if (row.ownerId === viewer.accountId) return true;
	return (
		viewer.isFirmOwner &&
		row.visibility === 'firm' &&
		row.firmId !== null &&
		viewer.firmIds.includes(row.firmId)
	);
}

export async function list(viewer: TemplateViewer) {
	return db()
		.select({
			id: workshopTemplate.id,
			name: workshopTemplate.name,
			description: workshopTemplate.description,
			visibility: workshopTemplate.visibility,
			ownerId: workshopTemplate.ownerId,
			createdAt: workshopTemplate.createdAt
		})
		.from(workshopTemplate)
		.where(templatesVisibleTo(viewer))
		.orderBy(desc(workshopTemplate.createdAt));
}

/** The template, if this viewer may see it; undefined otherwise (as if it did not exist). */
export async function findVisible(
	viewer: TemplateViewer,
	id: string
): Promise<TemplateRow | undefined> {
	const [row] = await db()
		.select()
		.from(workshopTemplate)
		.where(and(eq(workshopTemplate.id, id), templatesVisibleTo(viewer)))
		.limit(1);
	return row;
}

/** A stored template as current content (older versions are upcast when read). */
export function contentOf(row: TemplateRow): TemplateContent {
	const read = upcastTemplateFile(row.content);
	if (!read.ok) throw new Error(`stored template ${row.id} does not read: ${read.errors[0]}`);
	const { name, description, teams, stages } = read.file;
	return { name, description, teams, stages };
}

export function exportFile(row: TemplateRow, schemaUrl: string): TemplateFile {
	return toTemplateFile(contentOf(row), schemaUrl);
}

async function store(
	viewer: TemplateViewer,
	content: TemplateContent,
	visibility: Visibility
): Promise<TemplateRow> {
	const file = toTemplateFile(content);
	const [row] = await db()
		.insert(workshopTemplate)
		.values({
			id: newId(),
			ownerId: viewer.accountId,
			// The author's firm: `visibility` decides whether its members see it.
			firmId: viewer.firmIds[0] ?? null,
			visibility,
			name: content.name,
			description: content.description,
			version: TEMPLATE_VERSION,
			content: file as unknown as JsonObject
		})
		.returning();
	return row!;
}

export type SaveResult = { ok: true; template: TemplateRow } | { ok: false; errors: string[] };

/** Stores an imported file's content (already read by schemas/template-file.ts). */
export async function importContent(
	viewer: TemplateViewer,
	content: TemplateContent,
	visibility: Visibility
): Promise<TemplateRow> {
	return store(viewer, content, visibility);
}

/**
 * What a workshop would start from if it were a template: its stages, teams, and the terms
 * and journey its boards hold now. Per-team wordings and what the room found (broken
 * connections, notes) stay with the client's workshop; the merged wording of a term is kept
 * as the draft the next room starts from.
 */
export async function contentOfWorkshop(
	workshopId: string,
	details: { name: string; description: string }
): Promise<TemplateContent> {
	const [stageRows, teamRows] = await Promise.all([
		stages.list(workshopId),
		workshops.teams(workshopId)
	]);
	const teamName = new Map(teamRows.map((t) => [t.id, t.name]));
	const result: TemplateStage[] = [];
	for (const s of stageRows) {
		const stage: TemplateStage = stages.describe(s);
		if (s.kind === 'shared-terms') {
			stage.terms = await rooms.read(stageDocName(workshopId, s.key), (doc: Y.Doc) =>
				listCards(doc, 'term').map((term) => ({
					name: term.text,
					hint: term.hint ?? '',
					valueType: term.valueType ?? 'none',
					value: typeof term.value === 'number' ? term.value : null,
					draft: textOf(termText(doc, term.id, TERM_TEXT.merged))
				}))
			);
		}
		if (s.kind === 'connections') {
			stage.journey = await rooms.read(stageDocName(workshopId, s.key), (doc: Y.Doc) =>
				journeyOrder(listCards(doc, 'step')).map((step) => ({
					step: step.text,
					owner: (step.ownerTeamId && teamName.get(step.ownerTeamId)) || '',
					system: step.system ?? '',
					slaHours: typeof step.slaHours === 'number' ? step.slaHours : null,
					returnPath: step.isReturnPath === true
				}))
			);
		}
		result.push(stage);
	}
	return {
		name: details.name,
		description: details.description,
		teams: teamRows.map((t) => ({ name: t.name, colour: t.colour })),
		stages: result
	};
}

/** Saves a workshop as a template, unless its content breaks a template's limits. */
export async function saveFromWorkshop(
	viewer: TemplateViewer,
	workshopId: string,
	details: { name: string; description: string; visibility: Visibility }
): Promise<SaveResult> {
	const content = await contentOfWorkshop(workshopId, details);
	const errors = checkTemplateContent(content);
	if (errors.length) return { ok: false, errors };
	return { ok: true, template: await store(viewer, content, details.visibility) };
}

export async function remove(viewer: TemplateViewer, id: string): Promise<boolean> {
	const row = await findVisible(viewer, id);
	if (!row || !mayDelete(viewer, row)) return false;
	const deleted = await db()
		.delete(workshopTemplate)
		.where(eq(workshopTemplate.id, id))
		.returning({ id: workshopTemplate.id });
	return deleted.length > 0;
}
