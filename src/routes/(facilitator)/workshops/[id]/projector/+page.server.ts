import { requireOwnedWorkshop } from '$lib/server/guards';
import { roomSnapshot } from '$lib/server/room-snapshot';
import { joinLink } from '$lib/server/origin';
import * as rooms from '$lib/server/rooms';
import * as stages from '$lib/server/stages';
import * as workshops from '$lib/server/workshops';
import type { PageServerLoad } from './$types';
import * as brand from '$lib/server/brand';

/**
 * The projector follows the room document; this adds the join details (made here, like the
 * workshop page's, so the QR code never depends on a script in the browser) and the agenda
 * and the room as they are now, for the moments before the room's connection has synced.
 */
export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireOwnedWorkshop(event, event.params.id);
	const [teamRows, stageRows, room, { joinUrl, qrSvg }] = await Promise.all([
		workshops.teams(workshop.id),
		stages.list(workshop.id),
		roomSnapshot(workshop.id),
		joinLink(event.url, workshop.joinCode)
	]);
	return {
		brand: await brand.forWorkshop(workshop.id),
		workshop: {
			id: workshop.id,
			title: workshop.title,
			clientOrganisation: workshop.clientOrganisation,
			joinCode: workshop.joinCode
		},
		joinUrl,
		/** The link as people type it: no scheme. */
		shortLink: joinUrl.replace(/^https?:\/\//, ''),
		qrSvg,
		teams: teamRows.map((t) => ({ id: t.id, name: t.name, colour: t.colour })),
		stages: stageRows.map((s) => ({ key: s.key, kind: s.kind, title: s.title, prompt: s.prompt })),
		room,
		/** Counts only: the projector shows how many are here per team, never who. */
		hereByTeam: countByTeam(rooms.whoIsHere(workshop.id).participants)
	};
};

function countByTeam(people: ReadonlyArray<{ teamId: string }>): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const p of people) counts[p.teamId] = (counts[p.teamId] ?? 0) + 1;
	return counts;
}
