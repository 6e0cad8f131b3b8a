/**
 * What the signed charter agreed that a CRM export can be held against: the hand-off SLA in
 * hours (and on which clock), and the MQL score threshold. They come from the terms board's
 * typed values as the signed version stores them (a definition with an "hours" or "points"
 * value), the SLA falling back to the lead journey's step SLA.
 *
 * The clock: business hours when the definition says so (a typed `hourMode`, or its words:
 * "business hours", "working hours"), calendar hours otherwise; the page says which was used.
 */
import type { CharterContent } from '../charter/content';
import { isTimeZone, type HourMode } from './hours';

export interface CharterTerms {
	slaHours: number | null;
	hourMode: HourMode;
	/** Whether the charter itself said which clock; false means the calendar default. */
	isHourModeStated: boolean;
	/** A time zone the charter names for business hours, if any. */
	timeZone: string | null;
	threshold: number | null;
}

const BUSINESS = /\b(business|working|office) (hours?|days?)\b/i;
const CALENDAR = /\bcalendar hours?\b/i;
const ZONE = /\b(UTC|[A-Z][a-z]+\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?)\b/;

const positive = (v: unknown): number | null =>
	typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;

export function charterTerms(content: CharterContent): CharterTerms {
	const items = content.sections.flatMap((s) => s.items.map((item) => ({ kind: s.kind, item })));
	const definitions = items.filter((x) => x.kind === 'definitions').map((x) => x.item);
	const sla = definitions.find(
		(d) => d.data.valueType === 'hours' && positive(d.data.value) !== null
	);
	const step = items.find((x) => x.kind === 'journey' && positive(x.item.data.slaHours) !== null);
	const threshold = definitions.find(
		(d) => d.data.valueType === 'points' && positive(d.data.value) !== null
	);
	const slaSource = sla ?? step?.item;
	const words = slaSource ? `${String(slaSource.data.term ?? '')} ${slaSource.text}` : '';
	const typedMode = slaSource?.data.hourMode;
	let hourMode: HourMode = 'calendar';
	let isHourModeStated = false;
	if (typedMode === 'business' || typedMode === 'calendar') {
		hourMode = typedMode;
		isHourModeStated = true;
	} else if (BUSINESS.test(words)) {
		hourMode = 'business';
		isHourModeStated = true;
	} else if (CALENDAR.test(words)) {
		isHourModeStated = true;
	}
	const typedZone = slaSource?.data.timeZone;
	const named = typeof typedZone === 'string' ? typedZone : (ZONE.exec(words)?.[1] ?? null);
	return {
		slaHours: sla ? positive(sla.data.value) : step ? positive(step.item.data.slaHours) : null,
		hourMode,
		isHourModeStated,
		timeZone: named && isTimeZone(named) ? named : null,
		threshold: threshold ? positive(threshold.data.value) : null
	};
}
