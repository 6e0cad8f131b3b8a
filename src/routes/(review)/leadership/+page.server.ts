import { error } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import * as leaders from '$lib/server/leaders';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const leader = locals.leader;
	if (!leader) error(401, 'Open the personal review link from your invitation first.');
	if (!can(leader.role, 'charter.read')) error(403, 'Your review link does not allow this.');
	const charters = await leaders.overview(leader);
	return {
		leader: { name: leader.invite.name, title: leader.invite.title },
		charters: charters.map((c) => ({
			...c,
			followUp: c.followUp && {
				versionNumber: c.followUp.version.number,
				nextReview: c.followUp.nextReview,
				measures: c.followUp.measures
			}
		}))
	};
};
