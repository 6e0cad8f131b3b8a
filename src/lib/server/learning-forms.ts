/**
 * The learning agenda's form actions, for the participant's phone, the leader's charter page
 * and the facilitator's reviews page alike: the caller has decided who acts (review-guards).
 * A refusal answers with the words under the field they belong to and what was typed kept;
 * nothing is written. Item-scoped refusals carry the item's id, so the page shows them there;
 * every refusal's values carry `agenda` ('propose' or 'item'), so a page with other forms can
 * tell the agenda's answers apart (isAgendaOutcome in src/lib/domain/learning.ts).
 */
import { invalid } from './forms';
import * as learning from './learning';
import type { Proposer } from './learning';
import { failRefusal } from './refusals';
import { parseForm } from '../schemas/forms';
import {
	learningItemFields,
	learningItemForm,
	learningItemIdForm,
	takeawaysForm
} from '../schemas/reviews';

/** Proposes an item; what the facilitator and leaders add is accepted at once. */
export async function proposeAction(request: Request, workshopId: string, proposer: Proposer) {
	const parsed = parseForm(learningItemForm, await request.formData(), learningItemFields);
	if (!parsed.ok) return invalid(400, parsed.errors, { ...parsed.values, agenda: 'propose' });
	try {
		const item = await learning.propose(workshopId, parsed.data, proposer);
		return { itemProposed: { title: item.title, isAccepted: item.status === 'accepted' } };
	} catch (e) {
		return failRefusal(e, 'form', {
			...parsed.data,
			teamId: parsed.data.teamId ?? '',
			agenda: 'propose'
		});
	}
}

export async function acceptAction(request: Request, workshopId: string) {
	const parsed = parseForm(learningItemIdForm, await request.formData(), ['itemId']);
	if (!parsed.ok) {
		return invalid(400, { item: parsed.errors.itemId ?? 'Say which item.' }, { agenda: 'item' });
	}
	try {
		const item = await learning.accept(workshopId, parsed.data.itemId);
		return { itemAccepted: item.title };
	} catch (e) {
		return failRefusal(e, 'form', { ...parsed.data, agenda: 'item' });
	}
}

export async function takeawaysAction(request: Request, workshopId: string) {
	const parsed = parseForm(takeawaysForm, await request.formData(), ['itemId', 'takeaways']);
	if (!parsed.ok) return invalid(400, parsed.errors, { ...parsed.values, agenda: 'item' });
	try {
		const item = await learning.recordTakeaways(
			workshopId,
			parsed.data.itemId,
			parsed.data.takeaways
		);
		return { takeawaysRecorded: item.title };
	} catch (e) {
		return failRefusal(e, 'form', { ...parsed.data, agenda: 'item' });
	}
}
