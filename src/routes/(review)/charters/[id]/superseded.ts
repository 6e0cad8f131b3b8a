import { invalidateAll } from '$app/navigation';
import type { SubmitFunction } from '@sveltejs/kit';

/** What the server says when the version a leader acted on had been superseded. */
export interface Superseded {
	read: number;
	current: number | null;
	changes: string[];
}

/**
 * The leader's forms: a refusal for a superseded version brings the current one in, with what
 * changed, so the page never offers to act on the version that is gone.
 */
export const refreshWhenSuperseded: SubmitFunction =
	() =>
	async ({ result, update }) => {
		await update();
		if (result.type === 'failure' && result.data?.superseded) await invalidateAll();
	};
