/**
 * Guards and body parsing for the JSON endpoints under /api. They answer with a status and
 * `{ message }` (SvelteKit's `error`), never with a redirect to a sign-in page.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { can, type Capability } from '../domain/permissions';
import type { AccountActor, ParticipantActor } from './auth/sessions';
import { NOT_ADMITTED } from './admission';
import { isFirmWorkshop } from './firms';
import { refusalFor } from './guards';
import * as workshops from './workshops';
import { describeIssue } from '../schemas/issues';
import { holdsUnstorableText, UNSTORABLE_TEXT } from '../schemas/storable';

export const MAX_JSON_BYTES = 64 * 1024;

/** The body as valibot output; 415 when not JSON, 413 when too large, 400 with the first issue. */
export async function readJson<TSchema extends v.GenericSchema>(
	event: RequestEvent,
	schema: TSchema
): Promise<v.InferOutput<TSchema>> {
	if (!event.request.headers.get('content-type')?.startsWith('application/json')) {
		error(415, 'Send the request body as JSON (content-type: application/json).');
	}
	const text = await event.request.text();
	if (text.length > MAX_JSON_BYTES) error(413, 'The request body is too large.');
	return parseJson(text, schema, 'The request body is not valid JSON.');
}

/** JSON text as valibot output (a body, or a form field that carries JSON); 400 otherwise. */
export function parseJson<TSchema extends v.GenericSchema>(
	text: string,
	schema: TSchema,
	notJson: string
): v.InferOutput<TSchema> {
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		error(400, notJson);
	}
	if (holdsUnstorableText(body)) error(400, UNSTORABLE_TEXT);
	const parsed = v.safeParse(schema, body);
	if (!parsed.success) error(400, describeIssue(parsed.issues[0]));
	return parsed.output;
}

export type WorkshopMember =
	| { kind: 'facilitator'; actor: AccountActor; teamId: null }
	| { kind: 'participant'; actor: ParticipantActor; teamId: string };

/**
 * The caller, if they belong to this workshop: its facilitator or one of its participants.
 * 401 without a session, 403 for a session of another workshop, 404 for an unknown workshop.
 */
export async function requireMember(
	event: RequestEvent,
	workshopId: string
): Promise<WorkshopMember> {
	const { account, participant } = event.locals;
	// A participant's session belongs to one workshop and is deleted with it: no need to look
	// the workshop up (this is the path every ballot takes). With an account signed in too, the
	// facilitator's rights are decided first, below.
	if (!account && participant && participant.participant.workshopId === workshopId) {
		if (!can(participant.role, 'room.participate'))
			error(403, 'You may not take part in this workshop.');
		if (!participant.participant.isAdmitted) error(403, NOT_ADMITTED);
		return { kind: 'participant', actor: participant, teamId: participant.participant.teamId };
	}
	const found = await workshops.get(workshopId);
	if (account && isFirmWorkshop(account, found) && can(account.role, 'workshop.manage')) {
		return { kind: 'facilitator', actor: account, teamId: null };
	}
	if (participant && participant.participant.workshopId === workshopId && found) {
		if (!can(participant.role, 'room.participate'))
			error(403, 'You may not take part in this workshop.');
		if (!participant.participant.isAdmitted) error(403, NOT_ADMITTED);
		return { kind: 'participant', actor: participant, teamId: participant.participant.teamId };
	}
	if (!account && !participant) error(401, 'Join the workshop or sign in first.');
	if (!found) error(404, 'No such workshop.');
	error(403, 'You are not part of this workshop.');
}

/**
 * A member of the firm that holds the workshop whose role may do `capability` (running the
 * room by default; `poll.manage` and `charter.manage` are refused to producers).
 */
export async function requireFacilitatorOf(
	event: RequestEvent,
	workshopId: string,
	capability: Capability = 'workshop.manage'
) {
	const member = await requireMember(event, workshopId);
	if (member.kind !== 'facilitator') error(403, 'Only the facilitator may do this.');
	if (!can(member.actor.role, capability)) error(403, refusalFor(capability));
	return member;
}
