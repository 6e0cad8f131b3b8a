import * as v from 'valibot';

/**
 * The words for the first problem in a JSON body. Valibot's own words for a missing key are
 * for developers; this says which field is missing. Shared by SvelteKit's endpoints and the
 * ones server/ answers itself.
 */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
	const path = v.getDotPath(issue);
	if (issue.input === undefined && issue.received === 'undefined' && path) {
		return `The field "${path}" is missing.`;
	}
	return issue.message;
}
