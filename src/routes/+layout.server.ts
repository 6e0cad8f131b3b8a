import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	account: locals.account ? { name: locals.account.account.name } : null,
	participantWorkshopId: locals.participant?.participant.workshopId ?? null
});
