/** Small number helpers for the benchmarks' tables. */

/** Nearest-rank percentile (p in 0..100) of the given samples; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) return Number.NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function formatMs(ms: number | undefined): string {
	if (ms === undefined || Number.isNaN(ms)) return 'n/a';
	return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

export function formatRate(perSecond: number | undefined): string {
	if (perSecond === undefined || Number.isNaN(perSecond)) return 'n/a';
	return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}

/** Left-aligned text table with a header row and a rule under it. */
export function table(header: string[], rows: string[][]): string {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => c.padEnd(widths[i]!))
			.join('  ')
			.trimEnd();
	return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
