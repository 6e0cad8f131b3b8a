import { requireOwnedWorkshop } from '$lib/server/guards';
import * as live from '$lib/server/live';
import * as runSheet from '$lib/server/run-sheet';
import type { RequestHandler } from './$types';

/** The timing report as CSV: planned against actual per stage. The notes are not in it. */
export const GET: RequestHandler = async (event) => {
	const { workshop } = await requireOwnedWorkshop(event, event.params.id);
	const { view } = await runSheet.load(workshop.id, (await live.state(workshop.id)).stageKey);
	const slug = workshop.title
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	return new Response(runSheet.timingCsv(view), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="timing-${slug || 'workshop'}.csv"`
		}
	});
};
