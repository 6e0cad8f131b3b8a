/**
 * The boards a new workshop starts with: its template's terms and journey, or, for a copy, its
 * source's boards as they are now.
 */
import * as Y from 'yjs';
import {
	addCard,
	cardsOf,
	isUnknownItem,
	readCard,
	termText,
	textOf,
	TERM_TEXT,
	textOwner,
	type Card
} from '../../collab/cards';
import { stageDocName } from '../../collab/doc-names';
import type { TemplateContent } from '../../domain/template-library';
import { newId } from '../ids';
import * as rooms from '../rooms';
import * as stages from '../stages';
import * as workshops from '../workshops';

/**
 * The template's starting content (the terms, the lead journey), written once when a workshop
 * is created so the facilitator can edit it before the session. Each stage of the workshop
 * takes what the template's stage of the same key holds; a term's draft fills its merged
 * wording, and a step's owner is the workshop's team of that name.
 */
export async function prefill(workshopId: string, template: TemplateContent): Promise<void> {
	const [stageRows, teamRows] = await Promise.all([
		stages.list(workshopId),
		workshops.teams(workshopId)
	]);
	const teamIds = teamRows.map((t) => t.id);
	const teamByName = new Map(teamRows.map((t) => [t.name.toLowerCase(), t.id]));
	for (const stage of stageRows) {
		const source = template.stages.find((s) => s.key === stage.key);
		const items: Card[] = [];
		const drafts = new Map<string, string>();
		const now = Date.now();
		if (stage.kind === 'shared-terms') {
			(source?.terms ?? []).forEach((term, position) => {
				const id = newId();
				if (term.draft) drafts.set(id, term.draft);
				items.push({
					id,
					type: 'term',
					text: term.name,
					hint: term.hint,
					valueType: term.valueType,
					value: term.value,
					teamId: null,
					createdAt: now,
					position
				});
			});
		}
		if (stage.kind === 'connections') {
			(source?.journey ?? []).forEach((step, position) =>
				items.push({
					id: newId(),
					type: 'step',
					text: step.step,
					ownerTeamId: teamByName.get(step.owner.toLowerCase()) ?? null,
					system: step.system,
					slaHours: step.slaHours,
					broken: null,
					isReturnPath: step.returnPath,
					teamId: null,
					createdAt: now,
					position
				})
			);
		}
		if (items.length === 0) continue;
		await rooms.change(stageDocName(workshopId, stage.key), (doc: Y.Doc) => {
			for (const item of items) addCard(doc, item, teamIds);
			for (const [id, draft] of drafts) termText(doc, id, TERM_TEXT.merged)?.insert(0, draft);
		});
	}
}

/**
 * A copied workshop starts with the boards of its source, as they are now. Its teams are new
 * ones, made in the source's order (workshops.copySource), so every team a card names (who
 * wrote it, owns it, is its subject) and every team's wording is carried to the copy's team
 * in the same place; a term gets its texts for every team of the copy.
 */
export async function copy(sourceWorkshopId: string, targetWorkshopId: string): Promise<void> {
	const [sourceTeams, targetTeams] = await Promise.all([
		workshops.teams(sourceWorkshopId),
		workshops.teams(targetWorkshopId)
	]);
	const copied = new Map(sourceTeams.map((t, i) => [t.id, targetTeams[i]?.id ?? null]));
	const teamOf = (id: string | null | undefined) => (id ? (copied.get(id) ?? null) : null);
	const teamIds = targetTeams.map((t) => t.id);
	for (const stage of await stages.list(targetWorkshopId)) {
		const items = await rooms.read(stageDocName(sourceWorkshopId, stage.key), (doc) => {
			const found: Array<{ card: Card; texts: Array<[string, string]> }> = [];
			cardsOf(doc).forEach((item, id) => {
				const texts: Array<[string, string]> = [];
				item.forEach((value, key) => {
					if (value instanceof Y.Text) texts.push([key, textOf(value)]);
				});
				const card = readCard(id, item);
				// An item this release cannot read is not copied: it could not be shown there either.
				if (!isUnknownItem(card)) found.push({ card, texts });
			});
			return found;
		});
		await rooms.change(stageDocName(targetWorkshopId, stage.key), (doc) => {
			for (const { card, texts } of items) {
				const moved: Card = { ...card, teamId: teamOf(card.teamId) };
				if (card.ownerTeamId !== undefined) moved.ownerTeamId = teamOf(card.ownerTeamId);
				if (card.aboutTeamId !== undefined) moved.aboutTeamId = teamOf(card.aboutTeamId);
				addCard(doc, moved, teamIds);
				const item = cardsOf(doc).get(card.id)!;
				for (const [key, text] of texts) {
					const owner = textOwner(key);
					const team = owner.kind === 'team' ? teamOf(owner.teamId) : null;
					// A team the copy does not have (more teams in the source): its text stays behind.
					if (owner.kind === 'team' && !team) continue;
					const target = !team
						? key
						: key.startsWith('wording:')
							? TERM_TEXT.wording(team)
							: TERM_TEXT.fields(team);
					if (!text) continue;
					let into = item.get(target);
					if (!(into instanceof Y.Text)) item.set(target, (into = new Y.Text()));
					(into as Y.Text).insert(0, text);
				}
			}
		});
	}
}
