/**
 * What leaves a revealed poll as a file or a list: the bulletin (every counted ballot's tracker
 * and choice, so each device can find its own) and the result as CSV (aggregated counts only,
 * as `publishResult` shows them). Neither exists before the reveal.
 */
import { asc, eq } from 'drizzle-orm';
import type { Choice } from '../../domain/polls';
import { db } from '../db';
import { ballot } from '../db/schema';
import * as workshops from '../workshops';
import { RuleError } from '../rules';
import { find } from './rules';

/**
 * One counted ballot on the bulletin: its tracker and its choice; no team, no reason. The
 * choice is left out when fewer than k voted in all (the result then shows no count either).
 */
export interface BulletinLine {
	tracker: string;
	choice: Choice | null;
}

/**
 * After the reveal, every counted ballot's tracker with its choice, in tracker order (which
 * follows nothing about the voters). Each device finds its own tracker and checks its ballot
 * was counted as cast; anyone can recount the overall result from it.
 */
export async function bulletin(workshopId: string, pollId: string): Promise<BulletinLine[]> {
	const row = await find(workshopId, pollId);
	if (row.status !== 'revealed') {
		throw new RuleError('The bulletin is published once the result is revealed.', 409);
	}
	const rows = await db()
		.select({ tracker: ballot.tokenHash, choice: ballot.choice })
		.from(ballot)
		.where(eq(ballot.pollId, pollId))
		.orderBy(asc(ballot.tokenHash));
	const showsChoices = row.result?.counts != null;
	return rows.map((r) => ({ tracker: r.tracker, choice: showsChoices ? r.choice.v : null }));
}

/** The published result as CSV: aggregated counts only, per team where shown. */
export async function resultCsv(
	workshopId: string,
	pollId: string
): Promise<{ filename: string; body: string }> {
	const row = await find(workshopId, pollId);
	if (row.status !== 'revealed' || !row.result) {
		throw new RuleError('The result is exported once it has been revealed.', 409);
	}
	const teams = await workshops.teams(workshopId);
	const name = (id: string) => teams.find((t) => t.id === id)?.name ?? 'Former team';
	const result = row.result;
	const cell = (value: string | number | null) => {
		const text = value === null ? '' : String(value);
		// Quote always; a leading = + - @ would be read as a formula by spreadsheets.
		return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
	};
	const lines = [[cell('group'), cell('voters'), ...result.options.map((o) => cell(o.label))]];
	lines.push([
		cell('All'),
		cell(result.voters),
		...result.options.map((o) => cell(result.counts ? (result.counts[o.id] ?? 0) : null))
	]);
	for (const t of result.teams) {
		lines.push([
			cell(name(t.teamId)),
			cell(t.voters),
			...result.options.map((o) => cell(t.counts ? (t.counts[o.id] ?? 0) : null))
		]);
	}
	const slug =
		row.question
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.slice(0, 40) || 'poll';
	return {
		filename: `${slug}-results.csv`,
		body: lines.map((l) => l.join(',')).join('\r\n') + '\r\n'
	};
}
