/**
 * The shared learning agenda as its screens show it (the rules live in
 * src/lib/server/learning.ts): an item with its team by name, and the kinds in words.
 */

export type LearningKind = 'reading' | 'talk' | 'course';

export const LEARNING_KIND_LABELS: Record<LearningKind, string> = {
	reading: 'Reading',
	talk: 'Talk',
	course: 'Course'
};

export interface AgendaItem {
	id: string;
	title: string;
	kind: LearningKind;
	/** The team that chose it; null when both did. */
	team: string | null;
	owner: string;
	/** YYYY-MM-DD. */
	discussOn: string;
	takeaways: string;
	status: 'proposed' | 'accepted';
	/** In words: "A participant", "Facilitator Fay", a leader's name and title. */
	proposedBy: string;
}

/** Whether an action's answer is one of the agenda's (a page with other forms asks). */
export function isAgendaOutcome(form: unknown): boolean {
	if (!form || typeof form !== 'object') return false;
	const values = (form as { values?: Record<string, unknown> }).values;
	return (
		!!values?.agenda ||
		'itemProposed' in form ||
		'itemAccepted' in form ||
		'takeawaysRecorded' in form
	);
}
