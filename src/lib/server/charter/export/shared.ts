/**
 * What every export of a charter version shares: its input, the words of its audit trail,
 * dates, signature lines and one-line fields.
 */
import type { Verification } from '../verify';

export const EVENT_WORDS: Record<string, string> = {
	published: 'Published',
	superseded: 'Superseded',
	commented: 'Comment',
	approved: 'Approved',
	'changes-requested': 'Changes requested',
	signed: 'Signed',
	'leader-invited': 'Leader invited',
	'leader-revoked': 'Leader link withdrawn',
	'leader-reminded': 'Leader reminded',
	'measure-recorded': 'Measure recorded',
	intervention: 'Facilitator intervention'
};

export interface ExportInput {
	verification: Verification;
	verifyUrl: string;
	/**
	 * The shared learning agenda kept with the charter (accepted items), as an appendix: it is
	 * not part of the version's content or its hash, and the appendix says so.
	 */
	learning?: LearningEntry[];
	/** The firm's (or client's) brand on the PDF: its logo, its accent on the title block. */
	brand?: { firmName: string; accentColour: string | null; logo: Uint8Array | null } | null;
}

export interface LearningEntry {
	title: string;
	kind: 'reading' | 'talk' | 'course';
	team: string | null;
	owner: string;
	discussOn: string;
	takeaways: string;
}

const LEARNING_KIND_WORDS = { reading: 'Reading', talk: 'Talk', course: 'Course' } as const;
export const LEARNING_APPENDIX_NOTE =
	'Kept with the charter, not part of the signed text or its fingerprint.';

export function learningLine(i: LearningEntry): string {
	const by = i.team ? `chosen by ${i.team}, ` : '';
	return `${LEARNING_KIND_WORDS[i.kind]}: ${oneLine(i.title)} (${by}owner ${oneLine(i.owner)}, discussed ${i.discussOn})`;
}

export const utc = (d: Date | string) =>
	new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
export const day = (d: Date | string) =>
	new Date(d).toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

export function signatureLines(v: Verification) {
	return v.signatures.map((s) => ({
		leader: `${s.name}, ${s.title}`,
		status: s.status,
		signedAs: s.fullName ? `${s.fullName}, ${s.signedTitle}` : null,
		signedAt: s.signedAt,
		hashShown: s.hashShown,
		matches: s.matchesContent
	}));
}

export function auditSummary(v: Verification): string {
	return v.chain.isIntact
		? `Audit trail: ${v.events.length} events, hash chain intact.`
		: `Audit trail: ${v.events.length} events, TAMPERED: ${v.chain.problems.join(' ')}`;
}

/** Every kind of line break a text may hold. */
export const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

/** A field meant to be one line (a name, a title, a label): its line breaks become spaces. */
export const oneLine = (text: string) => text.split(LINE_BREAK).join(' ');
