/**
 * What changed between two versions of a charter, clause by clause. Clauses are matched by
 * the id of what they were compiled from, so a reworded clause reads as "changed" and a
 * reordered one as "moved", not as one removed and another added.
 */
import { canonicalJson } from './canon';
import type { CharterContent, CharterItem, CharterSection } from './content';

export type Change =
	| {
			kind: 'title' | 'organisation' | 'facilitator' | 'participants';
			before: string;
			after: string;
	  }
	| { kind: 'section-added' | 'section-removed'; section: string }
	| { kind: 'section-renamed'; section: string; before: string; after: string }
	| { kind: 'section-intro'; section: string; before: string; after: string }
	| { kind: 'section-moved'; section: string; from: number; to: number }
	| { kind: 'clause-added' | 'clause-removed'; section: string; text: string }
	| { kind: 'clause-reworded'; section: string; before: string; after: string }
	| { kind: 'clause-facts'; section: string; text: string }
	| { kind: 'clause-moved'; section: string; text: string; from: number; to: number };

const participantsText = (c: CharterContent) =>
	c.participants.map((p) => `${p.team} ${p.count}`).join(', ');

export function diffCharters(before: CharterContent, after: CharterContent): Change[] {
	const changes: Change[] = [];
	for (const key of ['title', 'organisation', 'facilitator'] as const) {
		if (before[key] !== after[key])
			changes.push({ kind: key, before: before[key], after: after[key] });
	}
	if (participantsText(before) !== participantsText(after)) {
		changes.push({
			kind: 'participants',
			before: participantsText(before),
			after: participantsText(after)
		});
	}

	const beforeKeys = before.sections.map((s) => s.key);
	const afterKeys = after.sections.map((s) => s.key);
	for (const s of before.sections) {
		if (!afterKeys.includes(s.key)) changes.push({ kind: 'section-removed', section: s.title });
	}
	const keptBefore = beforeKeys.filter((k) => afterKeys.includes(k));
	const keptAfter = afterKeys.filter((k) => beforeKeys.includes(k));
	for (const s of after.sections) {
		const old = before.sections.find((b) => b.key === s.key);
		if (!old) {
			changes.push({ kind: 'section-added', section: s.title });
			continue;
		}
		if (old.title !== s.title) {
			changes.push({
				kind: 'section-renamed',
				section: s.title,
				before: old.title,
				after: s.title
			});
		}
		if (old.intro !== s.intro) {
			changes.push({ kind: 'section-intro', section: s.title, before: old.intro, after: s.intro });
		}
		const from = keptBefore.indexOf(s.key);
		const to = keptAfter.indexOf(s.key);
		if (from !== to)
			changes.push({ kind: 'section-moved', section: s.title, from: from + 1, to: to + 1 });
		changes.push(...diffItems(s.title, old, s));
	}
	return changes;
}

function diffItems(section: string, before: CharterSection, after: CharterSection): Change[] {
	const changes: Change[] = [];
	const afterIds = after.items.map((i) => i.id);
	const beforeIds = before.items.map((i) => i.id);
	for (const item of before.items) {
		if (!afterIds.includes(item.id))
			changes.push({ kind: 'clause-removed', section, text: item.text });
	}
	const keptBefore = beforeIds.filter((id) => afterIds.includes(id));
	const keptAfter = afterIds.filter((id) => beforeIds.includes(id));
	for (const item of after.items) {
		const old = before.items.find((i) => i.id === item.id);
		if (!old) {
			changes.push({ kind: 'clause-added', section, text: item.text });
			continue;
		}
		if (old.text !== item.text) {
			changes.push({ kind: 'clause-reworded', section, before: old.text, after: item.text });
		}
		if (canonicalJson(old.data) !== canonicalJson(item.data)) {
			changes.push({ kind: 'clause-facts', section, text: item.text });
		}
		const from = keptBefore.indexOf(item.id);
		const to = keptAfter.indexOf(item.id);
		if (from !== to) {
			changes.push({ kind: 'clause-moved', section, text: item.text, from: from + 1, to: to + 1 });
		}
	}
	return changes;
}

/** One sentence per change, for the diff page, the audit log and the Markdown export. */
export function describeChange(change: Change): string {
	switch (change.kind) {
		case 'title':
			return `Title changed from “${change.before}” to “${change.after}”.`;
		case 'organisation':
			return `Organisation changed from “${change.before}” to “${change.after}”.`;
		case 'facilitator':
			return `Facilitator changed from ${change.before} to ${change.after}.`;
		case 'participants':
			return `Participants changed from ${change.before || 'none'} to ${change.after || 'none'}.`;
		case 'section-added':
			return `Section “${change.section}” added.`;
		case 'section-removed':
			return `Section “${change.section}” removed.`;
		case 'section-renamed':
			return `Section “${change.before}” renamed to “${change.after}”.`;
		case 'section-intro':
			return `Introduction of “${change.section}” rewritten.`;
		case 'section-moved':
			return `Section “${change.section}” moved from position ${change.from} to ${change.to}.`;
		case 'clause-added':
			return `${change.section}: clause added: “${change.text}”.`;
		case 'clause-removed':
			return `${change.section}: clause removed: “${change.text}”.`;
		case 'clause-reworded':
			return `${change.section}: “${change.before}” now reads “${change.after}”.`;
		case 'clause-facts':
			return `${change.section}: the facts of “${change.text}” changed.`;
		case 'clause-moved':
			return `${change.section}: “${change.text}” moved from position ${change.from} to ${change.to}.`;
	}
}

export type { CharterItem };
