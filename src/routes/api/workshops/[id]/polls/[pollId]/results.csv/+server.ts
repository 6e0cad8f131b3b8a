import { requireMember } from '$lib/server/api';
import * as polls from '$lib/server/polls';
import { throwRefusal } from '$lib/server/refusals';
import type { RequestHandler } from './$types';

/** A revealed result as CSV: the aggregated counts shown on screen, nothing per person. */
export const GET: RequestHandler = async (event) => {
	await requireMember(event, event.params.id);
	try {
		const { filename, body } = await polls.resultCsv(event.params.id, event.params.pollId);
		return new Response(body, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${filename}"`
			}
		});
	} catch (e) {
		throwRefusal(e);
	}
};
