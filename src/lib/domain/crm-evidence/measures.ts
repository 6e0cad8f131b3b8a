/**
 * The stored counts per month as lines of "Measures since signing": a share per month with
 * its trend, judged against what the charter agreed. Every MQL touched within the SLA and
 * every MQL at the threshold is what was signed, so anything under 100 % is drift; so is any
 * lead returned to nurture without a reason. Conversion has no agreed value: its trend shows.
 */
import type { MeasurePoint, MeasureStatus, Standing } from '../charter/follow-up';
import { HOUR_MODE_LABELS, type HourMode } from './hours';
import type { PeriodEvidence } from './leads';

export interface StoredPeriod extends PeriodEvidence {
	slaHours: number | null;
	hourMode: HourMode;
	timeZone: string;
	threshold: number | null;
}

export const EVIDENCE_MEASURES = [
	'crm-sla-adherence',
	'crm-mql-threshold',
	'crm-nurture-without-reason',
	'crm-mql-to-sql'
] as const;
export type EvidenceMeasure = (typeof EVIDENCE_MEASURES)[number];

export interface EvidenceLine {
	measureId: EvidenceMeasure;
	name: string;
	/** What the charter agreed, in words. */
	target: string;
	status: MeasureStatus;
	/** The latest month's counts in words ("18 of 20 MQLs"). */
	detail: string | null;
	/** The latest month is off what was agreed. */
	isDrift: boolean;
}

/** A share in per cent, one decimal. */
export function percent(part: number, whole: number): number {
	return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

function status(
	points: MeasurePoint[],
	target: number | null,
	direction: 'up' | 'down'
): MeasureStatus {
	const latest = points.at(-1) ?? null;
	let standing: Standing;
	if (target === null) standing = 'no-target';
	else if (!latest) standing = 'no-data';
	else
		standing = (direction === 'up' ? latest.value >= target : latest.value <= target)
			? 'on-track'
			: 'off-track';
	return {
		standing,
		direction,
		target: target === null ? null : { value: target, unit: '%' },
		baseline: null,
		latest,
		points
	};
}

export function clockOf(p: Pick<StoredPeriod, 'hourMode' | 'timeZone'>): string {
	return p.hourMode === 'business'
		? `${HOUR_MODE_LABELS.business} in ${p.timeZone}`
		: HOUR_MODE_LABELS.calendar;
}

/** The evidence lines, from the stored months (any order). Empty when nothing was uploaded. */
export function evidenceLines(stored: readonly StoredPeriod[]): EvidenceLine[] {
	if (stored.length === 0) return [];
	const periods = [...stored].sort((a, b) => a.period.localeCompare(b.period));
	const latest = periods.at(-1)!;
	const line = (
		measureId: EvidenceMeasure,
		name: string,
		target: string,
		targetValue: number | null,
		direction: 'up' | 'down',
		value: (p: StoredPeriod) => number | null,
		detail: (p: StoredPeriod) => string
	): EvidenceLine => {
		const points = periods.flatMap((p) => {
			const v = value(p);
			return v === null ? [] : [{ period: p.period, value: v }];
		});
		const s = status(points, targetValue, direction);
		return {
			measureId,
			name,
			target,
			status: s,
			detail: value(latest) === null ? null : `${detail(latest)} (${latest.period})`,
			isDrift: s.standing === 'off-track'
		};
	};
	const lines: EvidenceLine[] = [];
	lines.push(
		line(
			'crm-sla-adherence',
			'MQLs touched by sales within the SLA (CRM)',
			latest.slaHours === null
				? 'No SLA agreed'
				: `100% within ${latest.slaHours} ${clockOf(latest)}`,
			latest.slaHours === null ? null : 100,
			'up',
			(p) => (p.slaHours === null ? null : percent(p.withinSla, p.mqls)),
			(p) => `${p.withinSla} of ${p.mqls} MQLs`
		),
		line(
			'crm-mql-threshold',
			'MQLs at or above the agreed score (CRM)',
			latest.threshold === null ? 'No threshold agreed' : `100% at ${latest.threshold} or more`,
			latest.threshold === null ? null : 100,
			'up',
			(p) => (p.threshold === null ? null : percent(p.atThreshold, p.mqls)),
			(p) => `${p.atThreshold} of ${p.mqls} MQLs`
		),
		line(
			'crm-nurture-without-reason',
			'Leads returned to nurture without a reason (CRM)',
			'0% (every return gives a reason)',
			0,
			'down',
			(p) => percent(p.returnedWithoutReason, p.returnedToNurture),
			(p) => `${p.returnedWithoutReason} of ${p.returnedToNurture} returned leads`
		),
		line(
			'crm-mql-to-sql',
			'MQL → SQL conversion (CRM)',
			'No agreed value: the trend shows',
			null,
			'up',
			(p) => percent(p.sqls, p.mqls),
			(p) => `${p.sqls} of ${p.mqls} MQLs`
		)
	);
	return lines;
}

/** What a page shows of the evidence: its lines, the drift, and the terms an upload uses. */
export interface EvidencePageData {
	lines: EvidenceLine[];
	drift: { name: string; target: string; detail: string | null }[];
	judgedWith: { slaHours: number | null; threshold: number | null; clock: string } | null;
	terms: {
		slaHours: number | null;
		threshold: number | null;
		hourMode: HourMode;
		isHourModeStated: boolean;
		timeZone: string | null;
	};
}
