/**
 * What the charter's screens (the facilitator's and the leaders') say for a leader's review
 * and for a moment, so both say it the same way.
 */

/** A leader's review of a version, as a heading word. */
export const REVIEW_WORDS = {
	comment: 'Comment',
	approve: 'Approved',
	'request-changes': 'Changes requested'
} as const;

/** A moment as people read it in a British English charter: "3 Mar 2027, 14:05". */
export function when(iso: string): string {
	return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
