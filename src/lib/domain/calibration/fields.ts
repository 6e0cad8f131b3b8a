/**
 * The leads a calibration classifies: their fields, limits and shape. No parsing here (see
 * leads.ts), so screens can import it without the CSV parser.
 */
export const LEAD_FIELDS = [
	{ key: 'reference', label: 'Reference' },
	{ key: 'source', label: 'Source' },
	{ key: 'campaign', label: 'Campaign' },
	{ key: 'companySize', label: 'Company size' },
	{ key: 'industry', label: 'Industry' },
	{ key: 'engagement', label: 'Engagement' },
	{ key: 'budget', label: 'Budget' },
	{ key: 'authority', label: 'Authority' },
	{ key: 'need', label: 'Need' },
	{ key: 'timeline', label: 'Timeline' },
	{ key: 'notes', label: 'Notes' }
] as const;
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
