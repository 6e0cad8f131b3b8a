/**
 * Text the database cannot store: PostgreSQL refuses a NUL character in text and JSON, and a
 * lone half of a surrogate pair (a broken emoji, which no keyboard types) in JSON. A request
 * that carries one is refused where it comes in, with words, rather than failing at the write:
 * there it would be a 500, and in a write shared with other people's requests (a batch of
 * ballots) it would fail theirs too.
 */

/** What the person is told. */
export const UNSTORABLE_TEXT =
	'The text holds a character that cannot be stored (a null character or a broken emoji). Remove it and send again.';

/**
 * A NUL, or a surrogate that is not half of a pair. Global for `replace`; `search` ignores the
 * flag (and `lastIndex`), so the one expression serves both.
 */
// eslint-disable-next-line no-control-regex -- the NUL is the character looked for
const UNSTORABLE = /\u0000|\p{Cs}/gu;
const holds = (text: string) => text.search(UNSTORABLE) >= 0;

/** Whether any string in `value` (keys included, at any depth) holds such a character. */
export function holdsUnstorableText(value: unknown): boolean {
	// A walk with its own stack: a body's size is bounded, its depth is not.
	const stack: unknown[] = [value];
	while (stack.length > 0) {
		const item = stack.pop();
		if (typeof item === 'string') {
			if (holds(item)) return true;
		} else if (Array.isArray(item)) {
			stack.push(...item);
		} else if (item !== null && typeof item === 'object') {
			for (const [key, inner] of Object.entries(item)) {
				if (holds(key)) return true;
				stack.push(inner);
			}
		}
	}
	return false;
}

/**
 * Text as the database can store it: NULs dropped, a lone surrogate shown as "\uFFFD". For text
 * that arrives where it cannot be refused with words: a shared document's characters, typed by
 * anyone over its live connection, read on the server into a poll, a charter or a template.
 */
export function storableText(text: string): string {
	return text.replace(UNSTORABLE, (found) => (found === '\u0000' ? '' : '\uFFFD'));
}
