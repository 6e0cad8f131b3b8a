import { error, redirect, type Cookies } from '@sveltejs/kit';
import { deviceHash, ensureDevice } from '$lib/server/auth/device';
import { startSession } from '$lib/server/auth/cookie-session';
import * as brand from '$lib/server/brand';
import * as joining from '$lib/server/joining';
import * as participants from '$lib/server/participants';
import { failRefusal } from '$lib/server/refusals';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { joinFields, joinSchema } from '$lib/schemas/workshops';
import { invalid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** Where a joiner goes: the room, or its pre-work when they came by the pre-work link. */
function roomPath(workshopId: string, url: URL): string {
	return url.searchParams.has('prework') ? `/w/${workshopId}/prework` : `/w/${workshopId}`;
}

/**
 * A device that was here before: a session of this workshop goes on; a device the facilitator
 * let back in (or whose session cookie was lost) resumes as the participant it was; a device
 * the facilitator removed is told so. Otherwise null: a new joiner.
 */
async function returning(
	workshopId: string,
	locals: App.Locals,
	cookies: Cookies,
	url: URL
): Promise<'removed' | null> {
	if (locals.participant?.participant.workshopId === workshopId)
		redirect(303, roomPath(workshopId, url));
	const device = deviceHash(cookies);
	if (!device) return null;
	const known = await participants.byDevice(workshopId, device);
	if (known?.kind === 'removed') return 'removed';
	if (known?.kind === 'present') {
		await startSession({ cookies, url }, { participantId: known.participantId });
		redirect(303, roomPath(workshopId, url));
	}
	return null;
}

export const load: PageServerLoad = async ({ params, locals, cookies, getClientAddress, url }) => {
	const workshop = await joining.openWorkshop(params.code, getClientAddress());
	if ((await returning(workshop.id, locals, cookies, url)) === 'removed') {
		error(403, participants.removedMessage('device'));
	}
	const teams = await workshops.teams(workshop.id);
	return {
		workshop: {
			title: workshop.title,
			clientOrganisation: workshop.clientOrganisation,
			requireAdmission: workshop.requireAdmission
		},
		teams: teams.map((t) => ({ id: t.id, name: t.name, colour: t.colour })),
		brand: await brand.forWorkshop(workshop.id),
		code: params.code
	};
};

export const actions: Actions = {
	default: async ({ params, request, cookies, locals, getClientAddress, url }) => {
		const workshop = await joining.openWorkshop(params.code, getClientAddress());
		const parsed = parseForm(joinSchema, await request.formData(), joinFields);
		if ((await returning(workshop.id, locals, cookies, url)) === 'removed') {
			const message = participants.removedMessage('device');
			return invalid(403, { form: message }, parsed.ok ? parsed.data : parsed.values);
		}
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const busy = await joining.claimJoin(workshop.id);
		if (busy) return invalid(429, { form: busy }, parsed.data);
		let joined;
		try {
			joined = await participants.join({
				workshopId: workshop.id,
				...parsed.data,
				deviceHash: ensureDevice({ cookies, url })
			});
		} catch (e) {
			await joining.giveBackJoin(workshop.id);
			return failRefusal(e, 'form', parsed.data);
		}
		await startSession({ cookies, url }, { participantId: joined.id });
		redirect(303, roomPath(workshop.id, url));
	}
};
