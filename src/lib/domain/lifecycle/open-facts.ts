/**
 * The facts a lifecycle leaves undefined, each as a sentence that says which fact it is and
 * where in the workshop a room sets it, for the charter page's CRM configuration section.
 * A CRM receives nothing for these (never a default), so the page says how to fill them in.
 */
import type { Handoff, Lifecycle, Maybe } from './model';

const TERMS = 'the Shared terms board';
const CONNECTIONS = 'the Connections board';

const isOpen = <T>(fact: Maybe<T>) => !fact.defined;

/**
 * A hand-off between two journey steps names both teams from different steps; one agreed on
 * a term (the hand-off SLA) takes both from that one term.
 */
const isJourneyHandoff = (h: Handoff) =>
	h.fromTeam.defined && h.toTeam.defined && h.fromTeam.clauseId !== h.toTeam.clauseId;

export function openFacts(model: Lifecycle): string[] {
	const out: string[] = [];
	const onTerm = (term: string, control: string) =>
		`set it on ${TERMS} (${term}, Lifecycle details: “${control}”)`;

	for (const stage of model.stages) {
		if (!stage.entryCriteria.defined) {
			out.push(
				`${stage.label} is not defined, so no CRM receives it: agree a merged wording for ${stage.label} on ${TERMS}.`
			);
			continue;
		}
		if (isOpen(stage.exitCriteria))
			out.push(
				`Exit criteria for ${stage.label} is not defined: ${onTerm(stage.label, 'Exit criteria')}.`
			);
		if (isOpen(stage.ownerTeam))
			out.push(
				`Owner team for ${stage.label} is not defined: ${onTerm(stage.label, 'Owner team')}.`
			);
		if (isOpen(stage.requiredFields))
			out.push(
				`Required fields for ${stage.label} are not defined: list them on ${TERMS} (${stage.label}, “Fields each team needs on a lead”).`
			);
	}

	if (isOpen(model.mqlThreshold))
		out.push(
			`The MQL score threshold is not defined: set it on ${TERMS} (the score threshold term, Lifecycle details: “MQL score threshold (points)”).`
		);

	for (const h of model.handoffs) {
		if (isJourneyHandoff(h)) {
			if (isOpen(h.hours))
				out.push(
					`The SLA of the hand-off “${h.name}” is not defined: set it on ${CONNECTIONS} (Edit step: “SLA (hours)”).`
				);
			else if (isOpen(h.hoursBasis))
				out.push(
					`Business or calendar hours for the hand-off “${h.name}” are not defined: set them on ${CONNECTIONS} (Edit step: “Business hours” or “Calendar hours”).`
				);
			continue;
		}
		if (isOpen(h.fromTeam))
			out.push(
				`The team handing off under “${h.name}” is not defined: ${onTerm(h.name, 'Handed over by')}.`
			);
		if (isOpen(h.toTeam))
			out.push(
				`The team that acts within “${h.name}” is not defined: ${onTerm(h.name, 'Owner team')}.`
			);
		if (isOpen(h.hours))
			out.push(
				`The hours of “${h.name}” are not defined: ${onTerm(h.name, 'Hand-off SLA (hours)')}.`
			);
		if (isOpen(h.hoursBasis))
			out.push(
				`Business or calendar hours for “${h.name}” are not defined: set them on ${TERMS} (${h.name}, Lifecycle details: “Business hours” or “Calendar hours”).`
			);
	}

	if (isOpen(model.attemptsBeforeNurture))
		out.push(
			`Attempts before return to nurture is not defined: ${onTerm('the return-to-nurture term', 'Attempts before return to nurture')}.`
		);
	for (const [closing, name, term, reasons] of [
		[model.disqualification, 'Disqualification', 'Disqualified', 'Disqualification reasons'],
		[model.recycle, 'Return to nurture', 'Recycled / Nurture', 'Recycle reasons']
	] as const) {
		if (isOpen(closing.definition))
			out.push(
				`${name} is not defined: agree a merged wording for a term like “${term}” on ${TERMS}.`
			);
		else if (isOpen(closing.reasons))
			out.push(
				`${reasons} are not defined: set them on ${TERMS} (the ${name.toLowerCase()} term, Lifecycle details: “${reasons}”).`
			);
	}
	return out;
}
