import { requireOwnedWorkshop } from '$lib/server/guards';
import * as live from '$lib/server/live';
import * as participants from '$lib/server/participants';
import { roomSnapshot } from '$lib/server/room-snapshot';
import * as rooms from '$lib/server/rooms';
import * as runSheet from '$lib/server/run-sheet';
import type { PageServerLoad } from './$types';

/**
 * The console runs on the room document; this gives it the agenda as stored (the room carries
 * one only once everyone was first moved to a stage) and the room and who-is-here as they are
 * now, so the first paint is right while the room connects.
 */
export const load: PageServerLoad = async (event) => {
	const { actor, workshop } = await requireOwnedWorkshop(event, event.params.id);
	const [agenda, room, waiting] = await Promise.all([
		live.agenda(workshop.id),
		roomSnapshot(workshop.id),
		participants.listWaiting(workshop.id)
	]);
	// The run-sheet with the stages' private notes: this page is behind the facilitator guard.
	const sheet = await runSheet.load(workshop.id, room.live.stageKey);
	return {
		workshop: {
			id: workshop.id,
			title: workshop.title,
			clientOrganisation: workshop.clientOrganisation,
			joinCode: workshop.joinCode
		},
		role: actor.role,
		/** Shown to the other consoles of the workshop ("Ana is editing the timer"). */
		me: { name: actor.account.name },
		runSheet: sheet,
		teams: agenda.teams,
		stages: agenda.stages,
		room,
		whoIsHere: rooms.whoIsHere(workshop.id),
		admission: {
			requireAdmission: workshop.requireAdmission,
			waiting: waiting.map((p) => ({ id: p.id, displayName: p.displayName, teamId: p.teamId }))
		}
	};
};
