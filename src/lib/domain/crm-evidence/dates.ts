/**
 * Dates as CRM exports write them. HubSpot writes "2027-03-05 14:30" (or ISO 8601), Salesforce
 * reports write "3/5/2027 2:30 PM" (US order, month first) and the Data Loader ISO 8601 with
 * a zone. A date without a zone or offset is read in the export's time zone.
 */
import { instantOf } from './hours';

export const DATE_FORMATS_HINT =
	'2027-03-05, 2027-03-05 14:30, 2027-03-05T14:30:00Z or 3/5/2027 2:30 PM (month first)';

const ISO =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i;

function daysIn(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The instant a cell names (milliseconds since the epoch), null for an empty cell, or
 * undefined when the cell holds something that is not a date this reads.
 */
export function parseDate(cell: string, zone: string): number | null | undefined {
	const text = cell.trim();
	if (!text) return null;
	let year: number, month: number, day: number;
	let hour = 0,
		minute = 0,
		second = 0;
	let offset: string | undefined;
	const iso = ISO.exec(text);
	if (iso) {
		[year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
		hour = Number(iso[4] ?? 0);
		minute = Number(iso[5] ?? 0);
		second = Number(iso[6] ?? 0);
		offset = iso[7];
	} else {
		const us = US.exec(text);
		if (!us) return undefined;
		[month, day, year] = [Number(us[1]), Number(us[2]), Number(us[3])];
		hour = Number(us[4] ?? 0);
		minute = Number(us[5] ?? 0);
		second = Number(us[6] ?? 0);
		const half = us[7]?.toUpperCase();
		if (half) {
			if (hour < 1 || hour > 12) return undefined;
			hour = (hour % 12) + (half === 'PM' ? 12 : 0);
		}
	}
	if (year < 1970 || year > 9999 || month < 1 || month > 12) return undefined;
	if (day < 1 || day > daysIn(year, month)) return undefined;
	if (hour > 23 || minute > 59 || second > 59) return undefined;
	if (offset) {
		const utc = Date.UTC(year, month - 1, day, hour, minute, second);
		if (offset.toUpperCase() === 'Z') return utc;
		const sign = offset[0] === '-' ? -1 : 1;
		const digits = offset.slice(1).replace(':', '');
		const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
		return utc - sign * minutes * 60_000;
	}
	return instantOf({ year, month, day, hour, minute, second }, zone);
}
