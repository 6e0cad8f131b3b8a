/**
 * How a rule's refusal (rules.ts) reaches the person: a JSON endpoint answers with its status
 * and `{ message }`; a form action fails with the shape its page reads, so the words show next
 * to the field they belong to and what was typed stays. Anything that is not a refusal is
 * thrown on, to become a 500 (or a 503 while the database is away) in hooks.server.ts.
 */
import { error, fail, json, type ActionFailure } from '@sveltejs/kit';
import { invalid, type FormFailure } from './forms';
import { RuleError } from './rules';

/** For JSON endpoints, in a `catch`: the refusal as SvelteKit's `error(status, message)`. */
export function throwRefusal(e: unknown): never {
	if (e instanceof RuleError) error(e.status, e.message);
	throw e;
}

/** For JSON endpoints: what `answer` makes, as JSON with `status`; a refusal as above. */
export async function answerJson(answer: () => Promise<unknown>, status = 200): Promise<Response> {
	try {
		return json(await answer(), { status });
	} catch (e) {
		throwRefusal(e);
	}
}

/**
 * For form actions, in a `catch`: `{ errors: { [field]: message }, values }` under the field the
 * refusal names, else under `field`; or, for a page that reads another shape, what `shape`
 * makes of the refusal.
 */
export function failRefusal(
	e: unknown,
	field: string,
	values?: Record<string, string>
): ActionFailure<FormFailure>;
export function failRefusal<T extends Record<string, unknown>>(
	e: unknown,
	shape: (refusal: RuleError) => T
): ActionFailure<T>;
export function failRefusal(
	e: unknown,
	how: string | ((refusal: RuleError) => Record<string, unknown>),
	values: Record<string, string> = {}
) {
	if (!(e instanceof RuleError)) throw e;
	if (typeof how === 'function') return fail(e.status, how(e));
	return invalid(e.status, { [e.field ?? how]: e.message }, values);
}
