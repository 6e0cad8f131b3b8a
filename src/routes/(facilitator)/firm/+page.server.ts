import { error } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import * as brand from '$lib/server/brand';
import * as firms from '$lib/server/firms';
import { invalid, withForm } from '$lib/server/forms';
import { requireAccount } from '$lib/server/guards';
import { isMailConfigured, sendLater } from '$lib/server/mail';
import { publicOrigin } from '$lib/server/origin';
import { failRefusal } from '$lib/server/refusals';
import { parseForm } from '$lib/schemas/forms';
import {
	accentFields,
	accentSchema,
	inviteColleagueFields,
	inviteColleagueSchema,
	memberFields,
	memberRoleFields,
	memberRoleSchema,
	memberSchema
} from '$lib/schemas/firm';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const ROLE_LABEL = { owner: 'owner', facilitator: 'facilitator', producer: 'producer' } as const;

/** The firm of an owner (who manages members and brand); 403 for any other role. */
function requireFirmOwner(event: RequestEvent) {
	const actor = requireAccount(event, 'firm.manage');
	if (!actor.firm) error(403, 'Your account belongs to no firm.');
	return { actor, firmId: actor.firm.id };
}

export const load: PageServerLoad = async (event) => {
	const actor = requireAccount(event, 'firm.read');
	if (!actor.firm) error(403, 'Your account belongs to no firm.');
	const mayManage = can(actor.role, 'firm.manage');
	const [found, members, clients, invitations] = await Promise.all([
		firms.get(actor.firm.id),
		firms.members(actor.firm.id),
		firms.clients(actor.firm.id),
		mayManage ? firms.pendingInvitations(actor.firm.id) : []
	]);
	return {
		firm: found!,
		you: actor.account.id,
		role: actor.role,
		mayManage,
		isMailConfigured: isMailConfigured(),
		members: mayManage ? members : members.map((m) => ({ ...m, email: '' })),
		clients,
		invitations
	};
};

export const actions: Actions = {
	invite: async (event) => {
		const { actor, firmId } = requireFirmOwner(event);
		const form = await event.request.formData();
		const parsed = parseForm(inviteColleagueSchema, form, inviteColleagueFields);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const token = await firms.invite({ firmId, ...parsed.data, invitedBy: actor.account.id });
		const link = `${publicOrigin(event.url)}/invitations/${token}`;
		const firmName = actor.firm!.name;
		if (isMailConfigured()) {
			sendLater(
				{
					to: parsed.data.email,
					subject: `${actor.account.name} invites you to ${firmName} on Common Ground`,
					text: [
						'Hello,',
						'',
						`${actor.account.name} invites you to join ${firmName} on Common Ground as ${ROLE_LABEL[parsed.data.role]}.`,
						'Open this link within 7 days to sign up or sign in, then accept. It works once:',
						'',
						link,
						'',
						'If you did not expect this, ignore this mail.'
					].join('\n')
				},
				'colleague invitation'
			);
		}
		return {
			invited: { email: parsed.data.email, link: isMailConfigured() ? null : link }
		};
	},
	changeRole: async (event) => {
		const { firmId } = requireFirmOwner(event);
		return withForm(event.request, memberRoleSchema, memberRoleFields, async (data) => {
			try {
				await firms.changeRole(firmId, data.accountId, data.role);
			} catch (e) {
				return failRefusal(e, 'members');
			}
			return { changed: true };
		});
	},
	removeMember: async (event) => {
		const { firmId } = requireFirmOwner(event);
		return withForm(event.request, memberSchema, memberFields, async ({ accountId }) => {
			try {
				await firms.removeMember(firmId, accountId);
			} catch (e) {
				return failRefusal(e, 'members');
			}
			return { removed: true };
		});
	},
	setAccent: async (event) => {
		const { firmId } = requireFirmOwner(event);
		return withForm(event.request, accentSchema, accentFields, async (data) => {
			const { accentColour, clientId } = data;
			const colour = accentColour === '' ? null : accentColour;
			try {
				if (clientId === '') await brand.setFirmAccent(firmId, colour);
				else if (!(await brand.setClientBrand(firmId, clientId, { accentColour: colour }))) {
					return invalid(404, { accentColour: 'Your firm has no such client.' }, data);
				}
			} catch (e) {
				return failRefusal(e, 'accentColour', data);
			}
			return { accentSaved: true };
		});
	},
	uploadLogo: async (event) => {
		const { firmId } = requireFirmOwner(event);
		const form = await event.request.formData();
		const file = form.get('logo');
		const clientId =
			typeof form.get('clientId') === 'string' ? (form.get('clientId') as string) : '';
		if (!(file instanceof File) || file.size === 0) {
			return invalid(400, { logo: 'Choose a logo file to upload.' }, { clientId });
		}
		if (file.size > brand.MAX_LOGO_BYTES) {
			return invalid(
				413,
				{
					logo: `The logo is ${(file.size / 1024 / 1024).toFixed(1)} MB; upload one of at most 1 MB.`
				},
				{ clientId }
			);
		}
		const bytes = new Uint8Array(await file.arrayBuffer());
		try {
			if (clientId === '') await brand.setFirmLogo(firmId, bytes);
			else if (!(await brand.setClientBrand(firmId, clientId, { logo: bytes }))) {
				return invalid(404, { logo: 'Your firm has no such client.' }, { clientId });
			}
		} catch (e) {
			return failRefusal(e, 'logo', { clientId });
		}
		return { logoSaved: true };
	}
};
