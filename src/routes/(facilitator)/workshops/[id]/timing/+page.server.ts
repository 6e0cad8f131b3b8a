import { requireOwnedWorkshop } from '$lib/server/guards';
import * as live from '$lib/server/live';
import * as runSheet from '$lib/server/run-sheet';
import * as workshopEvents from '$lib/server/workshop-events';
import type { PageServerLoad } from './$types';

/** After the session: planned against actual per stage, and who did what during the run. */
export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireOwnedWorkshop(event, event.params.id);
	const [{ view }, events] = await Promise.all([
		runSheet.load(workshop.id, (await live.state(workshop.id)).stageKey),
		workshopEvents.list(workshop.id)
	]);
	return {
		workshop: { id: workshop.id, title: workshop.title },
		view,
		events: events.map((e) => ({
			actorName: e.actorName,
			said: workshopEvents.describe(e),
			at: e.at.getTime()
		}))
	};
};
