/**
 * A rule of the product refused what someone asked (a locked stage, a closed poll, a version
 * superseded while they read it): nothing was changed, and the message says why in words the
 * person can act on. Every server module refuses with this one error; a JSON endpoint answers
 * it with its status and `{ message }`, a form action with a failure the page shows
 * (refusals.ts).
 *
 * Nothing here imports SvelteKit: the realtime server (server/) casts ballots through the
 * polls module and runs outside SvelteKit, so the mappers live in refusals.ts instead.
 */
export type RefusalStatus = 400 | 403 | 404 | 409;

export class RuleError extends Error {
	override name = 'RuleError';
	constructor(
		message: string,
		readonly status: RefusalStatus = 400,
		/** The form field the message belongs under, when the rule knows it better than the page. */
		readonly field?: string
	) {
		super(message);
	}
}
