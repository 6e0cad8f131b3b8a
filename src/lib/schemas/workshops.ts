import * as v from 'valibot';

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
	title: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty('Give the workshop a title.'),
		v.maxLength(120, 'Use at most 120 characters for the title.')
	),
	clientOrganisation: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty('Name the client organisation.'),
		v.maxLength(120, 'Use at most 120 characters for the organisation.')
	)
});

export const joinFields = ['displayName', 'teamId'] as const;
export const joinSchema = v.object({
	displayName: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty('Enter the name others will see.'),
		v.maxLength(40, 'Use at most 40 characters for your name.')
	),
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
