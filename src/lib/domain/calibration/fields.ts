/**
 * The leads a calibration classifies: their fields, limits and shape. No parsing here (see
 * leads.ts), so screens can import it without the CSV parser.
 */
import { labelledList } from '../labelled';

export const LEAD_FIELDS = labelledList({
	reference: 'Reference',
	source: 'Source',
	campaign: 'Campaign',
	companySize: 'Company size',
	industry: 'Industry',
	engagement: 'Engagement',
	budget: 'Budget',
	authority: 'Authority',
	need: 'Need',
	timeline: 'Timeline',
	notes: 'Notes'
});
export type LeadField = (typeof LEAD_FIELDS)[number]['key'];
export const LEAD_FIELD_KEYS: readonly string[] = LEAD_FIELDS.map((f) => f.key);

/** What may decide a lead: any field but its reference. */
export const CRITERIA = LEAD_FIELDS.filter((f) => f.key !== 'reference');

export const fieldLabel = (key: string) => LEAD_FIELDS.find((f) => f.key === key)?.label ?? key;

export const MIN_LEADS = 10;
export const MAX_LEADS = 40;
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_CELL_CHARS = 500;

export interface Lead {
	/** `l1`, `l2`…: short, since a ballot names every lead of the round. */
	id: string;
	/** How the room refers to it: the file's reference, or "Lead 3". */
	reference: string;
	/** Field key → text; only fields with text. */
	fields: Partial<Record<LeadField, string>>;
}
