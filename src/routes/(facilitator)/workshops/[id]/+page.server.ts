import QRCode from 'qrcode';
import { requireOwnedWorkshop } from '$lib/server/guards';
import * as participants from '$lib/server/participants';
import { publicOrigin } from '$lib/server/origin';
import * as rooms from '$lib/server/rooms';
import * as stages from '$lib/server/stages';
import * as workshops from '$lib/server/workshops';
import { invalid } from '$lib/server/forms';
import { parseForm } from '$lib/schemas/forms';
import {
	addStageFields,
	addStageSchema,
	moveStageFields,
	moveStageSchema,
	stageKeyFields,
	stageKeySchema,
	updateStageFields,
	updateStageSchema
} from '$lib/schemas/stages';
import { MAX_STAGES } from '$lib/domain/stages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireOwnedWorkshop(event, event.params.id);
	const joinUrl = `${publicOrigin(event.url)}/j/${workshop.joinCode}`;
	const [teams, present, stageList, qrSvg] = await Promise.all([
		workshops.teams(workshop.id),
		participants.listPresent(workshop.id),
		stages.list(workshop.id),
		QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
	]);
	return { workshop, teams, participants: present, stages: stageList, joinUrl, qrSvg };
};

export const actions: Actions = {
	removeParticipant: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const participantId = (await event.request.formData()).get('participantId');
		if (typeof participantId !== 'string' || !participantId) {
			return invalid(400, { participantId: 'Say which participant to remove.' });
		}
		const removed = await participants.remove(workshop.id, participantId);
		if (!removed)
			return invalid(404, { participantId: 'That participant is not in this workshop.' });
		// Their open boards close now, not at the next periodic session check.
		rooms.disconnectParticipant(participantId);
		return { message: 'Participant removed; their session has ended.' };
	},

	updateStage: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const parsed = parseForm(updateStageSchema, await event.request.formData(), updateStageFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const { stageKey, ...changes } = parsed.data;
		if (!(await stages.update(workshop.id, stageKey, changes))) {
			return invalid(404, { stageKey: 'This workshop has no such stage.' });
		}
		return { message: `Saved “${changes.title}”.` };
	},

	addStage: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const parsed = parseForm(addStageSchema, await event.request.formData(), addStageFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		if ((await stages.list(workshop.id)).length >= MAX_STAGES) {
			return invalid(400, { title: `A workshop has at most ${MAX_STAGES} stages.` });
		}
		const added = await stages.add(workshop.id, parsed.data);
		return { message: `Added “${added.title}”.` };
	},

	moveStage: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const parsed = parseForm(moveStageSchema, await event.request.formData(), moveStageFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		if (!(await stages.move(workshop.id, parsed.data.stageKey, parsed.data.to))) {
			return invalid(400, { to: 'That stage cannot move to that position.' });
		}
		return { message: 'Order saved.' };
	},

	removeStage: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const parsed = parseForm(stageKeySchema, await event.request.formData(), stageKeyFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		if (!(await stages.remove(workshop.id, parsed.data.stageKey))) {
			return invalid(404, { stageKey: 'This workshop has no such stage.' });
		}
		return { message: 'Stage removed.' };
	}
};
