import { redirect } from '@sveltejs/kit';
import type * as v from 'valibot';
import { requireOwnedWorkshop } from '$lib/server/guards';
import * as live from '$lib/server/live';
import * as participants from '$lib/server/participants';
import { joinLink } from '$lib/server/origin';
import * as rooms from '$lib/server/rooms';
import * as stages from '$lib/server/stages';
import * as teamBoards from '$lib/server/team-boards';
import * as workshops from '$lib/server/workshops';
import { invalid, withForm } from '$lib/server/forms';
import { formValues, parseForm } from '$lib/schemas/forms';
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
import {
	addTeamFields,
	addTeamSchema,
	deleteWorkshopFields,
	deleteWorkshopSchema,
	MAX_TEAMS,
	moveParticipantFields,
	moveParticipantSchema,
	renameParticipantFields,
	renameParticipantSchema,
	teamIdFields,
	teamIdSchema,
	updateTeamFields,
	updateTeamSchema
} from '$lib/schemas/teams';
import { MAX_STAGES } from '$lib/domain/stages';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

type OwnedWorkshop = Awaited<ReturnType<typeof requireOwnedWorkshop>>['workshop'];

/** What each refused team change says, and next to which field. */
function teamRefusal(
	reason: workshops.TeamRefusal,
	values: Record<string, string>
): ReturnType<typeof invalid> {
	switch (reason) {
		case 'unknown-team':
			return invalid(404, { teamId: 'This workshop has no such team.' }, values);
		case 'duplicate-name':
			return invalid(409, { name: 'Another team of this workshop has that name.' }, values);
		case 'too-many':
			return invalid(400, { name: `A workshop has at most ${MAX_TEAMS} teams.` }, values);
		case 'has-participants':
			return invalid(
				409,
				{ teamId: 'Move or remove the people in this team before removing it.' },
				values
			);
	}
}

/**
 * An action on one person, named by the form's `participantId`: `act` answers whether this
 * workshop had them to act on (a count of none, or false, is a 404 with `unknown`).
 */
function onParticipant(
	act: (workshopId: string, participantId: string) => Promise<boolean | number>,
	words: { missing: string; unknown: string; done: string }
) {
	return async (event: RequestEvent) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const { participantId } = formValues(await event.request.formData(), ['participantId']);
		if (!participantId) return invalid(400, { participantId: words.missing });
		if (!(await act(workshop.id, participantId))) {
			return invalid(404, { participantId: words.unknown });
		}
		return { message: words.done };
	};
}

/**
 * An action whose form `schema` reads: a form it refuses is answered with a 400 beside the
 * fields, before `act` runs with the facilitator's workshop and the values read.
 */
function onForm<TSchema extends v.GenericSchema<Record<string, string>, unknown>, TResult>(
	schema: TSchema,
	fields: readonly string[],
	act: (workshop: OwnedWorkshop, data: v.InferOutput<TSchema>) => Promise<TResult>
) {
	return async (event: RequestEvent) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		return withForm(event.request, schema, fields, (data) => act(workshop, data));
	};
}

export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireOwnedWorkshop(event, event.params.id);
	const [teams, present, waiting, removed, stageList, { joinUrl, qrSvg }] = await Promise.all([
		workshops.teams(workshop.id),
		participants.listPresent(workshop.id),
		participants.listWaiting(workshop.id),
		participants.listRemoved(workshop.id),
		stages.list(workshop.id),
		joinLink(event.url, workshop.joinCode)
	]);
	return {
		workshop,
		teams,
		participants: present,
		waiting,
		removed,
		stages: stageList,
		joinUrl,
		qrSvg
	};
};

export const actions: Actions = {
	removeParticipant: onParticipant(
		async (workshopId, participantId) => {
			const removed = await participants.remove(workshopId, participantId);
			// Their open boards close now, not at the next periodic session check.
			if (removed) rooms.disconnectParticipant(participantId);
			return removed;
		},
		{
			missing: 'Say which participant to remove.',
			unknown: 'That participant is not in this workshop.',
			done: 'Participant removed; their session has ended.'
		}
	),

	requireAdmission: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const value = (await event.request.formData()).get('required');
		if (value !== 'true' && value !== 'false') {
			return invalid(400, { required: 'Say whether joiners must be let in (true or false).' });
		}
		const required = value === 'true';
		await workshops.setRequireAdmission(workshop.id, required);
		if (required) return { message: 'New joiners now wait until you let them in.' };
		// Anyone waiting could join again without waiting now; they are let in instead.
		const admitted = await participants.admit(workshop.id);
		return {
			message: `New joiners come straight in${admitted ? `; ${admitted} waiting let in` : ''}.`
		};
	},

	admit: onParticipant(participants.admit, {
		missing: 'Say whom to let in.',
		unknown: 'Nobody of that id is waiting to join this workshop.',
		done: 'Let in.'
	}),

	admitAll: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const admitted = await participants.admit(workshop.id);
		return { message: admitted ? `Let in ${admitted} waiting.` : 'Nobody was waiting.' };
	},

	refuse: onParticipant(participants.refuse, {
		missing: 'Say whom to refuse.',
		unknown: 'Nobody of that id is waiting to join this workshop.',
		done: 'Refused: that device and name stay out until you let them back in.'
	}),

	letBackIn: onParticipant(participants.letBackIn, {
		missing: 'Say whom to let back in.',
		unknown: 'Nobody of that id was removed from this workshop.',
		done: 'Let back in: they can rejoin with the code or link.'
	}),

	updateStage: onForm(updateStageSchema, updateStageFields, async (workshop, data) => {
		const { stageKey, ...changes } = data;
		if (!(await stages.update(workshop.id, stageKey, changes))) {
			return invalid(404, { stageKey: 'This workshop has no such stage.' });
		}
		return { message: `Saved “${changes.title}”.` };
	}),

	addStage: onForm(addStageSchema, addStageFields, async (workshop, data) => {
		if ((await stages.list(workshop.id)).length >= MAX_STAGES) {
			return invalid(400, { title: `A workshop has at most ${MAX_STAGES} stages.` });
		}
		const added = await stages.add(workshop.id, data);
		return { message: `Added “${added.title}”.` };
	}),

	moveStage: onForm(moveStageSchema, moveStageFields, async (workshop, data) => {
		if (!(await stages.move(workshop.id, data.stageKey, data.to))) {
			return invalid(400, { to: 'That stage cannot move to that position.' });
		}
		return { message: 'Order saved.' };
	}),

	removeStage: onForm(stageKeySchema, stageKeyFields, async (workshop, data) => {
		if (!(await stages.remove(workshop.id, data.stageKey))) {
			return invalid(404, { stageKey: 'This workshop has no such stage.' });
		}
		return { message: 'Stage removed.' };
	}),

	addTeam: onForm(addTeamSchema, addTeamFields, async (workshop, data) => {
		const added = await workshops.addTeam(workshop.id, data, MAX_TEAMS);
		if (!added.ok) return teamRefusal(added.reason, data);
		// Every term gets room for the new team's wording before the team shows on any screen.
		await teamBoards.fitToTeams(workshop.id);
		await live.publishAgenda(workshop.id);
		return { message: `Added the team “${added.team.name}”.` };
	}),

	updateTeam: onForm(updateTeamSchema, updateTeamFields, async (workshop, data) => {
		const { teamId, ...changes } = data;
		const updated = await workshops.updateTeam(workshop.id, teamId, changes);
		if (!updated.ok) return teamRefusal(updated.reason, data);
		await live.publishAgenda(workshop.id);
		return { message: `Saved the team “${updated.team.name}”.` };
	}),

	removeTeam: onForm(teamIdSchema, teamIdFields, async (workshop, data) => {
		const { teamId } = data;
		const found = (await workshops.teams(workshop.id)).find((t) => t.id === teamId);
		if (!found) return teamRefusal('unknown-team', data);
		const work = await teamBoards.describeWork(workshop.id, teamId);
		if (work.length > 0) {
			return invalid(
				409,
				{
					teamId: `${found.name} has work on the boards: ${work.join('; ')}. Removing the team would leave that work without a team, so it stays. Rename it if its name no longer fits.`
				},
				data
			);
		}
		const removed = await workshops.removeTeam(workshop.id, teamId);
		if (!removed.ok) return teamRefusal(removed.reason, data);
		await teamBoards.fitToTeams(workshop.id, teamId);
		await live.publishAgenda(workshop.id);
		return { message: `Removed the team “${removed.team.name}”.` };
	}),

	renameParticipant: onForm(
		renameParticipantSchema,
		renameParticipantFields,
		async (workshop, data) => {
			const { participantId, displayName } = data;
			if (!(await participants.rename(workshop.id, participantId, displayName))) {
				return invalid(404, { participantId: 'That participant is not in this workshop.' }, data);
			}
			await live.publishAgenda(workshop.id);
			return { message: `Renamed to “${displayName}”.` };
		}
	),

	moveParticipant: onForm(moveParticipantSchema, moveParticipantFields, async (workshop, data) => {
		const moved = await participants.move(workshop.id, data.participantId, data.teamId);
		if (moved === 'unknown-team') {
			return invalid(400, { teamId: 'Pick one of this workshop’s teams.' }, data);
		}
		if (moved === 'unknown-participant') {
			return invalid(404, { participantId: 'That participant is not in this workshop.' }, data);
		}
		rooms.reconnectParticipant(data.participantId);
		await live.publishAgenda(workshop.id);
		return { message: 'Participant moved.' };
	}),

	archive: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id, 'workshop.remove');
		await workshops.setArchived(workshop.id, true);
		return { message: 'Workshop archived: its join link no longer takes participants.' };
	},

	unarchive: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id, 'workshop.remove');
		await workshops.setArchived(workshop.id, false);
		return { message: 'Workshop taken out of the archive: participants can join again.' };
	},

	deleteWorkshop: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id, 'workshop.remove');
		const form = await event.request.formData();
		const parsed = parseForm(deleteWorkshopSchema, form, deleteWorkshopFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		if (parsed.data.confirmTitle !== workshop.title.trim()) {
			return invalid(
				400,
				{ confirmTitle: 'That is not this workshop’s title; nothing was deleted.' },
				parsed.data
			);
		}
		// Rows first: once the workshop is gone, nobody can reconnect and load its documents again.
		await workshops.remove(workshop.id);
		await rooms.deleteWorkshopDocuments(workshop.id);
		redirect(303, '/dashboard');
	}
};
