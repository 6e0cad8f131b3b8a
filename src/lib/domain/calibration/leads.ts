/**
 * How a CSV file (or a lead typed in) becomes the leads a calibration classifies. Pure
 * rules (Papa Parse for the CSV itself), so the upload endpoint and the unit tests answer the
 * same way.
 *
 * The rules, each refused with words that say what to fix, and nothing stored:
 * - the file is at most 1 MiB and UTF-8 (decoded with `fatal: true`, so a Windows-1252 or
 *   UTF-16 export is refused rather than read as mojibake);
 * - the first line names the columns, each further line is a lead: at least one, at most 40;
 * - no two columns share a name; every column kept maps to one of the lead fields (an unknown
 *   column must be mapped or dropped); no two columns go to the same field;
 * - spreadsheet formulas are refused, not neutralised: a kept cell may not start with = + - @,
 *   a tab or a carriage return (OWASP's list for CSV injection; a lone "-" is allowed, it
 *   means "none" and runs nothing). Refusing keeps the stored text exactly what the file said,
 *   and no export of it can ever carry a formula.
 *
 * Columns that look like personal data (email addresses, phone numbers, people's full names)
 * are not refused: the preview says so and proposes dropping them, and an import that does not
 * say what to do with such a column drops it.
 */
import { decodeUpload, describeStart, isFormula, splitCsv } from '../csv';
import {
	fieldLabel,
	LEAD_FIELD_KEYS,
	LEAD_FIELDS,
	MAX_CELL_CHARS,
	MAX_FILE_BYTES,
	MAX_LEADS,
	MIN_LEADS,
	type Lead,
	type LeadField
} from './fields';

export class LeadFileError extends Error {
	override name = 'LeadFileError';
}

export type PersonalKind = 'email' | 'phone' | 'name';

export interface ColumnAnalysis {
	/** 0-based position in the file. */
	index: number;
	name: string;
	/** The field its name suggests, or null (unknown or personal data). */
	field: LeadField | null;
	personal: { kind: PersonalKind; why: string } | null;
	/** A cell that would be refused if the column is kept. */
	problem: string | null;
}

export interface LeadFile {
	columns: ColumnAnalysis[];
	/** Data lines, cells as read (not trimmed). */
	rows: string[][];
	/** Line numbers of the data lines in the file (for messages). */
	lines: number[];
}

/** Decodes the bytes of an upload: size and encoding first, before anything is parsed. */
export function decodeLeadFile(bytes: Uint8Array): string {
	return decodeUpload(
		bytes,
		{
			maxBytes: MAX_FILE_BYTES,
			tooLarge:
				'The file is larger than 1 MiB. A sample of 10 to 40 leads fits in far less: remove the columns and lines you do not need.',
			notUtf8:
				'The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and upload it again.'
		},
		(message) => new LeadFileError(message)
	);
}

const ALIASES: Record<LeadField, string[]> = {
	reference: ['reference', 'ref', 'id', 'leadid', 'lead', 'leadref', 'leadreference', 'leadno'],
	source: ['source', 'leadsource', 'channel', 'origin'],
	campaign: ['campaign', 'campaignname', 'utmcampaign'],
	companySize: ['companysize', 'size', 'employees', 'headcount', 'numberofemployees'],
	industry: ['industry', 'sector', 'vertical'],
	engagement: ['engagement', 'engagementscore', 'activity', 'leadscore', 'score'],
	budget: ['budget'],
	authority: ['authority', 'role', 'jobtitle', 'title', 'seniority'],
	need: ['need', 'needs', 'painpoint', 'pain'],
	timeline: ['timeline', 'timeframe', 'timing'],
	notes: ['notes', 'note', 'comments', 'comment', 'description']
};

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The field a column's name stands for, if any. */
export function fieldForColumn(name: string): LeadField | null {
	const key = normalise(name);
	for (const field of LEAD_FIELDS) if (ALIASES[field.key].includes(key)) return field.key;
	return null;
}

const EMAIL = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i;
const PHONE = /^\+?[\d\s().-]{7,}$/;
const FULL_NAME = /^\p{Lu}[\p{Ll}'’-]+(?: \p{Lu}\.?)?(?: \p{Lu}[\p{Ll}'’-]+){1,2}$/u;

function personalData(name: string, cells: string[]): ColumnAnalysis['personal'] {
	const header = normalise(name);
	const filled = cells.map((c) => c.trim()).filter(Boolean);
	if (/e?mail/.test(header) || filled.some((c) => EMAIL.test(c))) {
		return { kind: 'email', why: 'it holds email addresses' };
	}
	const isPhone = (c: string) => PHONE.test(c) && c.replace(/\D/g, '').length >= 7;
	if (/phone|mobile|telephone|^tel$|^cell$/.test(header) || filled.some(isPhone)) {
		return { kind: 'phone', why: 'it holds phone numbers' };
	}
	if (/^(full)?name$|contact|firstname|lastname|surname|person/.test(header)) {
		return { kind: 'name', why: 'its name says it holds people’s names' };
	}
	const names = filled.filter((c) => FULL_NAME.test(c)).length;
	if (fieldForColumn(name) === null && filled.length > 0 && names * 2 >= filled.length) {
		return { kind: 'name', why: 'it looks like people’s full names' };
	}
	return null;
}

function cellProblem(cell: string, line: number, column: string): string | null {
	if (isFormula(cell)) {
		return `Line ${line}, column “${column}” starts with ${describeStart(cell)}, which a spreadsheet would run as a formula. Leads are refused with cells starting with =, +, -, @, a tab or a carriage return: remove that character and upload again.`;
	}
	if (cell.trim().length > MAX_CELL_CHARS) {
		return `Line ${line}, column “${column}” holds more than ${MAX_CELL_CHARS} characters: shorten it.`;
	}
	return null;
}

/**
 * Reads the CSV text: the header line, the data lines and what each column looks like.
 * Refuses an empty file, one with no or too many leads, duplicate or unnamed columns, and lines
 * whose number of cells differs from the header's.
 */
export function readLeadFile(text: string): LeadFile {
	const { header, rows } = splitCsv(text, (message) => new LeadFileError(message));
	if (rows.length === 0) {
		throw new LeadFileError('The file names its columns but has no leads: add one line per lead.');
	}
	if (rows.length > MAX_LEADS) {
		throw new LeadFileError(
			`The file has ${rows.length} leads; a calibration sample is at most ${MAX_LEADS}. Choose ${MIN_LEADS} to ${MAX_LEADS} leads.`
		);
	}
	const names = header.map((h) => h.trim());
	const seen = new Map<string, string>();
	names.forEach((name, i) => {
		if (!name) throw new LeadFileError(`Column ${i + 1} has no name: name it or remove it.`);
		const key = name.toLowerCase();
		if (seen.has(key)) {
			throw new LeadFileError(`Two columns are named “${name}”: rename or remove one of them.`);
		}
		seen.set(key, name);
	});
	// Papa Parse reports lines by their place among the data it returns; skipped blank lines
	// are not counted, which is close enough for "line n" in a file of at most 41 lines.
	const lines = rows.map((_, i) => i + 2);
	rows.forEach((row, i) => {
		if (row.length !== names.length) {
			throw new LeadFileError(
				`Line ${lines[i]} has ${row.length} cells where the first line names ${names.length} columns: check its commas and quotes.`
			);
		}
	});
	const columns = names.map((name, index): ColumnAnalysis => {
		const cells = rows.map((r) => r[index] ?? '');
		const personal = personalData(name, cells);
		let problem: string | null = null;
		for (const [i, cell] of cells.entries()) {
			problem = cellProblem(cell, lines[i]!, name);
			if (problem) break;
		}
		return { index, name, field: personal ? null : fieldForColumn(name), personal, problem };
	});
	return { columns, rows, lines };
}

/** Column name → field key, or 'drop'. */
export type ColumnMapping = Record<string, string>;

/**
 * The leads of a file under a mapping. Columns the mapping leaves out keep their suggested
 * field; personal-data columns it leaves out are dropped; an unknown column it leaves out is
 * refused, as is a mapping to something that is not a field, or two columns to one field.
 */
export function leadsFromFile(file: LeadFile, mapping: ColumnMapping = {}): Lead[] {
	for (const name of Object.keys(mapping)) {
		if (!file.columns.some((c) => c.name === name)) {
			throw new LeadFileError(`The file has no column named “${name}”.`);
		}
	}
	const kept: { column: ColumnAnalysis; field: LeadField }[] = [];
	const taken = new Map<string, string>();
	for (const column of file.columns) {
		const chosen = mapping[column.name];
		if (chosen === 'drop' || (chosen === undefined && column.personal)) continue;
		const field = chosen ?? column.field;
		if (field === null) {
			throw new LeadFileError(
				`The column “${column.name}” is not one of the lead fields: map it to a field or drop it.`
			);
		}
		if (!LEAD_FIELD_KEYS.includes(field)) {
			throw new LeadFileError(
				`“${field}” is not a lead field: choose one of the fields or drop the column.`
			);
		}
		const other = taken.get(field);
		if (other) {
			throw new LeadFileError(
				`“${other}” and “${column.name}” both go to ${fieldLabel(field)}: drop one of them.`
			);
		}
		taken.set(field, column.name);
		if (column.problem) throw new LeadFileError(column.problem);
		kept.push({ column, field: field as LeadField });
	}
	if (kept.filter((k) => k.field !== 'reference').length === 0) {
		throw new LeadFileError(
			'Keep at least one column besides the reference: a lead needs something to judge.'
		);
	}
	return file.rows.map((row, i) => {
		const fields: Lead['fields'] = {};
		for (const { column, field } of kept) {
			const text = (row[column.index] ?? '').trim();
			if (text) fields[field] = text;
		}
		const { reference, ...rest } = fields;
		if (Object.keys(rest).length === 0) {
			throw new LeadFileError(
				`Line ${file.lines[i]} has nothing in the columns kept: fill it in or remove the line.`
			);
		}
		return { id: `l${i + 1}`, reference: reference || `Lead ${i + 1}`, fields: rest };
	});
}

/** The rules for one lead typed in by hand: the same as a file's cells. */
export function checkTypedLead(input: {
	reference: string;
	fields: Record<string, string>;
}): Omit<Lead, 'id'> {
	const fields: Lead['fields'] = {};
	for (const [key, value] of Object.entries(input.fields)) {
		if (!LEAD_FIELD_KEYS.includes(key) || key === 'reference') {
			throw new LeadFileError(`“${key}” is not a lead field.`);
		}
		const text = value.trim();
		if (!text) continue;
		const problem = cellProblem(value, 1, fieldLabel(key));
		if (problem) throw new LeadFileError(problem.replace(/^Line 1, column/, 'The field'));
		fields[key as LeadField] = text;
	}
	if (isFormula(input.reference)) {
		throw new LeadFileError(
			`The reference starts with ${describeStart(input.reference)}, which a spreadsheet would run as a formula: remove that character.`
		);
	}
	if (Object.keys(fields).length === 0) {
		throw new LeadFileError('Fill in at least one field: a lead needs something to judge.');
	}
	return { reference: input.reference.trim(), fields };
}
