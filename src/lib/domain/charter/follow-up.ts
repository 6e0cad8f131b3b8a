/**
 * Following up a signed charter: actual values recorded per measure and period, judged
 * against the target. A measure's baseline and target are written by people ("18%", "24 h",
 * "£1.2m"), so the number and unit are read out of them; a measure whose target has no number
 * cannot be judged and says so.
 */

/** A period is a month (2027-03) or a quarter (2027-Q1). */
export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;

export function isPeriod(value: string): boolean {
	return PERIOD_PATTERN.test(value);
}

/** Sorts months and quarters on one time line (a quarter sits at its last month). */
export function periodOrder(period: string): number {
	const [year, part] = period.split('-') as [string, string];
	const month = part.startsWith('Q') ? Number(part.slice(1)) * 3 : Number(part);
	return Number(year) * 12 + month + (part.startsWith('Q') ? 0.5 : 0);
}

export interface Quantity {
	value: number;
	unit: string;
}

/** The first number in a written value, with what follows it as the unit ("18%" → 18 %). */
export function readQuantity(written: string): Quantity | null {
	const match = /(-?\d[\d,]*(?:\.\d+)?)\s*([^\s\d,.;()][^\s;()]*)?/.exec(
		written.replace(/\u2212/g, '-')
	);
	if (!match) return null;
	const value = Number(match[1]!.replace(/,/g, ''));
	if (!Number.isFinite(value)) return null;
	return { value, unit: match[2] ?? '' };
}

export type Direction = 'up' | 'down';
export type Standing = 'on-track' | 'off-track' | 'no-data' | 'no-target';

export interface MeasurePoint {
	period: string;
	value: number;
}

export interface MeasureStatus {
	standing: Standing;
	direction: Direction;
	target: Quantity | null;
	baseline: Quantity | null;
	latest: MeasurePoint | null;
	/** Oldest first. */
	points: MeasurePoint[];
}

/**
 * On track when the latest actual value has reached the target, in the direction the target
 * lies from the baseline (down for "response time from 48 h to 24 h", up otherwise).
 */
export function measureStatus(
	written: { baseline: string; target: string },
	points: readonly MeasurePoint[]
): MeasureStatus {
	const target = readQuantity(written.target);
	const baseline = readQuantity(written.baseline);
	const direction: Direction = target && baseline && target.value < baseline.value ? 'down' : 'up';
	const sorted = [...points].sort((a, b) => periodOrder(a.period) - periodOrder(b.period));
	const latest = sorted.at(-1) ?? null;
	let standing: Standing;
	if (!target) standing = 'no-target';
	else if (!latest) standing = 'no-data';
	else
		standing = (direction === 'up' ? latest.value >= target.value : latest.value <= target.value)
			? 'on-track'
			: 'off-track';
	return { standing, direction, target, baseline, latest, points: sorted };
}

/**
 * The actual value for a review's period: the month's own, or that of the quarter it falls in
 * (2027-02 reads 2027-Q1) when the measure is recorded by quarter. Null when neither was.
 */
export function actualFor(status: MeasureStatus, period: string): MeasurePoint | null {
	const exact = status.points.find((p) => p.period === period);
	if (exact) return exact;
	const [year, part] = period.split('-') as [string, string | undefined];
	if (!part || part.startsWith('Q')) return null;
	const quarter = `${year}-Q${Math.ceil(Number(part) / 3)}`;
	return status.points.find((p) => p.period === quarter) ?? null;
}

export const STANDING_LABELS: Record<Standing, string> = {
	'on-track': 'On track',
	'off-track': 'Off track',
	'no-data': 'No values yet',
	'no-target': 'No numeric target'
};

/** Points of a small trend line in a width × height box (SVG), with the target as a line. */
export function trendPath(
	status: MeasureStatus,
	width: number,
	height: number
): { line: string; targetY: number | null; dots: { x: number; y: number }[] } {
	const values = status.points.map((p) => p.value);
	if (status.target) values.push(status.target.value);
	if (status.baseline) values.push(status.baseline.value);
	const min = Math.min(...values);
	const max = Math.max(...values);
	const span = max - min || 1;
	const pad = 4;
	const y = (v: number) => pad + (height - 2 * pad) * (1 - (v - min) / span);
	const n = status.points.length;
	const x = (i: number) => (n <= 1 ? width / 2 : pad + ((width - 2 * pad) * i) / (n - 1));
	const dots = status.points.map((p, i) => ({ x: round(x(i)), y: round(y(p.value)) }));
	return {
		line: dots.map((d, i) => `${i ? 'L' : 'M'}${d.x} ${d.y}`).join(' '),
		targetY: status.target ? round(y(status.target.value)) : null,
		dots
	};
}

const round = (n: number) => Math.round(n * 10) / 10;
