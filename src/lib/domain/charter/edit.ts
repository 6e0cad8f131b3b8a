/**
 * The facilitator's edits to a draft before it is published: wording (charter title, section
 * titles and introductions, clause text), order (sections, clauses) and leaving a clause out.
 * Typed facts (hours, owners, dates) come from the workshop and are not edited here: they were
 * decided in the room.
 */
import type { CharterContent } from './content';

export type CharterEdit =
	| { op: 'title'; text: string }
	| { op: 'section-title'; section: string; text: string }
	| { op: 'section-intro'; section: string; text: string }
	| { op: 'clause-text'; section: string; clause: string; text: string }
	| { op: 'move-section'; section: string; direction: 'up' | 'down' }
	| { op: 'move-clause'; section: string; clause: string; direction: 'up' | 'down' }
	| { op: 'remove-clause'; section: string; clause: string }
	/** A clause the room did not write on a board (the shared goal, typically); `id` is new. */
	| { op: 'add-clause'; section: string; text: string; id: string };

export class CharterEditError extends Error {
	override name = 'CharterEditError';
}

/** The draft after one edit (a new object; the input is not changed). */
export function applyEdit(content: CharterContent, edit: CharterEdit): CharterContent {
	const next = structuredClone(content);
	if (edit.op === 'title') {
		next.title = edit.text;
		return next;
	}
	const index = next.sections.findIndex((s) => s.key === edit.section);
	const section = next.sections[index];
	if (!section) throw new CharterEditError('This charter has no such section.');
	switch (edit.op) {
		case 'section-title':
			section.title = edit.text;
			break;
		case 'section-intro':
			section.intro = edit.text;
			break;
		case 'move-section':
			move(next.sections, index, edit.direction);
			break;
		case 'add-clause':
			section.items.push({ id: edit.id, text: edit.text, data: {} });
			break;
		case 'clause-text':
			section.items[clauseIndex(section, edit.clause)]!.text = edit.text;
			break;
		case 'move-clause':
			move(section.items, clauseIndex(section, edit.clause), edit.direction);
			break;
		case 'remove-clause':
			section.items.splice(clauseIndex(section, edit.clause), 1);
			break;
	}
	return next;
}

/** Where the clause stands in its section; an edit of a clause the section lacks is refused. */
function clauseIndex(section: CharterContent['sections'][number], clause: string): number {
	const at = section.items.findIndex((i) => i.id === clause);
	if (at < 0) throw new CharterEditError('This section has no such clause.');
	return at;
}

function move<T>(list: T[], from: number, direction: 'up' | 'down'): void {
	const to = direction === 'up' ? from - 1 : from + 1;
	if (to < 0 || to >= list.length) return;
	[list[from], list[to]] = [list[to]!, list[from]!];
}
