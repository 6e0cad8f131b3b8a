/**
 * A calibration round's result in words: one line for an agreement's evidence, the charter and
 * the exports, so they all say the same.
 */
import { formatKappa, formatPercent, type Agreement } from './kappa';
import type { CalibrationResult } from './results';

/** "κ 0.68 (82% of pairs agree)", or the percent and the reason kappa is missing. */
export function describeAgreement(agreement: Agreement | null): string {
	if (!agreement) return 'not shown';
	if (agreement.kappa === null) {
		return `${formatPercent(agreement)} of pairs agree (${agreement.undefinedReason})`;
	}
	return `Fleiss’ kappa ${formatKappa(agreement)} (${formatPercent(agreement)} of pairs agree)`;
}

export function describeRound(result: CalibrationResult, leads: number): string {
	const who = `${leads} ${leads === 1 ? 'lead' : 'leads'} classified by ${result.voters} ${result.voters === 1 ? 'person' : 'people'}`;
	if (!result.isShown) {
		return `${who}; fewer than ${result.k} classified, so no figures are shown.`;
	}
	const between = result.betweenTeams
		? `; between teams ${describeAgreement(result.betweenTeams)}`
		: '';
	return `${who}; ${describeAgreement(result.overall)}${between}.`;
}

/** Kappa round by round, as the room reads it: "0.21 → 0.68". */
export function kappaSequence(agreements: (Agreement | null)[]): string {
	return agreements.map((a) => (a ? formatKappa(a) : '–')).join(' → ');
}
