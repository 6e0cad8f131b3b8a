/**
 * What a valid ballot is, by kind: a choice among the options, dots within the budget, or a
 * classification of every lead of a calibration round.
 */
import type { Classification } from '../calibration/results';
import { optionsFor, type Choice, type PollRules } from './kinds';

export class BallotError extends Error {
	override name = 'BallotError';
}

/**
 * The ballot's choice in its stored form, or a BallotError saying what is wrong with it.
 * The message never repeats the choice: errors are logged, and a logged choice next to a
 * session would undo the anonymity.
 */
export function checkChoice(rules: PollRules, choice: unknown): Choice {
	const ids = new Set(optionsFor(rules.kind, rules.options).map((o) => o.id));
	if (rules.kind === 'classification') return checkClassification(rules, ids, choice);
	if (rules.kind !== 'dot') {
		if (typeof choice !== 'string' || !ids.has(choice)) {
			throw new BallotError('That choice is not one of this poll’s options.');
		}
		return choice;
	}
	if (!choice || typeof choice !== 'object' || Array.isArray(choice)) {
		throw new BallotError('A dot vote gives a number of dots per card.');
	}
	const budget = rules.dotBudget ?? 0;
	const max = rules.dotMaxPerCard ?? budget;
	const dots: Record<string, number> = {};
	let total = 0;
	for (const [id, value] of Object.entries(choice as Record<string, unknown>)) {
		if (!ids.has(id)) throw new BallotError('One of the cards is not part of this vote.');
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
			throw new BallotError('Dots are whole numbers of zero or more.');
		}
		if (value > max) {
			throw new BallotError(`At most ${max} ${max === 1 ? 'dot' : 'dots'} on one card.`);
		}
		if (value > 0) dots[id] = value;
		total += value;
	}
	if (total > budget) throw new BallotError(`You have ${budget} dots; that is ${total}.`);
	if (total === 0) throw new BallotError('Place at least one dot.');
	return dots;
}

/**
 * A calibration ballot: every lead of the round exactly once, each in one of the round's
 * categories, with a deciding field or none. A lead named twice is refused (it would be two
 * votes on one lead); re-casting with the same token replaces the whole ballot instead.
 */
function checkClassification(rules: PollRules, categories: Set<string>, choice: unknown) {
	if (!Array.isArray(choice)) {
		throw new BallotError('A classification lists each lead with the category chosen for it.');
	}
	const leads = new Set(rules.leads ?? []);
	const criteria = new Set(rules.criteria ?? []);
	const seen = new Set<string>();
	const checked: Classification[] = [];
	for (const entry of choice as unknown[]) {
		const e = entry as Partial<Record<keyof Classification, unknown>> | null;
		if (!e || typeof e !== 'object' || typeof e.lead !== 'string') {
			throw new BallotError('Each classification names a lead and a category.');
		}
		if (!leads.has(e.lead)) throw new BallotError('One of the leads is not part of this round.');
		if (seen.has(e.lead)) {
			throw new BallotError('The ballot classifies the same lead twice: classify each lead once.');
		}
		seen.add(e.lead);
		if (typeof e.category !== 'string' || !categories.has(e.category)) {
			throw new BallotError('One of the categories is not one of this round’s categories.');
		}
		const criterion = e.criterion ?? null;
		if (criterion !== null && (typeof criterion !== 'string' || !criteria.has(criterion))) {
			throw new BallotError('The deciding criterion is not one of the lead’s fields.');
		}
		checked.push({ lead: e.lead, category: e.category, criterion });
	}
	const left = leads.size - seen.size;
	if (left > 0) {
		throw new BallotError(
			`Classify every lead before sending: ${left} of ${leads.size} ${left === 1 ? 'is' : 'are'} left.`
		);
	}
	return checked;
}
