import { describe, expect, test } from 'vitest';
import {
	betweenGroups,
	fleiss,
	formatKappa,
	subjectAgreement,
	UNANIMOUS_NOTE
} from '../../src/lib/domain/calibration/kappa';

/**
 * Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
 * Bulletin, 76(5), 378–382, Table 1: 30 psychiatric patients, each diagnosed by 6 of a pool of
 * psychiatrists into depression, personality disorder, schizophrenia, neurosis or other. The
 * paper reports κ = .430 (P̄ = .556, P̄e = .220).
 */
const FLEISS_1971 = [
	[0, 0, 0, 6, 0],
	[0, 3, 0, 0, 3],
	[0, 1, 4, 0, 1],
	[0, 0, 0, 0, 6],
	[0, 3, 0, 3, 0],
	[2, 0, 4, 0, 0],
	[0, 0, 4, 0, 2],
	[2, 0, 3, 1, 0],
	[2, 0, 0, 4, 0],
	[0, 0, 0, 0, 6],
	[1, 0, 0, 5, 0],
	[1, 1, 0, 4, 0],
	[0, 3, 3, 0, 0],
	[1, 0, 0, 5, 0],
	[0, 2, 0, 3, 1],
	[0, 0, 5, 0, 1],
	[3, 0, 0, 1, 2],
	[5, 1, 0, 0, 0],
	[0, 2, 0, 4, 0],
	[1, 0, 2, 0, 3],
	[0, 0, 0, 0, 6],
	[0, 1, 0, 5, 0],
	[0, 2, 0, 1, 3],
	[2, 0, 0, 4, 0],
	[1, 0, 0, 4, 1],
	[0, 5, 0, 1, 0],
	[4, 0, 0, 0, 2],
	[0, 2, 0, 4, 0],
	[1, 0, 5, 0, 0],
	[0, 0, 0, 0, 6]
];

/**
 * Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories;
 * P̄ = 0.378, P̄e = 0.213, κ = 0.210.
 */
const WIKIPEDIA = [
	[0, 0, 0, 0, 14],
	[0, 2, 6, 4, 2],
	[0, 0, 3, 5, 6],
	[0, 3, 9, 2, 0],
	[2, 2, 8, 1, 1],
	[7, 7, 0, 0, 0],
	[3, 2, 6, 3, 0],
	[2, 5, 3, 2, 2],
	[6, 5, 2, 1, 0],
	[0, 2, 2, 3, 7]
];

describe("Fleiss' kappa and percent agreement", () => {
	test('Fleiss (1971), Table 1: six raters, thirty patients, κ = .430', () => {
		const result = fleiss(FLEISS_1971)!;
		expect(result.kappa).toBeCloseTo(0.43, 3);
		expect(result.percent / 100).toBeCloseTo(0.556, 3);
		expect(result.chancePercent / 100).toBeCloseTo(0.22, 3);
		expect(result).toMatchObject({ subjects: 30, ratings: 180, undefinedReason: null });
		expect(formatKappa(result)).toBe('0.43');
	});

	test('Wikipedia’s worked example: fourteen raters, ten subjects, κ ≈ 0.210', () => {
		const result = fleiss(WIKIPEDIA)!;
		expect(result.kappa).toBeCloseTo(0.21, 3);
		expect(result.percent / 100).toBeCloseTo(0.378, 3);
		expect(result.chancePercent / 100).toBeCloseTo(0.213, 3);
		expect(subjectAgreement(WIKIPEDIA[1]!)).toBeCloseTo(0.253, 3);
	});

	test('two raters: Scott’s pi, worked by hand', () => {
		// Two raters, ten leads, categories MQL / SQL / nurture. They agree on 7 leads
		// (4 MQL, 2 SQL, 1 nurture); they split MQL/SQL twice and MQL/nurture once.
		// Ratings: MQL 4·2+3 = 11, SQL 2·2+2 = 6, nurture 1·2+1 = 3 of 20.
		// P̄ = 0.7; P̄e = 0.55² + 0.3² + 0.15² = 0.415; π = (0.7 − 0.415) / 0.585 = 0.48718.
		const table = [
			...Array.from({ length: 4 }, () => [2, 0, 0]),
			...Array.from({ length: 2 }, () => [0, 2, 0]),
			[0, 0, 2],
			[1, 1, 0],
			[1, 1, 0],
			[1, 0, 1]
		];
		const result = fleiss(table)!;
		expect(result.percent).toBeCloseTo(70, 6);
		expect(result.chancePercent).toBeCloseTo(41.5, 6);
		expect(result.kappa).toBeCloseTo(0.285 / 0.585, 6);
	});

	test('many raters who all agree on every lead, in different categories: κ = 1', () => {
		const table = [
			[9, 0, 0],
			[0, 9, 0],
			[0, 0, 9],
			[9, 0, 0]
		];
		expect(fleiss(table)).toMatchObject({ kappa: 1, percent: 100, undefinedReason: null });
	});

	test('unanimous ratings of a single category: no kappa, 100% agreement and the reason said', () => {
		const result = fleiss([
			[6, 0, 0],
			[6, 0, 0],
			[6, 0, 0]
		])!;
		expect(result).toMatchObject({ kappa: null, percent: 100, undefinedReason: UNANIMOUS_NOTE });
		expect(UNANIMOUS_NOTE).toBe('kappa not defined: every rating was the same category');
		expect(formatKappa(result)).toBe('not defined');
	});

	test('agreement below chance is negative; subjects with one rating do not count', () => {
		// Two raters who never agree, with balanced categories: P̄ = 0, P̄e = 0.5, κ = −1.
		expect(
			fleiss([
				[1, 1],
				[1, 1],
				[0, 1]
			])
		).toMatchObject({ kappa: -1, percent: 0, subjects: 2 });
		expect(fleiss([[1, 0]])).toBeNull();
	});

	test('between teams: only pairs across teams count; one rater per team is Scott’s pi again', () => {
		// Sales and Marketing, one rater each: the same ten leads as the two-rater example.
		const sales = [
			...Array.from({ length: 4 }, () => [1, 0, 0]),
			...Array.from({ length: 2 }, () => [0, 1, 0]),
			[0, 0, 1],
			[1, 0, 0],
			[1, 0, 0],
			[1, 0, 0]
		];
		const marketing = [
			...Array.from({ length: 4 }, () => [1, 0, 0]),
			...Array.from({ length: 2 }, () => [0, 1, 0]),
			[0, 0, 1],
			[0, 1, 0],
			[0, 1, 0],
			[0, 0, 1]
		];
		expect(betweenGroups([sales, marketing])!.kappa).toBeCloseTo(0.285 / 0.585, 6);

		// Each team agrees within itself and the teams never agree with each other.
		const salesTeam = [
			[3, 0],
			[3, 0]
		];
		const marketingTeam = [
			[0, 3],
			[0, 3]
		];
		const between = betweenGroups([salesTeam, marketingTeam])!;
		expect(between).toMatchObject({ kappa: -1, percent: 0 });
		expect(fleiss(salesTeam)!.undefinedReason).toBe(UNANIMOUS_NOTE);
		expect(betweenGroups([salesTeam])).toBeNull();
	});
});
