import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	account: locals.account ? { name: locals.account.account.name } : null,
	participantWorkshopId: locals.participant?.participant.workshopId ?? null,
	leader: locals.leader
		? { name: locals.leader.invite.name, workshopId: locals.leader.invite.workshopId }
		: null
});
