/**
 * Evidence from a CRM lead report against the signed charter: the upload is read in memory,
 * judged against the terms of the latest signed version, and only its counts per month are
 * written (crm_evidence_period). A refused upload writes nothing.
 */
import { fail } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import * as v from 'valibot';
import { decodeUpload } from '../domain/csv';
import { charterTerms, type CharterTerms } from '../domain/crm-evidence/terms';
import { isTimeZone } from '../domain/crm-evidence/hours';
import {
	EvidenceFileError,
	readEvidence,
	type EvidenceReading,
	type EvidenceTerms
} from '../domain/crm-evidence/leads';
import {
	EVIDENCE_FIELD_KEYS,
	type EvidenceField,
	type EvidenceMapping
} from '../domain/crm-evidence/columns';
import {
	clockOf,
	evidenceLines,
	type EvidenceLine,
	type EvidencePageData,
	type StoredPeriod
} from '../domain/crm-evidence/measures';
import { latestSigned } from './charter';
import { db } from './db';
import { crmEvidencePeriod } from './db/schema';
import { failRefusal } from './refusals';
import { RuleError } from './rules';

/** 16 MiB: a 50,000-lead export with the columns the evidence reads fits well within it. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

export { EvidenceFileError };

export interface UploadOptions {
	mapping: EvidenceMapping;
	/** The export's time zone: dates without a zone are read in it, and business hours counted. */
	timeZone: string;
}

export interface UploadResult {
	rows: number;
	notMqls: number;
	periods: string[];
	exportKind: EvidenceReading['exportKind'];
	terms: EvidenceTerms;
	isHourModeStated: boolean;
}

/** The terms of the latest signed version, or a refusal when no version is signed yet. */
export async function signedTerms(
	workshopId: string
): Promise<{ versionNumber: number; terms: CharterTerms }> {
	const signed = await latestSigned(workshopId);
	if (!signed) {
		throw new RuleError(
			'Evidence from the CRM is measured against a signed charter: no version is signed yet. Upload the lead report once every leader has signed.',
			409
		);
	}
	return { versionNumber: signed.number, terms: charterTerms(signed.content) };
}

/** Decodes the file's bytes as UTF-8 (a BOM is dropped); refuses another encoding. */
export function decode(bytes: Uint8Array): string {
	return decodeUpload(
		bytes,
		{
			maxBytes: MAX_UPLOAD_BYTES,
			tooLarge:
				'The file is larger than 16 MiB. Export only the columns the evidence reads, or a shorter period.',
			notUtf8:
				'The file is not UTF-8 text. Export it from the CRM as CSV (UTF-8) and upload it again.'
		},
		(message) => new EvidenceFileError(message)
	);
}

export async function upload(
	workshopId: string,
	actor: string,
	bytes: Uint8Array,
	options: UploadOptions
): Promise<UploadResult> {
	const { versionNumber, terms: agreed } = await signedTerms(workshopId);
	const zone = agreed.timeZone ?? options.timeZone;
	if (!isTimeZone(zone)) {
		throw new EvidenceFileError(
			`“${options.timeZone}” is not a time zone this server knows. Write one like Europe/Berlin, America/New_York or UTC.`
		);
	}
	const terms: EvidenceTerms = {
		slaHours: agreed.slaHours,
		hourMode: agreed.hourMode,
		timeZone: zone,
		threshold: agreed.threshold
	};
	const reading = readEvidence(decode(bytes), terms, options.mapping);
	await db().transaction(async (tx) => {
		for (const p of reading.periods) {
			const row = {
				...p,
				workshopId,
				versionNumber,
				slaHours: terms.slaHours,
				hourMode: terms.hourMode,
				timeZone: terms.timeZone,
				threshold: terms.threshold,
				recordedBy: actor
			};
			await tx
				.insert(crmEvidencePeriod)
				.values(row)
				.onConflictDoUpdate({
					target: [crmEvidencePeriod.workshopId, crmEvidencePeriod.period],
					set: { ...row, updatedAt: new Date() }
				});
		}
	});
	return {
		rows: reading.rows,
		notMqls: reading.notMqls,
		periods: reading.periods.map((p) => p.period),
		exportKind: reading.exportKind,
		terms,
		isHourModeStated: agreed.isHourModeStated
	};
}

export interface EvidenceView {
	lines: EvidenceLine[];
	/** The clock, zone and terms of the latest month, in words for the page. */
	latest: StoredPeriod | null;
	drift: EvidenceLine[];
}

/** The stored months as lines of "Measures since signing". */
export async function view(workshopId: string): Promise<EvidenceView> {
	const rows = await db()
		.select()
		.from(crmEvidencePeriod)
		.where(eq(crmEvidencePeriod.workshopId, workshopId));
	const stored: StoredPeriod[] = rows.map((r) => ({
		period: r.period,
		mqls: r.mqls,
		withinSla: r.withinSla,
		atThreshold: r.atThreshold,
		returnedToNurture: r.returnedToNurture,
		returnedWithoutReason: r.returnedWithoutReason,
		sqls: r.sqls,
		slaHours: r.slaHours,
		hourMode: r.hourMode,
		timeZone: r.timeZone,
		threshold: r.threshold
	}));
	const lines = evidenceLines(stored);
	const latest = [...stored].sort((a, b) => a.period.localeCompare(b.period)).at(-1) ?? null;
	return { lines, latest, drift: lines.filter((l) => l.isDrift) };
}

const FIELD_TEXT = v.pipe(
	v.string(),
	v.trim(),
	v.maxLength(200, 'A column name is at most 200 characters.')
);
const uploadFormSchema = v.object({
	timeZone: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty('Say the time zone of the export’s dates (UTC if unsure).'),
		v.maxLength(64, 'A time zone name is at most 64 characters.')
	),
	mapping: v.object(
		Object.fromEntries(EVIDENCE_FIELD_KEYS.map((k) => [k, v.optional(FIELD_TEXT)])) as Record<
			EvidenceField,
			v.OptionalSchema<typeof FIELD_TEXT, undefined>
		>
	)
});

/**
 * The upload form action, for the charter page and the leader's page alike: the caller has
 * checked who may upload. A refusal answers 400/409/413 with the reason under `evidence`,
 * the typed time zone and column names kept, and the required fields still missing (the
 * mapping step); nothing is written.
 */
export async function uploadAction(request: Request, workshopId: string, actor: string) {
	let form: FormData;
	try {
		form = await request.formData();
	} catch (e) {
		if ((e as { status?: number }).status === 413) {
			return refusal(413, 'The file is larger than the server accepts. Export a shorter period.');
		}
		return refusal(400, 'The upload could not be read: choose the CSV file and send it again.');
	}
	const text = (name: string) => {
		const value = form.get(name);
		return typeof value === 'string' ? value : '';
	};
	const values: Record<string, string> = { timeZone: text('timeZone') };
	for (const key of EVIDENCE_FIELD_KEYS) values[`column.${key}`] = text(`column.${key}`);
	const checked = v.safeParse(uploadFormSchema, {
		timeZone: values.timeZone,
		mapping: Object.fromEntries(
			EVIDENCE_FIELD_KEYS.map((k) => [k, values[`column.${k}`] || undefined])
		)
	});
	if (!checked.success) return refusal(400, checked.issues[0].message, values);
	const file = form.get('file');
	if (!(file instanceof File) || file.size === 0) {
		return refusal(400, 'Choose the lead report (a CSV file exported from the CRM).', values);
	}
	if (file.size > MAX_UPLOAD_BYTES) {
		return refusal(
			413,
			'The file is larger than 16 MiB. Export only the columns the evidence reads, or a shorter period.',
			values
		);
	}
	try {
		const result = await upload(workshopId, actor, new Uint8Array(await file.arrayBuffer()), {
			mapping: checked.output.mapping,
			timeZone: checked.output.timeZone
		});
		return { evidence: result };
	} catch (e) {
		if (e instanceof EvidenceFileError) return refusal(400, e.message, values, e.missing);
		return failRefusal(e, (refused) => refusalData(refused.message, values));
	}
}

function refusal(
	status: number,
	message: string,
	values: Record<string, string> = {},
	missing: EvidenceField[] = []
) {
	return fail(status, refusalData(message, values, missing));
}

/** What the evidence form shows of a refusal: the words, what was chosen, the columns missing. */
function refusalData(
	message: string,
	values: Record<string, string>,
	missing: EvidenceField[] = []
) {
	return { errors: { evidence: message }, values, missing };
}

/** What a page shows of the evidence: the lines, the terms the upload will use, in words. */
export async function pageData(workshopId: string): Promise<EvidencePageData | null> {
	const signed = await latestSigned(workshopId);
	if (!signed) return null;
	const terms = charterTerms(signed.content);
	const shown = await view(workshopId);
	return {
		lines: shown.lines,
		drift: shown.drift.map((l) => ({ name: l.name, target: l.target, detail: l.detail })),
		judgedWith: shown.latest && {
			slaHours: shown.latest.slaHours,
			threshold: shown.latest.threshold,
			clock: clockOf(shown.latest)
		},
		terms: {
			slaHours: terms.slaHours,
			threshold: terms.threshold,
			hourMode: terms.hourMode,
			isHourModeStated: terms.isHourModeStated,
			timeZone: terms.timeZone
		}
	};
}
