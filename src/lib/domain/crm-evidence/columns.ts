/**
 * The columns a lead report must have, and the names HubSpot's and Salesforce's standard lead
 * exports give them. HubSpot exports contacts with property labels as column names
 * ("Became a Marketing Qualified Lead Date", "Lead Status", "HubSpot Score"); Salesforce
 * reports use field labels ("Lead Status", "Converted Date") and the Data Loader API names
 * ("Status", "ConvertedDate", "FirstCallDateTime"). Salesforce has no standard MQL date or
 * score field: its exports need the mapping step for those (or a column named as below).
 */

export const EVIDENCE_FIELD_KEYS = [
	'mqlDate',
	'firstTouch',
	'score',
	'status',
	'sqlDate',
	'nurtureReason'
] as const;
export type EvidenceField = (typeof EVIDENCE_FIELD_KEYS)[number];

export interface EvidenceFieldInfo {
	key: EvidenceField;
	label: string;
	isRequired: boolean;
	/** Column names that stand for it, as the exports write them. */
	names: string[];
}

export const EVIDENCE_FIELDS: readonly EvidenceFieldInfo[] = [
	{
		key: 'mqlDate',
		label: 'Became an MQL (date)',
		isRequired: true,
		names: [
			'Became a Marketing Qualified Lead Date',
			'hs_lifecyclestage_marketingqualifiedlead_date',
			'MQL Date',
			'MQL_Date__c'
		]
	},
	{
		key: 'firstTouch',
		label: 'First sales touch (date)',
		isRequired: true,
		names: [
			'Date of first engagement',
			'First Engagement Date',
			'hs_sa_first_engagement_date',
			'First Call Date',
			'FirstCallDateTime',
			'First Touch Date'
		]
	},
	{
		key: 'score',
		label: 'Lead score',
		isRequired: true,
		names: ['HubSpot Score', 'hubspotscore', 'Score', 'pi__score__c', 'Lead Score']
	},
	{
		key: 'status',
		label: 'Lead status',
		isRequired: true,
		names: ['Lead Status', 'hs_lead_status', 'Status']
	},
	{
		key: 'sqlDate',
		label: 'Became an SQL (date)',
		isRequired: true,
		names: [
			'Became a Sales Qualified Lead Date',
			'hs_lifecyclestage_salesqualifiedlead_date',
			'Converted Date',
			'ConvertedDate',
			'SQL Date'
		]
	},
	{
		key: 'nurtureReason',
		label: 'Reason for return to nurture',
		isRequired: false,
		names: ['Nurture Reason', 'Recycle Reason', 'Return to Nurture Reason', 'Recycled Reason']
	}
];

export function fieldInfo(key: EvidenceField): EvidenceFieldInfo {
	return EVIDENCE_FIELDS.find((f) => f.key === key)!;
}

/** A column name → field chosen in the mapping step; it wins over the standard names. */
export type EvidenceMapping = Partial<Record<EvidenceField, string>>;

const comparable = (name: string) => name.trim().toLowerCase();

export type ExportKind = 'HubSpot' | 'Salesforce' | 'other';

/** Which CRM's standard export the header looks like. */
export function exportKindOf(header: readonly string[]): ExportKind {
	const names = new Set(header.map(comparable));
	if (names.has('became a marketing qualified lead date') || names.has('record id')) {
		return 'HubSpot';
	}
	if (
		names.has('lead id') ||
		names.has('convertedDate'.toLowerCase()) ||
		names.has('isconverted')
	) {
		return 'Salesforce';
	}
	return 'other';
}

export interface ColumnChoice {
	/** The column's position per field, where the file has one. */
	positions: Partial<Record<EvidenceField, number>>;
	/** Required fields no column stands for. */
	missing: EvidenceField[];
	/** Mapped names that are not in the file. */
	unknown: { field: EvidenceField; name: string }[];
}

/** The column each field is read from: the mapping first, then the standard names. */
export function chooseColumns(header: readonly string[], mapping: EvidenceMapping): ColumnChoice {
	const names = header.map(comparable);
	const positions: ColumnChoice['positions'] = {};
	const missing: EvidenceField[] = [];
	const unknown: ColumnChoice['unknown'] = [];
	for (const field of EVIDENCE_FIELDS) {
		const mapped = mapping[field.key]?.trim();
		if (mapped) {
			const at = names.indexOf(comparable(mapped));
			if (at === -1) unknown.push({ field: field.key, name: mapped });
			else positions[field.key] = at;
			continue;
		}
		const at = field.names.map((n) => names.indexOf(comparable(n))).find((i) => i !== -1);
		if (at !== undefined) positions[field.key] = at;
		else if (field.isRequired) missing.push(field.key);
	}
	return { positions, missing, unknown };
}
