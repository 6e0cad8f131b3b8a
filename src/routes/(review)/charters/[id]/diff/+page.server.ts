import { error } from '@sveltejs/kit';
import { describeChange, diffCharters } from '$lib/domain/charter/diff';
import * as charters from '$lib/server/charter';
import { requireCharterReader } from '$lib/server/charter/guards';
import type { PageServerLoad } from './$types';

/** What changed between any two versions (?from=1&to=2, by number). */
export const load: PageServerLoad = async (event) => {
	await requireCharterReader(event, event.params.id);
	const all = await charters.versions(event.params.id);
	const pick = (name: string, fallback: number) => {
		const asked = event.url.searchParams.get(name);
		const found = all.find((v) => v.number === (asked ? Number(asked) : fallback));
		if (!found) error(404, `This charter has no version ${asked ?? fallback}.`);
		return found;
	};
	const to = pick('to', all.length);
	const from = pick('from', to.number - 1);
	return {
		workshopId: event.params.id,
		from: { number: from.number, hash: from.hash },
		to: { number: to.number, hash: to.hash },
		changes: diffCharters(from.content, to.content).map(describeChange),
		numbers: all.map((v) => v.number)
	};
};
