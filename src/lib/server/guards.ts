/**
 * Guards used by every form action and endpoint. A layout's load does not protect actions
 * (they run without it), so each action calls one of these itself.
 */
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { can, type Capability } from '../domain/permissions';
import type { AccountActor, ParticipantActor } from './auth/sessions';
import { NOT_ADMITTED } from './admission';
import * as templates from './templates';
import * as workshops from './workshops';

export function requireAccount(event: RequestEvent, capability: Capability): AccountActor {
	const actor = event.locals.account;
	if (!actor) {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/signin?next=${encodeURIComponent(next)}`);
	}
	if (!can(actor.role, capability)) error(403, 'Your account may not do this.');
	return actor;
}

/** The workshop, if this facilitator owns it; 404 otherwise (its existence is not revealed). */
export async function requireOwnedWorkshop(event: RequestEvent, workshopId: string) {
	const actor = requireAccount(event, 'workshop.manage');
	const found = await workshops.get(workshopId);
	if (!found || found.ownerId !== actor.account.id)
		error(404, 'No workshop of yours has this address.');
	return { actor, workshop: found };
}

/**
 * The participant, if this device's session belongs to that workshop, whether admitted or
 * still waiting for the facilitator (the room's page shows those the waiting screen).
 */
export function requireJoinedOf(event: RequestEvent, workshopId: string): ParticipantActor {
	const actor = event.locals.participant;
	if (!actor) error(401, 'Join this workshop with its code or link first.');
	if (actor.participant.workshopId !== workshopId) {
		error(403, 'Your session belongs to another workshop. Join this one with its code or link.');
	}
	if (!can(actor.role, 'room.participate')) error(403, 'You may not take part in this workshop.');
	return actor;
}

/** The participant, if this device's session belongs to that workshop and they were let in. */
export function requireParticipantOf(event: RequestEvent, workshopId: string): ParticipantActor {
	const actor = requireJoinedOf(event, workshopId);
	if (!actor.participant.isAdmitted) error(403, NOT_ADMITTED);
	return actor;
}

/**
 * A template of the library this account may see (templates.templatesVisibleTo); 404
 * otherwise, so another's private template is not revealed.
 */
export async function requireVisibleTemplate(event: RequestEvent, templateId: string) {
	const actor = requireAccount(event, 'template.manage');
	const viewer = templates.viewerOf(actor.account.id);
	const found = await templates.findVisible(viewer, templateId);
	if (!found) error(404, 'No template of your library has this address.');
	return { actor, viewer, template: found };
}
