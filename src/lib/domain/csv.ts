/**
 * What every CSV upload (a calibration sample, a CRM lead report) reads first: the bytes as
 * UTF-8 text, then the header and the data lines (Papa Parse); and the cells both refuse, those
 * a spreadsheet would run as a formula. Each upload refuses with its own error class and its
 * own words for size and encoding.
 */
import Papa from 'papaparse';

/**
 * The bytes as text: refused when larger than `maxBytes`, or when not UTF-8 (decoded with
 * `fatal: true`, so a Windows-1252 or UTF-16 export is refused rather than read as mojibake).
 * A BOM (Excel's "CSV UTF-8") is dropped by the decoder.
 */
export function decodeUpload(
	bytes: Uint8Array,
	rules: { maxBytes: number; tooLarge: string; notUtf8: string },
	refuse: (message: string) => Error
): string {
	if (bytes.length > rules.maxBytes) throw refuse(rules.tooLarge);
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw refuse(rules.notUtf8);
	}
	// The database stores no NUL in text; refused here, with its line, not at the write.
	const nul = text.indexOf('\u0000');
	if (nul >= 0) {
		const line = text.slice(0, nul).split('\n').length;
		throw refuse(
			`Line ${line} holds a null character, which cannot be stored. Remove it (open the file in a text editor) and upload it again.`
		);
	}
	return text;
}

/**
 * The header line's cells and the data lines, blank lines skipped. Refused when a quotation
 * mark is never closed (naming its line: Papa's row counts the header as 0) or when the first
 * line names no column.
 */
export function splitCsv(
	text: string,
	refuse: (message: string) => Error
): { header: string[]; rows: string[][] } {
	const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: 'greedy' });
	const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
	if (quoteError) {
		throw refuse(
			`Line ${(quoteError.row ?? 0) + 1} has a quotation mark that is never closed: check the quotes on that line.`
		);
	}
	const [header, ...rows] = parsed.data;
	if (!header || header.every((h) => !h.trim())) {
		throw refuse(
			'The file is empty. Its first line names the columns; each line after it is one lead.'
		);
	}
	return { header, rows };
}

/**
 * Whether a spreadsheet would run this cell as a formula (OWASP: CSV injection): it starts
 * with = + - @, a tab or a carriage return. A lone "-" means "none" and runs nothing.
 */
export function isFormula(cell: string): boolean {
	return /^[=+\-@\t\r]/.test(cell) && cell !== '-';
}

/** The formula's first character, in words a message can show. */
export function describeStart(cell: string): string {
	const first = cell[0];
	if (first === '\t') return 'a tab';
	if (first === '\r') return 'a carriage return';
	return `“${first}”`;
}
