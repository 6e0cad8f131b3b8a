import * as v from 'valibot';
import { requiredText } from './text';

export const createWorkshopFields = ['title', 'clientOrganisation', 'startFrom'] as const;
export const createWorkshopSchema = v.object({
	/**
	 * `template` (the alignment template; also when not given), `builtin:<id>` of another
	 * built-in template, `saved:<id>` of a template in the library, `blank`, or `copy:<id>` of
	 * one's own workshop.
	 */
	startFrom: v.pipe(
		v.string(),
		v.transform((s) => s || 'template'),
		v.regex(
			/^(template|blank|copy:[a-z2-7]{16}|saved:[a-z2-7]{16}|builtin:[a-z-]{1,40})$/,
			'Choose what the workshop starts from.'
		)
	),
	title: requiredText(
		120,
		'Give the workshop a title.',
		'Use at most 120 characters for the title.'
	),
	clientOrganisation: requiredText(
		120,
		'Name the client organisation.',
		'Use at most 120 characters for the organisation.'
	)
});

/**
 * The name a participant shows the room, the same rule whether they choose it on joining or
 * the facilitator renames them; only the words for a long name speak to whoever types it.
 */
export const displayName = (tooLong: string) =>
	requiredText(40, 'Enter the name others will see.', tooLong);

export const joinFields = ['displayName', 'teamId'] as const;
export const joinSchema = v.object({
	displayName: displayName('Use at most 40 characters for your name.'),
	teamId: v.pipe(v.string(), v.nonEmpty('Pick your team.'))
});

export const joinCodeFields = ['code'] as const;
export const joinCodeSchema = v.object({
	code: v.pipe(
		v.string(),
		v.transform((s) => s.toUpperCase().replace(/[\s-]/g, '')),
		v.nonEmpty('Enter the code shown on the screen.'),
		v.length(6, 'A join code has 6 characters.')
	)
});
