/**
 * What a screen shows while it asks the server for something (a card sent, a form saved, a
 * console control pressed): that the request is on its way, so its button waits, and after a
 * refusal the server's own words (the message of a RequestError, or of any Error thrown).
 */
import { invalidateAll } from '$app/navigation';
import type { SubmitFunction } from '@sveltejs/kit';

/** The words a screen shows for a failed action. */
export function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** One action at a time: a form, a button, or a few that share one message. */
export class Action {
	/** The request is on its way. */
	pending = $state(false);
	/** The last refusal, in words for the person; null while trying again and after a success. */
	error = $state<string | null>(null);

	/** Runs `task`; true once it succeeded, false (with `error` set) when it threw. */
	async run(task: () => Promise<unknown>): Promise<boolean> {
		this.pending = true;
		this.error = null;
		try {
			await task();
			return true;
		} catch (error) {
			this.error = messageOf(error);
			return false;
		} finally {
			this.pending = false;
		}
	}
}

/**
 * The several controls of one screen (a facilitator's console), each sent one at a time: a
 * second press of a control whose request is on its way is dropped, since it would send the
 * action twice (a second "+1 min" that nobody meant); other controls go meanwhile.
 */
export class Controls {
	/** The control whose request is on its way (e.g. `timer:start`), or null. */
	pending = $state<string | null>(null);
	/** The last refusal or failure, in words for the facilitator; null after a success. */
	error = $state<string | null>(null);

	isPending(control: string): boolean {
		return this.pending === control;
	}

	/** Runs `task` for `control`; true once it succeeded, false when refused or dropped. */
	run(control: string, task: () => Promise<unknown>): Promise<boolean> {
		if (this.pending === control) return Promise.resolve(false);
		return this.send(control, task);
	}

	/** As `run`, but a second press goes too: a save whose words may have changed meanwhile. */
	async send(control: string, task: () => Promise<unknown>): Promise<boolean> {
		this.pending = control;
		try {
			await task();
			this.error = null;
			return true;
		} catch (error) {
			this.error = messageOf(error);
			return false;
		} finally {
			if (this.pending === control) this.pending = null;
		}
	}
}

/**
 * Forms sent through SvelteKit's `use:enhance`: which one is on its way, so its button waits,
 * and the form keeps what was typed when the answer comes back, so a refusal shows beside the
 * values that earned it.
 */
export class Submission {
	/** The form on its way (its name, on a page with several), or null. */
	sending = $state<string | null>(null);

	get pending(): boolean {
		return this.sending !== null;
	}

	/** Counts the forms sent, so an answer that comes back after a later form's is known. */
	#sent = 0;

	/**
	 * For `use:enhance={submission.enhance()}`; `name` tells a page's forms apart. When two
	 * forms are sent close together (open the pre-work, then send a reminder), the page shows
	 * the answer to the later one even if the earlier one's comes back last; the earlier one
	 * still refreshes the page's data.
	 */
	enhance(name = 'form'): SubmitFunction {
		return () => {
			const number = ++this.#sent;
			this.sending = name;
			return async ({ result, update }) => {
				const isSuperseded = number !== this.#sent;
				if (isSuperseded) {
					if (result.type === 'success') await invalidateAll();
					if (result.type === 'redirect') await update();
					return;
				}
				await update({ reset: false });
				this.sending = null;
			};
		};
	}
}

/** For `use:enhance={keepValues}`: after the answer the form still shows what was typed. */
export const keepValues: SubmitFunction =
	() =>
	({ update }) =>
		update({ reset: false });
