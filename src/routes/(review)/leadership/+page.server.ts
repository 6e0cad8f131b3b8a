import { error, redirect } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import { isSecureRequest, sessionCookieName, sessionCookieOptions } from '$lib/server/auth/cookies';
import { invalid } from '$lib/server/forms';
import * as crmEvidence from '$lib/server/crm-evidence';
import * as leaders from '$lib/server/charter/leaders';
import * as learning from '$lib/server/learning';
import { failRefusal } from '$lib/server/refusals';
import * as reviews from '$lib/server/reviews';
import { openCharterSchema } from '$lib/schemas/charter';
import { parseForm } from '$lib/schemas/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const leader = locals.leader;
	if (!leader) error(401, 'Open the personal review link from your invitation first.');
	if (!can(leader.role, 'charter.read')) error(403, 'Your review link does not allow this.');
	const charters = await leaders.overview(leader);
	return {
		leader: { name: leader.invite.name, title: leader.invite.title },
		charters: await Promise.all(
			charters.map(async (c) => {
				const nextReview = await reviews.nextReview(c.workshopId);
				return {
					...c,
					followUp: c.followUp && {
						versionNumber: c.followUp.version.number,
						nextReview,
						isReviewDue: reviews.isDue(nextReview),
						measures: c.followUp.measures
					},
					evidence: c.followUp ? await crmEvidence.pageData(c.workshopId) : null,
					health: await reviews.health(c.workshopId),
					learning: await learning.agenda(c.workshopId)
				};
			})
		)
	};
};

export const actions: Actions = {
	/** Opens another charter of the overview: only one whose link this browser opened. */
	open: async ({ locals, request, cookies, url }) => {
		const leader = locals.leader;
		if (!leader) error(401, 'Open the personal review link from your invitation first.');
		if (!can(leader.role, 'charter.read')) error(403, 'Your review link does not allow this.');
		const parsed = parseForm(openCharterSchema, await request.formData(), ['workshopId']);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		let opened: { token: string; expiresAt: Date };
		try {
			opened = await leaders.switchTo(leader, parsed.data.workshopId);
		} catch (e) {
			return failRefusal(e, 'form', { ...parsed.data });
		}
		const isSecure = isSecureRequest(url);
		cookies.set(
			sessionCookieName('leader', isSecure),
			opened.token,
			sessionCookieOptions(opened.expiresAt, isSecure)
		);
		redirect(303, `/charters/${parsed.data.workshopId}`);
	}
};
