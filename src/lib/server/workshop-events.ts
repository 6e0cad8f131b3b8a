/**
 * The live run's audit trail: every intervention of a facilitator or producer, with who did
 * it. Written by the endpoints after the change took effect; read by the timing report.
 */
import { desc, eq } from 'drizzle-orm';
import type { AccountActor } from './auth/sessions';
import { db } from './db';
import { workshopEvent } from './db/schema';
import { newId } from './ids';

export type EventDetail = Record<string, string | number | boolean | null>;

export interface WorkshopEvent {
	actorName: string;
	accountId: string | null;
	action: string;
	stageKey: string | null;
	detail: EventDetail | null;
	at: Date;
}

export async function record(
	workshopId: string,
	actor: AccountActor,
	action: string,
	stageKey: string | null,
	detail: EventDetail | null = null
): Promise<void> {
	await db().insert(workshopEvent).values({
		id: newId(),
		workshopId,
		accountId: actor.account.id,
		actorName: actor.account.name,
		action,
		stageKey,
		detail
	});
}

/** Newest first. */
export async function list(workshopId: string, limit = 500): Promise<WorkshopEvent[]> {
	return db()
		.select({
			actorName: workshopEvent.actorName,
			accountId: workshopEvent.accountId,
			action: workshopEvent.action,
			stageKey: workshopEvent.stageKey,
			detail: workshopEvent.detail,
			at: workshopEvent.at
		})
		.from(workshopEvent)
		.where(eq(workshopEvent.workshopId, workshopId))
		.orderBy(desc(workshopEvent.at), desc(workshopEvent.id))
		.limit(limit);
}

/** An event in a sentence: "moved everyone to barriers", "locked the board". */
export function describe(event: Pick<WorkshopEvent, 'action' | 'stageKey' | 'detail'>): string {
	const stage = event.stageKey ?? '';
	switch (event.action) {
		case 'goTo':
			return `brought everyone to ${stage}`;
		case 'timer.start':
			return `started the timer of ${stage}`;
		case 'timer.pause':
			return `paused the timer of ${stage}`;
		case 'timer.addMinute':
			return `added a minute to the timer of ${stage}`;
		case 'spotlight':
			return `put an item of ${stage} in the spotlight`;
		case 'clearSpotlight':
			return 'cleared the spotlight';
		case 'lock':
			return `locked the board of ${stage}`;
		case 'unlock':
			return `unlocked the board of ${stage}`;
		case 'startPrivate':
			return `started private writing on ${stage}`;
		case 'reveal':
			return `revealed the team boards of ${stage}`;
		case 'runSheet.stage':
			return `updated the run-sheet of ${stage}`;
		case 'runSheet.dayStart':
			return 'set the start of the day';
		case 'projector.hide':
			return `hid ${stage} from the projector`;
		case 'projector.show':
			return `showed ${stage} on the projector`;
		case 'projector.focusTerm':
		case 'projector.turnPage':
		case 'projector.showBoard':
			return `changed what the projector shows of ${stage}`;
		case 'finish':
			return 'ended the session';
		default:
			return event.action;
	}
}
