/**
 * Turning FormData into validated input with per-field messages, for every form action.
 * The valibot schemas next to this file state the rules; this only adapts them to forms.
 */
import * as v from 'valibot';
import { holdsUnstorableText, UNSTORABLE_TEXT } from './storable';

export type FieldErrors = Record<string, string>;

export type FormResult<T> =
	{ ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string> };

/** Reads the named text fields (missing ones become ''), never the files. */
export function formValues(form: FormData, fields: readonly string[]): Record<string, string> {
	const values: Record<string, string> = {};
	for (const field of fields) {
		const value = form.get(field);
		values[field] = typeof value === 'string' ? value : '';
	}
	return values;
}

export function parseForm<TSchema extends v.GenericSchema<Record<string, string>, unknown>>(
	schema: TSchema,
	form: FormData,
	fields: readonly string[]
): FormResult<v.InferOutput<TSchema>> {
	return parseValues(schema, formValues(form, fields));
}

/**
 * A form's values (read by the caller, when which fields it sends depends on the form) as
 * `schema` reads them; text the database cannot store is refused beside its field first.
 */
export function parseValues<TSchema extends v.GenericSchema<Record<string, string>, unknown>>(
	schema: TSchema,
	values: Record<string, string>
): FormResult<v.InferOutput<TSchema>> {
	const unstorable = Object.keys(values).filter((field) => holdsUnstorableText(values[field]));
	if (unstorable.length > 0) {
		const errors = Object.fromEntries(unstorable.map((field) => [field, UNSTORABLE_TEXT]));
		return { ok: false, errors, values: redact(values) };
	}
	const result = v.safeParse(schema, values);
	if (result.success) return { ok: true, data: result.output };
	const errors: FieldErrors = {};
	for (const issue of result.issues) {
		const key = v.getDotPath(issue) ?? 'form';
		errors[key] ??= issue.message;
	}
	return { ok: false, errors, values: redact(values) };
}

/** Passwords are never sent back to the page with the errors. */
function redact(values: Record<string, string>): Record<string, string> {
	const copy = { ...values };
	for (const key of Object.keys(copy)) if (/password/i.test(key)) copy[key] = '';
	return copy;
}
