/** Follow-up of the signed charter's measures: their recorded values and status. */
import { eq } from 'drizzle-orm';
import { measuresOf, nextReviewDate } from '../../domain/charter/content';
import { measureStatus, type MeasureStatus } from '../../domain/charter/follow-up';
import { db } from '../db';
import { charterMeasureValue } from '../db/schema';
import { RuleError } from '../rules';
import { appendEvent } from './audit';
import type { Version } from './rules';
import { latestSigned } from './versions';

export interface FollowUpLine {
	measureId: string;
	name: string;
	owner: string;
	baseline: string;
	target: string;
	status: MeasureStatus;
}

/**
 * The measures of the latest signed version with their recorded values. Null before any
 * version has been signed by every invited leader: follow-up starts after signing.
 */
export async function followUp(
	workshopId: string
): Promise<{ version: Version; measures: FollowUpLine[]; nextReview: string | null } | null> {
	const signed = await latestSigned(workshopId);
	if (!signed) return null;
	const values = await db()
		.select()
		.from(charterMeasureValue)
		.where(eq(charterMeasureValue.workshopId, workshopId));
	const str = (v: unknown) => (typeof v === 'string' ? v : '');
	return {
		version: signed,
		nextReview: nextReviewDate(signed.content),
		measures: measuresOf(signed.content).map((m) => {
			const written = { baseline: str(m.data.baseline), target: str(m.data.target) };
			return {
				measureId: m.id,
				name: m.text,
				owner: str(m.data.owner),
				...written,
				status: measureStatus(
					written,
					values
						.filter((v) => v.measureId === m.id)
						.map((v) => ({ period: v.period, value: v.value }))
				)
			};
		})
	};
}

export async function recordMeasure(
	workshopId: string,
	actor: string,
	input: { measureId: string; period: string; value: number; recordedBy: string }
): Promise<void> {
	const signed = await latestSigned(workshopId);
	if (!signed) {
		throw new RuleError(
			'Measures are followed up once the charter is signed: no version is signed yet.',
			409
		);
	}
	if (!measuresOf(signed.content).some((m) => m.id === input.measureId)) {
		throw new RuleError('The signed charter has no such measure.', 404);
	}
	await db().transaction(async (tx) => {
		await tx
			.insert(charterMeasureValue)
			.values({ workshopId, ...input })
			.onConflictDoUpdate({
				target: [
					charterMeasureValue.workshopId,
					charterMeasureValue.measureId,
					charterMeasureValue.period
				],
				set: { value: input.value, recordedBy: input.recordedBy, updatedAt: new Date() }
			});
		await appendEvent(tx, workshopId, {
			kind: 'measure-recorded',
			actor,
			versionId: signed.id,
			data: { ...input }
		});
	});
}
