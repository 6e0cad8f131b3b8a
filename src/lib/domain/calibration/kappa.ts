/**
 * Agreement among raters who sort the same subjects into categories: Fleiss' kappa (Fleiss,
 * J. L. (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin,
 * 76(5), 378–382), with the percent agreement it is built from beside it.
 *
 * The input is Fleiss' own table: one row per subject (a lead), one column per category, each
 * cell the number of raters who put that subject in that category.
 *
 * - Percent agreement (Fleiss' P̄) is the share of pairs of raters who agree on a subject,
 *   averaged over the subjects: "of every two people who classified the same lead, how often
 *   did they choose the same category".
 * - Chance agreement (P̄e) is Σ pⱼ², pⱼ being the share of all ratings in category j.
 * - κ = (P̄ − P̄e) / (1 − P̄e): 1 when everyone agrees on every subject, 0 when they agree no
 *   more than chance would, negative when less.
 *
 * Rows may have different numbers of raters (each P_i uses its own nᵢ; rows with fewer than
 * two raters have no pairs and are left out). With exactly two raters this is Scott's pi.
 *
 * One edge case has no kappa at all: when every rating is the same category, P̄e = 1 and the
 * formula is 0/0. The room then sees the percent agreement (100%) and the words
 * UNANIMOUS_NOTE, never a number made up for it.
 */

export const UNANIMOUS_NOTE = 'kappa not defined: every rating was the same category';

export interface Agreement {
	/** Fleiss' kappa; null when it is not defined (see `undefinedReason`). */
	kappa: number | null;
	/** P̄ as a percentage, 0–100. */
	percent: number;
	/** P̄e as a percentage: the agreement chance alone would give. */
	chancePercent: number;
	/** Subjects with at least two ratings (the ones that count). */
	subjects: number;
	/** Ratings in those subjects. */
	ratings: number;
	/** Why kappa is null, in words for the room. */
	undefinedReason: string | null;
}

/** Pairs among n raters. */
const pairs = (n: number) => (n * (n - 1)) / 2;

/** Agreement among the raters of one subject (P_i): agreeing pairs over all pairs. */
export function subjectAgreement(row: readonly number[]): number | null {
	const n = row.reduce((s, x) => s + x, 0);
	if (n < 2) return null;
	return row.reduce((s, x) => s + pairs(x), 0) / pairs(n);
}

/**
 * Fleiss' kappa and percent agreement of a subjects × categories table of counts; null when
 * no subject has two ratings.
 */
export function fleiss(table: readonly (readonly number[])[]): Agreement | null {
	let sumP = 0;
	let subjects = 0;
	let ratings = 0;
	const categoryTotals: number[] = [];
	for (const row of table) {
		const p = subjectAgreement(row);
		if (p === null) continue;
		sumP += p;
		subjects += 1;
		row.forEach((x, j) => {
			categoryTotals[j] = (categoryTotals[j] ?? 0) + x;
			ratings += x;
		});
	}
	if (subjects === 0) return null;
	const observed = sumP / subjects;
	const chance = categoryTotals.reduce((s, x) => s + (x / ratings) ** 2, 0);
	return finish(observed, chance, subjects, ratings);
}

function finish(observed: number, chance: number, subjects: number, ratings: number): Agreement {
	// Within rounding of 1: every rating in one category.
	const isDegenerate = 1 - chance < 1e-12;
	return {
		kappa: isDegenerate ? null : (observed - chance) / (1 - chance),
		percent: observed * 100,
		chancePercent: chance * 100,
		subjects,
		ratings,
		undefinedReason: isDegenerate ? UNANIMOUS_NOTE : null
	};
}

/**
 * Agreement between groups of raters (teams): Fleiss' statistic restricted to pairs of raters
 * from different groups. Per subject, the share of cross-group pairs that agree; averaged;
 * corrected by the same pooled chance agreement (Σ pⱼ² over every rating) as the overall
 * kappa, so that a group that reads a category more generously than the other (marketing
 * calling more leads MQL) shows as disagreement rather than being absorbed into "chance".
 *
 * `tables[g][i][j]`: raters of group g who put subject i in category j. Null when no subject
 * was rated by at least two groups.
 */
export function betweenGroups(
	tables: readonly (readonly (readonly number[])[])[]
): Agreement | null {
	if (tables.length < 2) return null;
	const subjectCount = Math.max(...tables.map((t) => t.length));
	let sumP = 0;
	let subjects = 0;
	let ratings = 0;
	const categoryTotals: number[] = [];
	for (let i = 0; i < subjectCount; i++) {
		const rows = tables.map((t) => t[i] ?? []);
		const sizes = rows.map((r) => r.reduce((s, x) => s + x, 0));
		let crossPairs = 0;
		let agreeing = 0;
		for (let a = 0; a < rows.length; a++) {
			for (let b = a + 1; b < rows.length; b++) {
				crossPairs += sizes[a]! * sizes[b]!;
				rows[a]!.forEach((x, j) => (agreeing += x * (rows[b]![j] ?? 0)));
			}
		}
		if (crossPairs === 0) continue;
		sumP += agreeing / crossPairs;
		subjects += 1;
		for (const row of rows) {
			row.forEach((x, j) => {
				categoryTotals[j] = (categoryTotals[j] ?? 0) + x;
				ratings += x;
			});
		}
	}
	if (subjects === 0) return null;
	const chance = categoryTotals.reduce((s, x) => s + (x / ratings) ** 2, 0);
	return finish(sumP / subjects, chance, subjects, ratings);
}

/** Kappa as the room reads it: two decimals, or the reason there is none. */
export function formatKappa(agreement: Pick<Agreement, 'kappa'> | null): string {
	if (!agreement || agreement.kappa === null) return 'not defined';
	const rounded = Math.round(agreement.kappa * 100) / 100;
	// −0.00 reads as a sign error.
	return (Object.is(rounded, -0) ? 0 : rounded).toFixed(2);
}

export function formatPercent(agreement: Pick<Agreement, 'percent'> | null): string {
	return agreement ? `${Math.round(agreement.percent)}%` : '–';
}
