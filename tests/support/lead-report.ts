/**
 * A generated CRM lead report with known answers: a seeded PRNG makes the same leads every
 * time, in HubSpot's export column names, with every time on a 15-minute grid in UTC. The
 * expected answer of each lead is worked out here, independently of the code under test:
 * calendar hours by subtraction, business hours by counting 15-minute slots that start on a
 * weekday between 09:00 and 17:00 UTC.
 */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const HUBSPOT_HEADER = [
	'Record ID',
	'First Name',
	'Last Name',
	'Email',
	'Phone Number',
	'Lead Status',
	'HubSpot Score',
	'Became a Marketing Qualified Lead Date',
	'Date of first engagement',
	'Became a Sales Qualified Lead Date',
	'Nurture Reason'
];

export interface GeneratedLead {
	line: number;
	recordId: string;
	firstName: string;
	lastName: string;
	email: string;
	mql: number | null;
	touch: number | null;
	score: number;
	status: string;
	sql: number | null;
	reason: string;
}

const SLOT = 15 * 60_000;
const FIRST = ['Ada', 'Bram', 'Cleo', 'Dara', 'Emil', 'Fenna', 'Goran', 'Hilde'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Novak', 'Brennan', 'Sousa', 'Haddad'];

const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

export function generateLeads(count: number, seed = 20270101): GeneratedLead[] {
	const random = mulberry32(seed);
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
	const start = Date.UTC(2027, 0, 1);
	const span = Date.UTC(2027, 5, 30) - start;
	const leads: GeneratedLead[] = [];
	for (let i = 0; i < count; i++) {
		const isMql = random() < 0.95;
		const mql = isMql ? start + Math.floor((random() * span) / SLOT) * SLOT : null;
		// Touched after 0 to 96 hours in 15-minute steps, or never.
		const touch =
			mql !== null && random() < 0.9 ? mql + Math.floor(random() * 96 * 4) * SLOT : null;
		const status = pick(['Open', 'In Progress', 'Connected', 'Nurture', 'Recycled', 'Unqualified']);
		const firstName = pick(FIRST);
		const lastName = pick(LAST);
		leads.push({
			line: i + 2,
			recordId: String(7_000_000_000 + i * 7919),
			firstName,
			lastName: `${lastName}${i}`,
			email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}${i}@example-lead.test`,
			mql,
			touch,
			score: Math.floor(random() * 101),
			status,
			sql: mql !== null && random() < 0.3 ? mql + 3 * 86_400_000 : null,
			reason: /Nurture|Recycled/.test(status) && random() < 0.5 ? 'Bad timing' : ''
		});
	}
	return leads;
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function leadCsv(leads: readonly GeneratedLead[]): string {
	const lines = [HUBSPOT_HEADER.join(',')];
	for (const l of leads) {
		lines.push(
			[
				l.recordId,
				l.firstName,
				l.lastName,
				l.email,
				`+44 20 7946 ${String(l.line % 10000).padStart(4, '0')}`,
				l.status,
				String(l.score),
				l.mql === null ? '' : iso(l.mql),
				l.touch === null ? '' : iso(l.touch),
				l.sql === null ? '' : iso(l.sql),
				l.reason
			]
				.map(csvCell)
				.join(',')
		);
	}
	return lines.join('\r\n') + '\r\n';
}

/** Business hours in UTC by counting 15-minute slots: slow and plain on purpose. */
export function businessHoursBySlots(from: number, to: number): number {
	let slots = 0;
	for (let t = from; t < to; t += SLOT) {
		const d = new Date(t);
		const day = d.getUTCDay();
		const hour = d.getUTCHours();
		if (day !== 0 && day !== 6 && hour >= 9 && hour < 17) slots++;
	}
	return slots / 4;
}

export interface Expected {
	period: string;
	isWithinSla: boolean;
	isAtThreshold: boolean;
	isReturnedToNurture: boolean;
	hasReason: boolean;
	isSql: boolean;
}

export function expectedOf(
	lead: GeneratedLead,
	terms: { slaHours: number; threshold: number; business: boolean }
): Expected | null {
	if (lead.mql === null) return null;
	const hours =
		lead.touch === null
			? null
			: terms.business
				? businessHoursBySlots(lead.mql, lead.touch)
				: (lead.touch - lead.mql) / 3_600_000;
	return {
		period: new Date(lead.mql).toISOString().slice(0, 7),
		isWithinSla: hours !== null && hours <= terms.slaHours,
		isAtThreshold: lead.score >= terms.threshold,
		isReturnedToNurture: lead.status === 'Nurture' || lead.status === 'Recycled',
		hasReason: lead.reason !== '',
		isSql: lead.sql !== null
	};
}
