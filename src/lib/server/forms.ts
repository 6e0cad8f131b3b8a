import { fail, type ActionFailure } from '@sveltejs/kit';
import type { FieldErrors } from '../schemas/forms';

export interface FormFailure {
	/** A message per field name, or under `form` for the form as a whole. */
	errors: FieldErrors;
	/** What was sent (passwords blanked), to fill the form again. */
	values: Record<string, string>;
}

/** A failed form: nothing was written, and the page shows each message next to its field. */
export function invalid(
	status: number,
	errors: FieldErrors,
	values: Record<string, string> = {}
): ActionFailure<FormFailure> {
	return fail(status, { errors, values });
}
