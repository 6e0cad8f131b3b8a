import * as v from 'valibot';
import { HEX_COLOUR } from '../domain/brand';
import { emailAddress } from './text';

const firmRole = v.picklist(
	['owner', 'facilitator', 'producer'],
	'Choose a role: owner, facilitator or producer.'
);

export const inviteColleagueFields = ['email', 'role'] as const;
export const inviteColleagueSchema = v.object({
	email: emailAddress('Enter your colleague’s email address.'),
	role: firmRole
});

export const memberRoleFields = ['accountId', 'role'] as const;
export const memberRoleSchema = v.object({
	accountId: v.pipe(v.string(), v.nonEmpty('Choose a member.'), v.maxLength(64)),
	role: firmRole
});

export const memberFields = ['accountId'] as const;
export const memberSchema = v.object({
	accountId: v.pipe(v.string(), v.nonEmpty('Choose a member.'), v.maxLength(64))
});

/** An empty colour clears the accent; the contrast rule is checked by brand.ts. */
export const accentFields = ['accentColour', 'clientId'] as const;
export const accentSchema = v.object({
	accentColour: v.pipe(
		v.string(),
		v.trim(),
		v.check(
			(s) => s === '' || HEX_COLOUR.test(s),
			'Give the accent colour as #rrggbb, for example #1d4ed8.'
		)
	),
	clientId: v.pipe(v.string(), v.maxLength(64))
});
