import * as v from 'valibot';
import * as crmEvidence from '$lib/server/crm-evidence';
import { invalid } from '$lib/server/forms';
import { requireOwnedWorkshop } from '$lib/server/guards';
import { failRefusal, throwRefusal } from '$lib/server/refusals';
import * as reviews from '$lib/server/reviews';
import { parseForm } from '$lib/schemas/forms';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** requireOwnedWorkshop refuses a role without charter.manage (requireAccount) with a 403. */
async function requireManager(event: RequestEvent) {
	const owned = await requireOwnedWorkshop(event, event.params.id, 'charter.manage');
	return { ...owned, label: `Facilitator ${owned.actor.account.name}` };
}

const markForm = v.object({
	clauseId: v.pipe(v.string(), v.minLength(1, 'Say which clause.')),
	proposedText: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'Write the wording the room proposes for this clause.'),
		v.maxLength(2000, 'A clause holds at most 2,000 characters.')
	)
});
const versionForm = v.object({
	versionId: v.pipe(v.string(), v.minLength(1, 'Say which version.'))
});

export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireManager(event);
	let review;
	try {
		review = await reviews.get(workshop.id, event.params.reviewId);
	} catch (e) {
		throwRefusal(e);
	}
	// The actuals come as on the charter's "Measures since signing": the values recorded by
	// hand (reviews.get reads charters.followUp) and the CRM evidence's lines, when uploaded.
	const evidence = await crmEvidence.pageData(workshop.id);
	return {
		workshop: { id: workshop.id, title: workshop.title },
		session: {
			id: review.session.id,
			number: review.session.number,
			status: review.session.status,
			period: review.session.period,
			startedAt: review.session.startedAt.toISOString()
		},
		version: { id: review.version.id, number: review.version.number },
		isCurrentVersion: review.isCurrentVersion,
		clauses: review.clauses,
		measures: review.measures,
		evidence: evidence && { lines: evidence.lines, judgedWith: evidence.judgedWith }
	};
};

export const actions: Actions = {
	close: async (event) => {
		const { workshop } = await requireManager(event);
		try {
			await reviews.close(workshop.id, event.params.reviewId);
		} catch (e) {
			return failRefusal(e, 'close');
		}
		return { closed: true };
	},

	mark: async (event) => {
		const { workshop } = await requireManager(event);
		const parsed = parseForm(markForm, await event.request.formData(), [
			'clauseId',
			'proposedText'
		]);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		try {
			await reviews.mark(
				workshop.id,
				event.params.reviewId,
				parsed.data.clauseId,
				parsed.data.proposedText
			);
		} catch (e) {
			return failRefusal(e, 'proposedText', parsed.data);
		}
		return { marked: parsed.data.clauseId };
	},

	amend: async (event) => {
		const { workshop, label } = await requireManager(event);
		const parsed = parseForm(versionForm, await event.request.formData(), ['versionId']);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		try {
			const { published } = await reviews.amend(
				workshop.id,
				event.params.reviewId,
				{ versionId: parsed.data.versionId, publish: true },
				label
			);
			return { published: published && { number: published.number, id: published.id } };
		} catch (e) {
			return failRefusal(e, 'amend');
		}
	}
};
