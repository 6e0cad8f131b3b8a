/** How far each team has come with the pre-work, as counts that name nobody. */
import { eq, sql } from 'drizzle-orm';
import { db } from '../db';
import { participant, preworkInvite, preworkPrompt } from '../db/schema';
import { presentIn } from '../present';
import * as workshops from '../workshops';

export interface TeamCompletion {
	teamId: string;
	name: string;
	colour: string;
	/** People of the team in the workshop (admitted, not removed). */
	people: number;
	/** Of them, how many answered every question, and how many some. */
	answeredAll: number;
	answeredSome: number;
}

/** Completion per team, as counts: nobody's name, so nobody is singled out. */
export async function completion(workshopId: string): Promise<{
	teams: TeamCompletion[];
	prompts: number;
	invited: number;
	invitedNotOpened: number;
}> {
	const [teamRows, promptRows, people, invites] = await Promise.all([
		workshops.teams(workshopId),
		db()
			.select({ id: preworkPrompt.id })
			.from(preworkPrompt)
			.where(eq(preworkPrompt.workshopId, workshopId)),
		db()
			.select({
				teamId: participant.teamId,
				answers: sql<number>`(select count(*)::int from "prework_answer" a where a."participant_id" = "participant"."id")`
			})
			.from(participant)
			.where(presentIn(workshopId)),
		db()
			.select({ participantId: preworkInvite.participantId })
			.from(preworkInvite)
			.where(eq(preworkInvite.workshopId, workshopId))
	]);
	const total = promptRows.length;
	return {
		prompts: total,
		invited: invites.length,
		invitedNotOpened: invites.filter((i) => i.participantId === null).length,
		teams: teamRows.map((t) => {
			const own = people.filter((p) => p.teamId === t.id);
			return {
				teamId: t.id,
				name: t.name,
				colour: t.colour,
				people: own.length,
				answeredAll: own.filter((p) => total > 0 && p.answers >= total).length,
				answeredSome: own.filter((p) => p.answers > 0 && p.answers < total).length
			};
		})
	};
}
