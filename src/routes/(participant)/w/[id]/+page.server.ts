import { error, redirect } from '@sveltejs/kit';
import { and, eq } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { stageDone } from '$lib/server/db/schema';
import { requireJoinedOf } from '$lib/server/guards';
import * as live from '$lib/server/live';
import * as participants from '$lib/server/participants';
import * as prework from '$lib/server/prework';
import * as workshops from '$lib/server/workshops';
import type { PageServerLoad } from './$types';
import * as brand from '$lib/server/brand';

/**
 * The live room runs on the room document; this gives it what the first paint needs before
 * the room has synced (who I am, the teams and stages as the database has them, who is here),
 * and what the room does not carry: the stages this participant has said they are done with
 * (the room only holds counts per team, never who).
 */
export const load: PageServerLoad = async (event) => {
	const actor = requireJoinedOf(event, event.params.id);
	// Until the facilitator lets them in, they see the waiting screen and nothing of the room.
	if (!actor.participant.isAdmitted) redirect(303, `/w/${event.params.id}/waiting`);
	const workshop = await workshops.get(event.params.id);
	if (!workshop) error(404, 'This workshop no longer exists.');
	const [present, agenda, doneRows, preworkStatus] = await Promise.all([
		participants.listPresent(workshop.id),
		live.agenda(workshop.id),
		db()
			.select({ stageKey: stageDone.stageKey })
			.from(stageDone)
			.where(
				and(
					eq(stageDone.workshopId, workshop.id),
					eq(stageDone.participantId, actor.participant.id)
				)
			),
		prework.status(workshop.id)
	]);
	return {
		brand: await brand.forWorkshop(workshop.id),
		workshop: {
			id: workshop.id,
			title: workshop.title,
			clientOrganisation: workshop.clientOrganisation
		},
		me: {
			id: actor.participant.id,
			displayName: actor.participant.displayName,
			teamId: actor.participant.teamId,
			teamName: actor.participant.teamName
		},
		teams: agenda.teams,
		stages: agenda.stages,
		present: present.map((p) => ({
			id: p.id,
			displayName: p.displayName,
			teamId: p.teamId
		})),
		doneStages: doneRows.map((r) => r.stageKey),
		isPreworkOpen: preworkStatus === 'open'
	};
};
