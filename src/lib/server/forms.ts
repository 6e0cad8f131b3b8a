import { fail, type ActionFailure } from '@sveltejs/kit';
import type * as v from 'valibot';
import { parseForm, type FieldErrors } from '../schemas/forms';

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

/**
 * Runs `act` on the form's values as `schema` reads them. A form the schema refuses is
 * answered with a 400 beside its fields, with what was sent, and `act` does not run.
 */
export async function withForm<
	TSchema extends v.GenericSchema<Record<string, string>, unknown>,
	TResult
>(
	request: Request,
	schema: TSchema,
	fields: readonly string[],
	act: (data: v.InferOutput<TSchema>) => Promise<TResult>
): Promise<TResult | ActionFailure<FormFailure>> {
	const parsed = parseForm(schema, await request.formData(), fields);
	if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
	return act(parsed.data);
}
