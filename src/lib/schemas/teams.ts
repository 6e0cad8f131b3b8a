/**
 * Teams, participants and the workshop's own life (archive, delete) as the facilitator
 * prepares them. The colour palette lives here so that the page offering it and the action
 * checking it share one list.
 */
import * as v from 'valibot';
import { requiredText } from './text';
import { displayName } from './workshops';

/**
 * Eight colours that stay apart from one another and each reach at least 4.5:1 against
 * white, so a team's name written in its colour stays readable. The first two are the
 * default teams' colours.
 */
export const TEAM_COLOURS = [
	{ value: '#1d4ed8', name: 'Blue' },
	{ value: '#b45309', name: 'Amber' },
	{ value: '#15803d', name: 'Green' },
	{ value: '#7e22ce', name: 'Purple' },
	{ value: '#be123c', name: 'Crimson' },
	{ value: '#0f766e', name: 'Teal' },
	{ value: '#a21caf', name: 'Magenta' },
	{ value: '#475569', name: 'Slate' }
] as const;
export type TeamColour = (typeof TEAM_COLOURS)[number]['value'];
const COLOUR_VALUES = TEAM_COLOURS.map((c) => c.value);

export function colourName(value: string): string {
	return TEAM_COLOURS.find((c) => c.value === value)?.name ?? value;
}

export const MAX_TEAMS = 8;
export const MAX_TEAM_NAME = 40;

const teamName = requiredText(
	MAX_TEAM_NAME,
	'Give the team a name.',
	`Use at most ${MAX_TEAM_NAME} characters for the team name.`
);
const colour = v.pipe(
	v.string(),
	v.trim(),
	v.toLowerCase(),
	v.picklist(COLOUR_VALUES, 'Choose one of the colours offered.')
);
const teamId = v.pipe(v.string(), v.nonEmpty('Say which team.'));
const participantId = v.pipe(v.string(), v.nonEmpty('Say which participant.'));

export const addTeamFields = ['name', 'colour'] as const;
export const addTeamSchema = v.object({ name: teamName, colour });

export const updateTeamFields = ['teamId', 'name', 'colour'] as const;
export const updateTeamSchema = v.object({ teamId, name: teamName, colour });

export const teamIdFields = ['teamId'] as const;
export const teamIdSchema = v.object({ teamId });

export const renameParticipantFields = ['participantId', 'displayName'] as const;
export const renameParticipantSchema = v.object({
	participantId,
	displayName: displayName('Use at most 40 characters for the name.')
});

export const moveParticipantFields = ['participantId', 'teamId'] as const;
export const moveParticipantSchema = v.object({
	participantId,
	teamId: v.pipe(v.string(), v.nonEmpty('Pick the team to move them to.'))
});

export const deleteWorkshopFields = ['confirmTitle'] as const;
export const deleteWorkshopSchema = v.object({
	confirmTitle: v.pipe(v.string(), v.trim(), v.nonEmpty('Type the workshop’s title to confirm.'))
});
