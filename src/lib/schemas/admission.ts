import * as v from 'valibot';

const participantId = v.pipe(
	v.string('Say whom (participantId).'),
	v.regex(/^[a-z2-7]{16}$/, 'That is not a participant id.')
);

/** What the facilitator's console may do about who gets in. */
export const admissionActionSchema = v.variant(
	'action',
	[
		v.object({ action: v.literal('admit'), participantId }),
		v.object({ action: v.literal('refuse'), participantId }),
		v.object({ action: v.literal('admitAll') }),
		v.object({ action: v.literal('requireAdmission'), required: v.boolean('Say true or false.') })
	],
	'The action is one of admit, refuse, admitAll or requireAdmission.'
);
