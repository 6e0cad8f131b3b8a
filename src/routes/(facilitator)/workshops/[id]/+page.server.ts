import { redirect } from '@sveltejs/kit';
import { requireOwnedWorkshop } from '$lib/server/guards';
import * as live from '$lib/server/live';
import * as participants from '$lib/server/participants';
import { joinLink } from '$lib/server/origin';
import * as rooms from '$lib/server/rooms';
import * as stages from '$lib/server/stages';
import * as teamBoards from '$lib/server/team-boards';
import * as workshops from '$lib/server/workshops';
import { invalid } from '$lib/server/forms';
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
import type { Actions, PageServerLoad } from './$types';

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
	removeParticipant: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const { participantId } = formValues(await event.request.formData(), ['participantId']);
		if (!participantId) return invalid(400, { participantId: 'Say which participant to remove.' });
		const removed = await participants.remove(workshop.id, participantId);
		if (!removed)
			return invalid(404, { participantId: 'That participant is not in this workshop.' });
		// Their open boards close now, not at the next periodic session check.
		rooms.disconnectParticipant(participantId);
		return { message: 'Participant removed; their session has ended.' };
	},

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

	admit: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const { participantId } = formValues(await event.request.formData(), ['participantId']);
		if (!participantId) return invalid(400, { participantId: 'Say whom to let in.' });
		if ((await participants.admit(workshop.id, participantId)) === 0) {
			return invalid(404, { participantId: 'Nobody of that id is waiting to join this workshop.' });
		}
		return { message: 'Let in.' };
	},

	admitAll: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const admitted = await participants.admit(workshop.id);
		return { message: admitted ? `Let in ${admitted} waiting.` : 'Nobody was waiting.' };
	},

	refuse: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const { participantId } = formValues(await event.request.formData(), ['participantId']);
		if (!participantId) return invalid(400, { participantId: 'Say whom to refuse.' });
		if (!(await participants.refuse(workshop.id, participantId))) {
			return invalid(404, { participantId: 'Nobody of that id is waiting to join this workshop.' });
		}
		return { message: 'Refused: that device and name stay out until you let them back in.' };
	},

	letBackIn: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const { participantId } = formValues(await event.request.formData(), ['participantId']);
		if (!participantId) return invalid(400, { participantId: 'Say whom to let back in.' });
		if (!(await participants.letBackIn(workshop.id, participantId))) {
			return invalid(404, { participantId: 'Nobody of that id was removed from this workshop.' });
		}
		return { message: 'Let back in: they can rejoin with the code or link.' };
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
	},

	addTeam: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const parsed = parseForm(addTeamSchema, await event.request.formData(), addTeamFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const added = await workshops.addTeam(workshop.id, parsed.data, MAX_TEAMS);
		if (!added.ok) return teamRefusal(added.reason, parsed.data);
		// Every term gets room for the new team's wording before the team shows on any screen.
		await teamBoards.fitToTeams(workshop.id);
		await live.publishAgenda(workshop.id);
		return { message: `Added the team “${added.team.name}”.` };
	},

	updateTeam: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const parsed = parseForm(updateTeamSchema, await event.request.formData(), updateTeamFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const { teamId, ...changes } = parsed.data;
		const updated = await workshops.updateTeam(workshop.id, teamId, changes);
		if (!updated.ok) return teamRefusal(updated.reason, parsed.data);
		await live.publishAgenda(workshop.id);
		return { message: `Saved the team “${updated.team.name}”.` };
	},

	removeTeam: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const parsed = parseForm(teamIdSchema, await event.request.formData(), teamIdFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const { teamId } = parsed.data;
		const found = (await workshops.teams(workshop.id)).find((t) => t.id === teamId);
		if (!found) return teamRefusal('unknown-team', parsed.data);
		const work = await teamBoards.describeWork(workshop.id, teamId);
		if (work.length > 0) {
			return invalid(
				409,
				{
					teamId: `${found.name} has work on the boards: ${work.join('; ')}. Removing the team would leave that work without a team, so it stays. Rename it if its name no longer fits.`
				},
				parsed.data
			);
		}
		const removed = await workshops.removeTeam(workshop.id, teamId);
		if (!removed.ok) return teamRefusal(removed.reason, parsed.data);
		await teamBoards.fitToTeams(workshop.id, teamId);
		await live.publishAgenda(workshop.id);
		return { message: `Removed the team “${removed.team.name}”.` };
	},

	renameParticipant: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const form = await event.request.formData();
		const parsed = parseForm(renameParticipantSchema, form, renameParticipantFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const { participantId, displayName } = parsed.data;
		if (!(await participants.rename(workshop.id, participantId, displayName))) {
			return invalid(
				404,
				{ participantId: 'That participant is not in this workshop.' },
				parsed.data
			);
		}
		await live.publishAgenda(workshop.id);
		return { message: `Renamed to “${displayName}”.` };
	},

	moveParticipant: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const form = await event.request.formData();
		const parsed = parseForm(moveParticipantSchema, form, moveParticipantFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const moved = await participants.move(
			workshop.id,
			parsed.data.participantId,
			parsed.data.teamId
		);
		if (moved === 'unknown-team') {
			return invalid(400, { teamId: 'Pick one of this workshop’s teams.' }, parsed.data);
		}
		if (moved === 'unknown-participant') {
			return invalid(
				404,
				{ participantId: 'That participant is not in this workshop.' },
				parsed.data
			);
		}
		rooms.reconnectParticipant(parsed.data.participantId);
		await live.publishAgenda(workshop.id);
		return { message: 'Participant moved.' };
	},

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
