/**
 * Guards used by every form action and endpoint. A layout's load does not protect actions
 * (they run without it), so each action calls one of these itself.
 */
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { can, type Capability } from '../domain/permissions';
import type { AccountActor, ParticipantActor } from './auth/sessions';
import { NOT_ADMITTED } from './admission';
import * as templates from './templates';
import { isFirmWorkshop } from './firms';
import * as workshops from './workshops';

export function requireAccount(event: RequestEvent, capability: Capability): AccountActor {
	const actor = event.locals.account;
	if (!actor) {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/signin?next=${encodeURIComponent(next)}`);
	}
	if (!can(actor.role, capability)) error(403, refusalFor(capability));
	return actor;
}

/** Why an account's role may not do this, in the words of the console. */
export function refusalFor(capability: Capability): string {
	if (capability === 'poll.manage') {
		return 'Votes are run by the firm’s facilitators; producers run people, the timer and the projector.';
	}
	if (capability.startsWith('charter.')) {
		return 'The charter is the firm’s facilitators’ work; producers run people, the timer and the projector.';
	}
	if (capability.startsWith('firm.')) return 'Only the firm’s owners manage its members and brand.';
	return 'Your account may not do this.';
}

/**
 * The workshop, if the account's firm holds it and its role there may do `capability`
 * (the console by default; pass `poll.manage`, `charter.manage` … for those). 403 for a role
 * that may not, before the workshop is looked up; 404 for a workshop of another firm (its
 * existence is not revealed).
 */
export async function requireOwnedWorkshop(
	event: RequestEvent,
	workshopId: string,
	capability: Capability = 'workshop.manage'
) {
	const actor = requireAccount(event, capability);
	const found = await workshops.get(workshopId);
	if (!found || !isFirmWorkshop(actor, found)) error(404, 'No workshop of yours has this address.');
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
	const viewer = templates.viewerOf(actor);
	const found = await templates.findVisible(viewer, templateId);
	if (!found) error(404, 'No template of your library has this address.');
	return { actor, viewer, template: found };
}
