/**
 * Keeping the boards in step with the team list (see src/lib/collab/team-slots.ts). The form
 * actions that add, rename or remove a team call these after the database has the change:
 * renaming needs nothing here (boards name teams by id; every screen takes the name from the
 * room's agenda), adding gives every term room for the new team's wording at once, on the
 * boards in use and on every stage board, and removing is refused while the team has work on
 * a board.
 *
 * Why refuse rather than remove the work, or keep it under a team that no longer exists: a
 * wording or a card people wrote is what the charter is made from, and a team that is gone
 * has no name, no colour and no column on any screen, phone, projector, console, balance
 * meter or charter, so its words would be there and shown nowhere. Keeping the team (and
 * renaming it, if its name no longer fits) keeps every one of those readers simple and the
 * work visible.
 */
import { stageDocName, teamDocName } from '../collab/doc-names';
import { addMissingSlots, dropEmptySlots, workOf } from '../collab/team-slots';
import * as rooms from './rooms';
import * as stages from './stages';
import * as workshops from './workshops';

/**
 * Fits the workshop's boards to its teams as they are now: every term gets a wording and
 * fields for every team, and the empty ones of a team just removed (`removedTeamId`) go.
 * Stage boards are fitted wherever they are stored; private team boards if this instance
 * holds them (any other is fitted when it is next loaded).
 */
export async function fitToTeams(workshopId: string, removedTeamId?: string): Promise<void> {
	const [stageRows, teamRows] = await Promise.all([
		stages.list(workshopId),
		workshops.teams(workshopId)
	]);
	const teamIds = teamRows.map((t) => t.id);
	const names = new Set([
		...stageRows.map((s) => stageDocName(workshopId, s.key)),
		...rooms.loaded(workshopId).filter((name) => name.includes('/stage/'))
	]);
	for (const name of names) {
		await rooms.change(name, (doc) => {
			addMissingSlots(doc, teamIds);
			if (removedTeamId) dropEmptySlots(doc, removedTeamId);
		});
	}
}

/**
 * What the team has on the workshop's boards, stage by stage (shared boards and the private
 * boards of every team), in words for the facilitator; empty when it has nothing.
 */
export async function describeWork(workshopId: string, teamId: string): Promise<string[]> {
	const [stageRows, teamRows, existing] = await Promise.all([
		stages.list(workshopId),
		workshops.teams(workshopId),
		rooms.existing(workshopId)
	]);
	const works = await Promise.all(
		stageRows.map(async (stage) => {
			// Private boards are read only where one was ever written on.
			const names = [
				stageDocName(workshopId, stage.key),
				...teamRows
					.map((t) => teamDocName(workshopId, stage.key, t.id))
					.filter((name) => existing.includes(name))
			];
			const found = await Promise.all(
				names.map((name) => rooms.read(name, (doc) => workOf(doc, teamId)))
			);
			return {
				stage,
				cards: found.flatMap((w) => w.cardIds),
				terms: found.flatMap((w) => w.terms)
			};
		})
	);
	const parts: string[] = [];
	for (const { stage, cards, terms } of works) {
		const cardCount = new Set(cards).size;
		const termNames = [...new Set(terms)];
		const found: string[] = [];
		if (cardCount) found.push(`${cardCount} card${cardCount === 1 ? '' : 's'}`);
		if (termNames.length) {
			const named =
				termNames.length === 1
					? termNames[0]
					: `${termNames.slice(0, -1).join(', ')} and ${termNames.at(-1)}`;
			found.push(`its wording${termNames.length === 1 ? '' : 's'} of ${named}`);
		}
		if (found.length) parts.push(`${found.join(' and ')} on ${stage.title}`);
	}
	return parts;
}
