import { error, fail, redirect } from '@sveltejs/kit';
import { requireJoinedOf, requireParticipantOf } from '$lib/server/guards';
import * as prework from '$lib/server/prework';
import { failRefusal } from '$lib/server/refusals';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { preworkAnswerFields, preworkAnswerSchema } from '$lib/schemas/prework';
import type { Actions, PageServerLoad } from './$types';

/** The pre-work on a phone: the questions, this person's own answers, and a form for each. */
export const load: PageServerLoad = async (event) => {
	const actor = requireJoinedOf(event, event.params.id);
	if (!actor.participant.isAdmitted) redirect(303, `/w/${event.params.id}/waiting`);
	const workshop = await workshops.get(event.params.id);
	if (!workshop) error(404, 'This workshop no longer exists.');
	const [status, prompts, answers] = await Promise.all([
		prework.status(workshop.id),
		prework.prompts(workshop.id),
		prework.answersOf({
			participantId: actor.participant.id,
			workshopId: workshop.id,
			teamId: actor.participant.teamId
		})
	]);
	return {
		workshop: { id: workshop.id, title: workshop.title },
		me: { displayName: actor.participant.displayName, teamName: actor.participant.teamName },
		status,
		prompts,
		answers
	};
};

export const actions: Actions = {
	/** Saves one answer. A refusal sends the typed text back, so the phone keeps it. */
	answer: async (event) => {
		const actor = requireParticipantOf(event, event.params.id);
		const parsed = parseForm(preworkAnswerSchema, await event.request.formData(), [
			...preworkAnswerFields
		]);
		if (!parsed.ok) {
			return fail(400, {
				promptId: parsed.values.promptId ?? '',
				text: parsed.values.text ?? '',
				message: Object.values(parsed.errors)[0] ?? 'Check your answer.'
			});
		}
		try {
			await prework.answer(
				{
					participantId: actor.participant.id,
					workshopId: event.params.id,
					teamId: actor.participant.teamId
				},
				parsed.data.promptId,
				parsed.data.text
			);
		} catch (e) {
			return failRefusal(e, (refused) => ({
				promptId: parsed.data.promptId,
				text: parsed.data.text,
				message: refused.message
			}));
		}
		return { promptId: parsed.data.promptId, saved: true };
	}
};
