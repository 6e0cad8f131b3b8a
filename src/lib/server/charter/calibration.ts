/**
 * The charter's calibration section: per calibration stage with a revealed round, one clause
 * saying how agreement on real leads moved from the first round to the last, with the typed
 * facts the exports carry (rounds with kappa and percent agreement, overall and between teams,
 * the sample size, the categories, the leads still split). Only published results are read, so
 * the k rule that applied on screen applies here too.
 */
import type { JsonObject } from '../../domain/charter/canon';
import type { CharterItem } from '../../domain/charter/content';
import type { Agreement } from '../../domain/calibration/kappa';
import { kappaSequence } from '../../domain/calibration/words';
import * as calibration from '../calibration';
import * as stages from '../stages';

const round4 = (n: number) => Math.round(n * 10000) / 10000;

function figures(agreement: Agreement | null): JsonObject {
	return {
		kappa: agreement?.kappa != null ? round4(agreement.kappa) : null,
		percentAgreement: agreement ? round4(agreement.percent) : null,
		kappaNote: agreement?.undefinedReason ?? null
	};
}

export async function calibrationItems(
	workshopId: string,
	teamName: (id: string) => string
): Promise<CharterItem[]> {
	const items: CharterItem[] = [];
	for (const stage of await stages.list(workshopId)) {
		if (stage.kind !== 'calibration') continue;
		const revealed = (await calibration.rounds(workshopId, stage.key)).filter(
			(r) => r.status === 'revealed' && r.result?.calibration
		);
		if (revealed.length === 0) continue;
		const sample = await calibration.get(workshopId, stage.key);
		const reference = (id: string) => sample.leads.find((l) => l.id === id)?.reference ?? id;
		const results = revealed.map((r) => r.result!.calibration!);
		const first = results[0]!;
		const last = results.at(-1)!;
		const lastRound = revealed.at(-1)!;
		const label = (id: string) => lastRound.options.find((o) => o.id === id)?.label ?? id;
		const stillSplit = last.leads.filter((l) => l.isSplit);
		const sampleSize = lastRound.leads?.length ?? 0;

		const sequence = kappaSequence(results.map((r) => r.overall));
		const moved =
			results.length > 1 ? `went from ${sequence.replace(' → ', ' to ')}` : `was ${sequence}`;
		const text = [
			`Both teams classified the same ${sampleSize} real leads in ${results.length} ${results.length === 1 ? 'round' : 'rounds'}.`,
			last.isShown
				? `Agreement on them (Fleiss’ kappa) ${results.length > 2 ? `went ${sequence}` : moved}.`
				: `Fewer than ${last.k} people classified, so no figures are shown.`,
			stillSplit.length
				? `${stillSplit.length} ${stillSplit.length === 1 ? 'lead is' : 'leads are'} still read two ways.`
				: 'No lead is still read two ways.'
		].join(' ');

		items.push({
			id: `calibration-${stage.key}`,
			text,
			data: {
				stage: stage.title,
				sampleSize,
				categories: lastRound.options.map((o) => o.label),
				rounds: revealed.map((r, i) => {
					const result = results[i]!;
					return {
						round: i + 1,
						roundId: r.id,
						classifiers: result.voters,
						isShown: result.isShown,
						...figures(result.overall),
						betweenTeams: figures(result.betweenTeams),
						teams: result.teams.map((t) => ({
							team: teamName(t.teamId),
							classifiers: t.voters,
							...figures(t.agreement)
						}))
					};
				}),
				kappaBefore: figures(first.overall).kappa ?? null,
				kappaAfter: figures(last.overall).kappa ?? null,
				kappaBetweenTeamsBefore: figures(first.betweenTeams).kappa ?? null,
				kappaBetweenTeamsAfter: figures(last.betweenTeams).kappa ?? null,
				leadsStillSplit: stillSplit.map((l) => ({
					lead: reference(l.leadId),
					percentAgreement: l.agreement === null ? null : round4(l.agreement * 100),
					classifications: Object.fromEntries(
						Object.entries(l.counts ?? {}).map(([id, n]) => [label(id), n])
					)
				}))
			}
		});
	}
	return items;
}
