/** Text fields as forms send them: trimmed, then checked, with the words each form shows. */
import * as v from 'valibot';

/** A field that must be filled in: `missing` when it is empty, `tooLong` past `max` characters. */
export const requiredText = (max: number, missing: string, tooLong: string) =>
	v.pipe(v.string(), v.trim(), v.nonEmpty(missing), v.maxLength(max, tooLong));

/** An email address; `missing` says whose address to enter. */
export const emailAddress = (missing: string) =>
	v.pipe(
		requiredText(254, missing, 'That email address is too long.'),
		v.email('Enter a valid email address, like name@company.com.')
	);
