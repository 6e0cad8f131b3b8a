/**
 * A lead report exported from the CRM, read into evidence per month: how many MQLs sales
 * touched within the agreed SLA, how many MQLs reached the agreed score, how many leads went
 * back to nurture without a reason, and how many MQLs became SQLs. Pure rules (Papa Parse for
 * the CSV), so the upload and the unit tests answer the same way.
 *
 * Only the counts per month leave this module's caller; the rows are read and dropped.
 *
 * The rules, each refused with words that say what to fix:
 * - at most 50,000 leads; the first line names the columns;
 * - every required column is there (named in the error), found by the export's standard
 *   names or by the mapping step;
 * - every date in a read column is a date (the error names the line and the column);
 * - spreadsheet formulas are refused, not neutralised: a cell in a read column may not start
 *   with =, +, -, @, a tab or a carriage return (OWASP's list; a lone "-" means "none"). The
 *   cells are never stored, so neutralising would protect nothing; refusing tells the person
 *   their export holds something a spreadsheet would run, before anyone opens it.
 *   Columns the evidence does not read (names, emails, phone numbers that start with "+")
 *   are not looked at.
 *
 * A lead counts as an MQL when its MQL date is filled; its month is the MQL date's month in
 * the export's time zone. A lead never touched counts as outside the SLA. A lead is back in
 * nurture when its status says nurture or recycled; without a reason when the reason column
 * is missing or empty. It converted when its SQL date is filled.
 */
import {
	chooseColumns,
	exportKindOf,
	fieldInfo,
	type EvidenceField,
	type EvidenceMapping,
	type ExportKind
} from './columns';
import { describeStart, isFormula, splitCsv } from '../csv';
import { DATE_FORMATS_HINT, parseDate } from './dates';
import { hoursBetween, monthOf, type HourMode } from './hours';

export const MAX_LEAD_ROWS = 50_000;

export class EvidenceFileError extends Error {
	override name = 'EvidenceFileError';
	constructor(
		message: string,
		/** Required fields no column stands for: the page offers the mapping step for them. */
		readonly missing: EvidenceField[] = []
	) {
		super(message);
	}
}

export interface EvidenceTerms {
	slaHours: number | null;
	hourMode: HourMode;
	/** Where business hours are counted, and where dates without a zone are read. */
	timeZone: string;
	threshold: number | null;
}

export interface LeadVerdict {
	/** The line of the file (the header is line 1). */
	line: number;
	period: string;
	/** Null when the charter agreed no SLA. */
	isWithinSla: boolean | null;
	hoursToTouch: number | null;
	/** Null when the charter agreed no threshold. */
	isAtThreshold: boolean | null;
	isReturnedToNurture: boolean;
	hasReason: boolean;
	isSql: boolean;
}

/** The counts of one month: everything the upload keeps. */
export interface PeriodEvidence {
	period: string;
	mqls: number;
	withinSla: number;
	atThreshold: number;
	returnedToNurture: number;
	returnedWithoutReason: number;
	sqls: number;
}

export interface EvidenceReading {
	exportKind: ExportKind;
	rows: number;
	/** Lines without an MQL date: not MQLs, not counted. */
	notMqls: number;
	verdicts: LeadVerdict[];
	periods: PeriodEvidence[];
}

const NURTURE = /nurtur|recycl/i;

export function isNurtureStatus(status: string): boolean {
	return NURTURE.test(status);
}

/** Reads the CSV text into verdicts per lead and counts per month; throws EvidenceFileError. */
export function readEvidence(
	text: string,
	terms: EvidenceTerms,
	mapping: EvidenceMapping = {}
): EvidenceReading {
	const { header, rows } = splitCsv(text, (message) => new EvidenceFileError(message));
	if (rows.length > MAX_LEAD_ROWS) {
		throw new EvidenceFileError(
			`The file has ${rows.length.toLocaleString('en-GB')} leads; an upload holds at most ${MAX_LEAD_ROWS.toLocaleString('en-GB')}. Export a shorter period (a quarter, or a few months) and upload each in turn.`
		);
	}
	if (rows.length === 0) {
		throw new EvidenceFileError(
			'The file names its columns but has no leads: export the leads too.'
		);
	}
	const names = header.map((h) => h.trim());
	const choice = chooseColumns(names, mapping);
	if (choice.unknown.length > 0) {
		const { field, name } = choice.unknown[0]!;
		throw new EvidenceFileError(
			`The file has no column named “${name}” (chosen for ${fieldInfo(field).label}). Its columns are: ${names.join(', ')}.`
		);
	}
	if (choice.missing.length > 0) {
		const list = choice.missing.map((f) => `“${fieldInfo(f).label}”`).join(', ');
		throw new EvidenceFileError(
			`The file lacks ${choice.missing.length === 1 ? 'a required column' : 'required columns'}: ${list}. Name the column that holds ${choice.missing.length === 1 ? 'it' : 'each'} below, or export ${choice.missing.length === 1 ? 'it' : 'them'} from the CRM.`,
			choice.missing
		);
	}
	const at = choice.positions;
	const read = Object.entries(at) as [EvidenceField, number][];
	const cell = (row: string[], field: EvidenceField) => {
		const i = at[field];
		return i === undefined ? '' : (row[i] ?? '');
	};
	const verdicts: LeadVerdict[] = [];
	let notMqls = 0;
	rows.forEach((row, index) => {
		const line = index + 2;
		for (const [, i] of read) {
			const value = row[i] ?? '';
			if (isFormula(value)) {
				throw new EvidenceFileError(
					`Line ${line}, column “${names[i]}” starts with ${describeStart(value)}, which a spreadsheet would run as a formula. Remove that character from the export and upload it again; nothing was kept.`
				);
			}
		}
		const date = (field: EvidenceField) => {
			const value = cell(row, field);
			const parsedDate = parseDate(value, terms.timeZone);
			if (parsedDate === undefined) {
				throw new EvidenceFileError(
					`Line ${line}, column “${names[at[field]!]}”: “${value.trim().slice(0, 40)}” is not a date. Dates are read as ${DATE_FORMATS_HINT}.`
				);
			}
			return parsedDate;
		};
		const mql = date('mqlDate');
		const touch = date('firstTouch');
		const sql = date('sqlDate');
		if (mql === null) {
			notMqls++;
			return;
		}
		const scoreText = cell(row, 'score').trim();
		const score = scoreText === '' ? null : Number(scoreText.replace(/,/g, ''));
		if (score !== null && !Number.isFinite(score)) {
			throw new EvidenceFileError(
				`Line ${line}, column “${names[at.score!]}”: “${scoreText.slice(0, 40)}” is not a number.`
			);
		}
		const hoursToTouch =
			touch === null ? null : hoursBetween(mql, touch, terms.hourMode, terms.timeZone);
		const isReturnedToNurture = isNurtureStatus(cell(row, 'status'));
		verdicts.push({
			line,
			period: monthOf(mql, terms.timeZone),
			hoursToTouch,
			isWithinSla:
				terms.slaHours === null ? null : hoursToTouch !== null && hoursToTouch <= terms.slaHours,
			isAtThreshold: terms.threshold === null ? null : score !== null && score >= terms.threshold,
			isReturnedToNurture,
			hasReason: cell(row, 'nurtureReason').trim() !== '',
			isSql: sql !== null
		});
	});
	if (verdicts.length === 0) {
		throw new EvidenceFileError(
			`No lead in the file has a date in “${names[at.mqlDate!]}”: none became an MQL, so there is nothing to measure.`
		);
	}
	return {
		exportKind: exportKindOf(names),
		rows: rows.length,
		notMqls,
		verdicts,
		periods: countPerPeriod(verdicts)
	};
}

/** The counts per month, oldest first. */
export function countPerPeriod(verdicts: readonly LeadVerdict[]): PeriodEvidence[] {
	const byPeriod = new Map<string, PeriodEvidence>();
	for (const v of verdicts) {
		let p = byPeriod.get(v.period);
		if (!p) {
			p = {
				period: v.period,
				mqls: 0,
				withinSla: 0,
				atThreshold: 0,
				returnedToNurture: 0,
				returnedWithoutReason: 0,
				sqls: 0
			};
			byPeriod.set(v.period, p);
		}
		p.mqls++;
		if (v.isWithinSla) p.withinSla++;
		if (v.isAtThreshold) p.atThreshold++;
		if (v.isReturnedToNurture) {
			p.returnedToNurture++;
			if (!v.hasReason) p.returnedWithoutReason++;
		}
		if (v.isSql) p.sqls++;
	}
	return [...byPeriod.values()].sort((a, b) => a.period.localeCompare(b.period));
}
