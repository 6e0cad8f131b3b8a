import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import * as charters from '$lib/server/charter';
import { invalid } from '$lib/server/forms';
import { requireOwnedWorkshop } from '$lib/server/guards';
import { failRefusal } from '$lib/server/refusals';
import * as clock from '$lib/server/clock';
import * as learning from '$lib/server/learning';
import { acceptAction, proposeAction, takeawaysAction } from '$lib/server/learning-forms';
import * as reviews from '$lib/server/reviews';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { calendarDate } from '$lib/schemas/reviews';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** requireOwnedWorkshop refuses a role without charter.manage (requireAccount) with a 403. */
async function requireManager(event: RequestEvent) {
	const owned = await requireOwnedWorkshop(event, event.params.id, 'charter.manage');
	return { ...owned, label: `Facilitator ${owned.actor.account.name}` };
}

const dateForm = v.object({ date: calendarDate('the next review date') });

export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireManager(event);
	const [list, current, signed, nextReview, items, teams] = await Promise.all([
		reviews.list(workshop.id),
		charters.current(workshop.id),
		charters.latestSigned(workshop.id),
		reviews.nextReview(workshop.id),
		learning.agenda(workshop.id),
		workshops.teams(workshop.id)
	]);
	return {
		workshop: { id: workshop.id, title: workshop.title },
		reviews: list.map((r) => ({
			id: r.id,
			number: r.number,
			status: r.status,
			startedAt: r.startedAt.toISOString()
		})),
		isSigned: !!current && signed?.id === current.id,
		clauses:
			current && signed?.id === current.id
				? current.content.sections.flatMap((s) =>
						s.items.map((i) => ({ id: i.id, text: i.text, section: s.title }))
					)
				: [],
		nextReview,
		isReviewDue: reviews.isDue(nextReview),
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		learning: items,
		today: clock.today()
	};
};

export const actions: Actions = {
	start: async (event) => {
		const { workshop } = await requireManager(event);
		const clauseIds = (await event.request.formData())
			.getAll('clauseId')
			.filter((c): c is string => typeof c === 'string');
		if (clauseIds.length === 0) {
			return invalid(400, { start: 'Choose at least one clause to pulse.' });
		}
		let id: string;
		try {
			id = (await reviews.start(workshop.id, { clauseIds })).id;
		} catch (e) {
			return failRefusal(e, 'start');
		}
		redirect(303, `/workshops/${workshop.id}/reviews/${id}`);
	},

	setDate: async (event) => {
		const { workshop } = await requireManager(event);
		const parsed = parseForm(dateForm, await event.request.formData(), ['date']);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		try {
			await reviews.setNextReview(workshop.id, parsed.data.date);
		} catch (e) {
			return failRefusal(e, 'date', { date: parsed.data.date });
		}
		return { dateSet: parsed.data.date };
	},

	proposeItem: async (event) => {
		const { workshop, label } = await requireManager(event);
		return proposeAction(event.request, workshop.id, { label, isAccepted: true });
	},

	acceptItem: async (event) => {
		const { workshop } = await requireManager(event);
		return acceptAction(event.request, workshop.id);
	},

	recordTakeaways: async (event) => {
		const { workshop } = await requireManager(event);
		return takeawaysAction(event.request, workshop.id);
	}
};
