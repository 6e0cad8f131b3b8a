/** The Markdown export: every line of user text escaped, so it renders as exactly that text. */
import { agreementsWithoutEvidence, factsOf } from '../../../domain/charter/content';
import {
	auditSummary,
	day,
	EVENT_WORDS,
	LEARNING_APPENDIX_NOTE,
	learningLine,
	LINE_BREAK,
	oneLine,
	signatureLines,
	utc,
	type ExportInput
} from './shared';

/**
 * One line of user text as Markdown that renders exactly that text and nothing else. Every
 * character Markdown (CommonMark and GitHub's tables, strikethrough and autolinks) gives a
 * meaning to is escaped: emphasis, code, links and images, tables, headings (and a heading's
 * closing #), and at the start of the line the list, quote, thematic-break and setext
 * markers. `<` and `>` become entities, so no raw HTML nor autolink survives, and an `&`
 * that would start an entity is written as one. Leading blanks go: four would make code.
 */
export function markdownEscape(line: string): string {
	return oneLine(line)
		.replace(/^[ \t]+/, '')
		.replace(/[\\`*_[\]|~#]/g, '\\$&')
		.replace(/&(?=#?[a-z0-9]+;)/gi, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/^[-+=]/, '\\$&')
		.replace(/^(\d{1,9})([.)])/, '$1\\$2');
}

/**
 * User text that may hold line breaks (a clause, an introduction): each line escaped on its
 * own and joined by hard line breaks, so the text stays inside its paragraph and no line of
 * it can open a block (a heading, a list, a quote, a fence). Blank lines are dropped: one
 * would end the paragraph.
 */
export function markdownText(text: string): string {
	return text
		.split(LINE_BREAK)
		.map(markdownEscape)
		.filter((line) => line !== '')
		.join('\\\n');
}

export function toMarkdown({ verification: v, verifyUrl, learning }: ExportInput): string {
	const c = v.version.content;
	const md = markdownEscape;
	const out: string[] = [];
	out.push(`# ${md(c.title)}`, '');
	out.push(
		`**${md(c.organisation)}** · Version ${v.version.number} · published ${day(v.version.publishedAt)}`
	);
	out.push(`From the workshop “${md(c.workshopTitle)}”, facilitated by ${md(c.facilitator)}.`);
	out.push(
		`Participants: ${c.participants.map((p) => `${md(p.team)} ${p.count}`).join(', ')}.`,
		''
	);
	out.push(`- SHA-256 fingerprint: \`${v.version.hash}\``, `- Verify: ${md(verifyUrl)}`);
	if (v.version.supersededAt) out.push(`- **Superseded** on ${utc(v.version.supersededAt)}`);
	if (!v.isContentIntact)
		out.push('- **Warning: the stored text no longer matches its fingerprint.**');
	out.push('');
	c.sections.forEach((section, s) => {
		out.push(`## ${s + 1}. ${md(section.title)}`, '');
		const intro = markdownText(section.intro);
		if (intro) out.push(`_${intro}_`, '');
		section.items.forEach((item, i) => {
			const term = typeof item.data.term === 'string' ? `**${md(item.data.term)}.** ` : '';
			out.push(`${s + 1}.${i + 1}. ${term}${markdownText(item.text)}`);
			for (const fact of factsOf(section.kind, item))
				out.push(`    - ${md(fact.label)}: ${md(fact.value)}`);
		});
		if (section.kind === 'agreements') {
			const bare = agreementsWithoutEvidence(c);
			if (bare.length)
				out.push('', `Without buyer evidence: ${bare.map((i) => `“${md(i.text)}”`).join('; ')}`);
		}
		out.push('');
	});
	out.push('## Signatures', '');
	for (const s of signatureLines(v)) {
		out.push(
			s.status === 'signed'
				? `- ${md(s.leader)}: signed as ${md(s.signedAs ?? '')} on ${utc(s.signedAt!)}, fingerprint \`${md(s.hashShown ?? '')}\`${s.matches ? '' : ' (does not match the stored text)'}`
				: `- ${md(s.leader)}: ${s.status === 'void' ? 'void' : 'not signed yet'}`
		);
	}
	out.push('', '## Audit trail', '', md(auditSummary(v)), '');
	for (const e of v.events) {
		out.push(
			`${e.seq}. ${utc(e.at)} · ${md(EVENT_WORDS[e.kind] ?? e.kind)} · ${md(e.actor)} · \`${e.hash.slice(0, 16)}\``
		);
	}
	if (learning?.length) {
		out.push('', '## Appendix: shared learning agenda', '', `_${LEARNING_APPENDIX_NOTE}_`, '');
		for (const item of learning) {
			out.push(`- ${md(learningLine(item))}`);
			const takeaways = markdownText(item.takeaways);
			if (takeaways) out.push(`    - Takeaways: ${takeaways}`);
		}
	}
	return out.join('\n') + '\n';
}
