/**
 * Time in a time zone, and the two clocks an SLA can run on: calendar hours (every hour
 * counts) and business hours (Monday to Friday, 09:00 to 17:00 in the agreed time zone).
 * Built on Intl only, so it runs the same in the browser, the server and the tests.
 */

export type HourMode = 'calendar' | 'business';

export const HOUR_MODE_LABELS: Record<HourMode, string> = {
	calendar: 'calendar hours',
	business: 'business hours (Monday to Friday, 09:00–17:00)'
};

const BUSINESS_START = 9;
const BUSINESS_END = 17;
const HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
	let found = formatters.get(zone);
	if (!found) {
		found = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		formatters.set(zone, found);
	}
	return found;
}

/** Whether the runtime knows this IANA time zone ("Europe/Berlin", "UTC"). */
export function isTimeZone(zone: string): boolean {
	if (!zone || zone.length > 64) return false;
	try {
		formatter(zone);
		return true;
	} catch {
		return false;
	}
}

export interface WallTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

function utcParts(at: number): WallTime {
	const d = new Date(at);
	return {
		year: d.getUTCFullYear(),
		month: d.getUTCMonth() + 1,
		day: d.getUTCDate(),
		hour: d.getUTCHours(),
		minute: d.getUTCMinutes(),
		second: d.getUTCSeconds()
	};
}

const QUARTER_HOUR = 900_000;
/** Offsets per zone and quarter hour: zones change offset on a quarter hour, so one lookup serves the whole quarter. */
const offsets = new Map<string, number>();

/** The zone's offset from UTC at an instant, in milliseconds (Intl asked once per quarter hour). */
function offsetAt(at: number, zone: string): number {
	if (zone === 'UTC') return 0;
	const key = `${zone}|${Math.floor(at / QUARTER_HOUR)}`;
	const known = offsets.get(key);
	if (known !== undefined) return known;
	const out: Record<string, number> = {};
	for (const part of formatter(zone).formatToParts(new Date(at))) {
		if (part.type !== 'literal') out[part.type] = Number(part.value);
	}
	const asUtc = Date.UTC(
		out.year!,
		out.month! - 1,
		out.day!,
		out.hour! % 24,
		out.minute!,
		out.second!
	);
	const offset = asUtc - (at - (((at % 1000) + 1000) % 1000));
	if (offsets.size > 100_000) offsets.clear();
	offsets.set(key, offset);
	return offset;
}

/** The wall-clock time in `zone` at an instant (milliseconds since the epoch). */
export function wallTime(at: number, zone: string): WallTime {
	return utcParts(at + offsetAt(at, zone));
}

/**
 * The instant a wall-clock time in `zone` names. A time skipped by a daylight-saving change
 * moves forward by the gap; a repeated one is read as its first occurrence.
 */
export function instantOf(w: WallTime, zone: string): number {
	const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
	const first = offsetAt(guess, zone);
	const at = guess - first;
	const second = offsetAt(at, zone);
	return second === first ? at : guess - second;
}

/** The month (2027-03) an instant falls in, in `zone`. */
export function monthOf(at: number, zone: string): string {
	const w = wallTime(at, zone);
	return `${w.year}-${String(w.month).padStart(2, '0')}`;
}

/** Business windows per zone and day, shared across leads: most leads fall on the same days. */
const windows = new Map<string, readonly [number, number] | null>();

function businessWindow(zone: string, year: number, month: number, day: number) {
	const key = `${zone}|${year}-${month}-${day}`;
	if (windows.has(key)) return windows.get(key)!;
	const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
	const window =
		weekday === 0 || weekday === 6
			? null
			: ([
					instantOf({ year, month, day, hour: BUSINESS_START, minute: 0, second: 0 }, zone),
					instantOf({ year, month, day, hour: BUSINESS_END, minute: 0, second: 0 }, zone)
				] as const);
	if (windows.size > 20_000) windows.clear();
	windows.set(key, window);
	return window;
}

/**
 * Hours elapsed from `from` to `to` on the given clock; 0 when `to` is not after `from`.
 * Business hours count only the time inside Monday–Friday 09:00–17:00 in `zone`.
 */
export function hoursBetween(from: number, to: number, mode: HourMode, zone: string): number {
	if (to <= from) return 0;
	if (mode === 'calendar') return (to - from) / HOUR;
	const start = wallTime(from, zone);
	let total = 0;
	// Walk the local days from the first one; a day's date is stepped in UTC, so no clock
	// change can skip or repeat a day.
	for (let i = 0; ; i++) {
		const date = new Date(Date.UTC(start.year, start.month - 1, start.day + i));
		const y = date.getUTCFullYear();
		const m = date.getUTCMonth() + 1;
		const d = date.getUTCDate();
		const window = businessWindow(zone, y, m, d);
		if (window) {
			if (window[0] >= to) break;
			const overlap = Math.min(window[1], to) - Math.max(window[0], from);
			if (overlap > 0) total += overlap;
		} else if (Date.UTC(y, m - 1, d) - 14 * HOUR >= to) {
			// A weekend day that starts (anywhere on earth) after `to`: nothing more can count.
			break;
		}
	}
	return total / HOUR;
}
