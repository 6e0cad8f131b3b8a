/**
 * How long reading a CRM lead report takes: the generated 10,000-lead HubSpot export (the
 * same one the unit tests check lead by lead), parsed and judged on both clocks and in a
 * zone with daylight saving. Prints figures; asserts nothing. Run: npx tsx tests/bench/crm-evidence.ts
 */
import Papa from 'papaparse';
import { readEvidence } from '../../src/lib/domain/crm-evidence/leads';
import { generateLeads, leadCsv } from '../support/lead-report';

const csv = leadCsv(generateLeads(10_000));
const runs = 7;

function time(label: string, run: () => void) {
	run(); // warm-up
	const ms: number[] = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		run();
		ms.push(performance.now() - start);
	}
	ms.sort((a, b) => a - b);
	console.log(
		`${label}: median ${ms[runs >> 1]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)}, max ${ms.at(-1)!.toFixed(1)})`
	);
}

console.log(`10,000 leads, ${(csv.length / 1024).toFixed(0)} KiB of CSV, ${runs} runs each`);
time('Papa Parse alone', () => Papa.parse(csv, { skipEmptyLines: 'greedy' }));
time('read + judge, calendar hours, UTC', () =>
	readEvidence(csv, { slaHours: 24, hourMode: 'calendar', timeZone: 'UTC', threshold: 65 })
);
time('read + judge, business hours, UTC', () =>
	readEvidence(csv, { slaHours: 8, hourMode: 'business', timeZone: 'UTC', threshold: 65 })
);
time('read + judge, business hours, Europe/Berlin', () =>
	readEvidence(csv, { slaHours: 8, hourMode: 'business', timeZone: 'Europe/Berlin', threshold: 65 })
);
