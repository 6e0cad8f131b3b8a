import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { can } from '$lib/domain/permissions';
import * as charters from '$lib/server/charters';
import { CharterRuleError } from '$lib/server/charters';
import { invalid } from '$lib/server/forms';
import { requireOwnedWorkshop } from '$lib/server/guards';
import * as learning from '$lib/server/learning';
import * as reviews from '$lib/server/reviews';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { calendarDate, learningItemSchema } from '$lib/schemas/reviews';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function requireManager(event: RequestEvent) {
	const owned = await requireOwnedWorkshop(event, event.params.id, 'charter.manage');
	if (!can(owned.actor.role, 'charter.manage')) error(403, 'Your account may not manage charters.');
	return { ...owned, label: `Facilitator ${owned.actor.account.name}` };
}

function refused(e: unknown, field: string, values: Record<string, string> = {}) {
	if (e instanceof CharterRuleError) return invalid(e.status, { [field]: e.message }, values);
	throw e;
}

const dateForm = v.object({ date: calendarDate('the next review date') });
const itemIdForm = v.object({ itemId: v.pipe(v.string(), v.minLength(1, 'Say which item.')) });
const takeawaysForm = v.object({
	itemId: v.pipe(v.string(), v.minLength(1, 'Say which item.')),
	takeaways: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(4000, 'Takeaways hold at most 4,000 characters.')
	)
});
const itemForm = v.pipe(
	v.object({
		title: v.string(),
		kind: v.string(),
		teamId: v.string(),
		owner: v.string(),
		discussOn: v.string()
	}),
	v.transform((f) => ({ ...f, teamId: f.teamId || null })),
	learningItemSchema
);

export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireManager(event);
	const [list, current, signed, nextReview, items, teams] = await Promise.all([
		reviews.list(workshop.id),
		charters.current(workshop.id),
		charters.latestSigned(workshop.id),
		reviews.nextReview(workshop.id),
		learning.list(workshop.id),
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
		learning: items.map((i) => ({
			id: i.id,
			title: i.title,
			kind: i.kind,
			team: teams.find((t) => t.id === i.teamId)?.name ?? null,
			owner: i.ownerName,
			discussOn: i.discussOn,
			takeaways: i.takeaways,
			status: i.status,
			proposedBy: i.proposedBy
		}))
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
			return refused(e, 'start');
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
			return refused(e, 'date', { date: parsed.data.date });
		}
		return { dateSet: parsed.data.date };
	},

	addItem: async (event) => {
		const { workshop, label } = await requireManager(event);
		const fields = ['title', 'kind', 'teamId', 'owner', 'discussOn'];
		const parsed = parseForm(itemForm, await event.request.formData(), fields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		try {
			await learning.propose(workshop.id, parsed.data, { label, isAccepted: true });
		} catch (e) {
			return refused(e, 'discussOn', { ...parsed.data, teamId: parsed.data.teamId ?? '' });
		}
		return { itemAdded: true };
	},

	accept: async (event) => {
		const { workshop } = await requireManager(event);
		const parsed = parseForm(itemIdForm, await event.request.formData(), ['itemId']);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		try {
			await learning.accept(workshop.id, parsed.data.itemId);
		} catch (e) {
			return refused(e, 'learning');
		}
		return { accepted: true };
	},

	takeaways: async (event) => {
		const { workshop } = await requireManager(event);
		const parsed = parseForm(takeawaysForm, await event.request.formData(), [
			'itemId',
			'takeaways'
		]);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		try {
			await learning.recordTakeaways(workshop.id, parsed.data.itemId, parsed.data.takeaways);
		} catch (e) {
			return refused(e, 'learning', parsed.data);
		}
		return { noted: true };
	}
};
