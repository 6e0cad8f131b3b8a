import { fail } from '@sveltejs/kit';
import QRCode from 'qrcode';
import { requireOwnedWorkshop } from '$lib/server/guards';
import * as participants from '$lib/server/participants';
import { publicOrigin } from '$lib/server/origin';
import * as workshops from '$lib/server/workshops';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireOwnedWorkshop(event, event.params.id);
	const joinUrl = `${publicOrigin(event.url)}/j/${workshop.joinCode}`;
	const [teams, present, qrSvg] = await Promise.all([
		workshops.teams(workshop.id),
		participants.listPresent(workshop.id),
		QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
	]);
	return { workshop, teams, participants: present, joinUrl, qrSvg };
};

export const actions: Actions = {
	removeParticipant: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const participantId = (await event.request.formData()).get('participantId');
		if (typeof participantId !== 'string' || !participantId) {
			return fail(400, { message: 'Say which participant to remove.' });
		}
		const removed = await participants.remove(workshop.id, participantId);
		if (!removed) return fail(404, { message: 'That participant is not in this workshop.' });
		return { message: 'Participant removed; their session has ended.' };
	}
};
