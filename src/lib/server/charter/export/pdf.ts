/**
 * Exports of a published version: PDF (what a VP prints and files), Markdown, and a JSON that
 * another system (a CRM, a BI tool) can consume. Every export carries the version's
 * fingerprint and its verification URL, the signatures and a summary of the audit trail.
 *
 * Everything in a charter was typed by someone (wordings, agreements, names, titles), and a
 * signed document is where forged text would do harm, so user text stays text in every
 * export: escaped in Markdown, drawn as plain text in the PDF, a JSON string in the JSON, and
 * a field meant to be one line never breaks into several (a second line could pass for the
 * exporter's own, such as a signature).
 *
 * PDF: pdfkit, the long-maintained Node PDF generator (foliojs), because it draws on the
 * server with no browser, embeds and subsets TrueType fonts (so any text a charter holds
 * prints, and text extraction works through ToUnicode maps), and paginates flowing text
 * itself. Fonts: Source Serif 4 for the text and IBM Plex Sans for labels (both SIL OFL),
 * shipped as npm packages so a deployment needs no system fonts.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { JsonValue } from '../../../domain/charter/canon';
import {
	evidenceOf,
	factsOf,
	agreementsWithoutEvidence,
	nextReviewDate,
	voteSummary,
	type CharterContent,
	type CharterItem,
	type SectionKind
} from '../../../domain/charter/content';
import type { Verification } from '../versions';

const require = createRequire(import.meta.url);
const FONTS = {
	serif:
		require.resolve('@expo-google-fonts/source-serif-4/400Regular/SourceSerif4_400Regular.ttf'),
	serifBold: require.resolve('@expo-google-fonts/source-serif-4/700Bold/SourceSerif4_700Bold.ttf'),
	serifItalic:
		require.resolve('@expo-google-fonts/source-serif-4/400Regular_Italic/SourceSerif4_400Regular_Italic.ttf'),
	sans: require.resolve('@expo-google-fonts/ibm-plex-sans/400Regular/IBMPlexSans_400Regular.ttf'),
	sansBold:
		require.resolve('@expo-google-fonts/ibm-plex-sans/600SemiBold/IBMPlexSans_600SemiBold.ttf')
};

const EVENT_WORDS: Record<string, string> = {
	published: 'Published',
	superseded: 'Superseded',
	commented: 'Comment',
	approved: 'Approved',
	'changes-requested': 'Changes requested',
	signed: 'Signed',
	'leader-invited': 'Leader invited',
	'leader-revoked': 'Leader link withdrawn',
	'leader-reminded': 'Leader reminded',
	'measure-recorded': 'Measure recorded',
	intervention: 'Facilitator intervention'
};

export interface ExportInput {
	verification: Verification;
	verifyUrl: string;
	/**
	 * The shared learning agenda kept with the charter (accepted items), as an appendix: it is
	 * not part of the version's content or its hash, and the appendix says so.
	 */
	learning?: LearningEntry[];
	/** The firm's (or client's) brand on the PDF: its logo, its accent on the title block. */
	brand?: { firmName: string; accentColour: string | null; logo: Uint8Array | null } | null;
}

export interface LearningEntry {
	title: string;
	kind: 'reading' | 'talk' | 'course';
	team: string | null;
	owner: string;
	discussOn: string;
	takeaways: string;
}

const LEARNING_KIND_WORDS = { reading: 'Reading', talk: 'Talk', course: 'Course' } as const;
export const LEARNING_APPENDIX_NOTE =
	'Kept with the charter, not part of the signed text or its fingerprint.';

function learningLine(i: LearningEntry): string {
	const by = i.team ? `chosen by ${i.team}, ` : '';
	return `${LEARNING_KIND_WORDS[i.kind]}: ${oneLine(i.title)} (${by}owner ${oneLine(i.owner)}, discussed ${i.discussOn})`;
}

const utc = (d: Date | string) => new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const day = (d: Date | string) =>
	new Date(d).toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

function signatureLines(v: Verification) {
	return v.signatures.map((s) => ({
		leader: `${s.name}, ${s.title}`,
		status: s.status,
		signedAs: s.fullName ? `${s.fullName}, ${s.signedTitle}` : null,
		signedAt: s.signedAt,
		hashShown: s.hashShown,
		matches: s.matchesContent
	}));
}

function auditSummary(v: Verification): string {
	return v.chain.isIntact
		? `Audit trail: ${v.events.length} events, hash chain intact.`
		: `Audit trail: ${v.events.length} events, TAMPERED: ${v.chain.problems.join(' ')}`;
}

// ------------------------------------------------------------------------------------ Markdown

const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

/** A field meant to be one line (a name, a title, a label): its line breaks become spaces. */
export const oneLine = (text: string) => text.split(LINE_BREAK).join(' ');

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

// ------------------------------------------------------------------------------------ JSON

const str = (v: JsonValue | undefined) => (typeof v === 'string' ? v : null);
const num = (v: JsonValue | undefined) => (typeof v === 'number' ? v : null);

function itemsOf(c: CharterContent, kind: SectionKind): CharterItem[] {
	return c.sections.filter((s) => s.kind === kind).flatMap((s) => s.items);
}

const obj = (v: JsonValue | undefined): Record<string, JsonValue> =>
	v && typeof v === 'object' && !Array.isArray(v) ? v : {};
const list = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

/** Kappa and percent agreement of one group of classifiers, as typed fields. */
function agreementJson(v: JsonValue | undefined) {
	const f = obj(v);
	return {
		kappa: num(f.kappa),
		percentAgreement: num(f.percentAgreement),
		kappaNotDefined: str(f.kappaNote)
	};
}

/** A calibration clause: rounds with their agreement, the sample and the leads still split. */
function calibrationJson(i: CharterItem) {
	const d = i.data;
	return {
		id: i.id,
		stage: str(d.stage),
		summary: i.text,
		sampleSize: num(d.sampleSize),
		categories: list(d.categories).filter((c): c is string => typeof c === 'string'),
		rounds: list(d.rounds).map((r) => {
			const round = obj(r);
			return {
				round: num(round.round),
				roundId: str(round.roundId),
				classifiers: num(round.classifiers),
				isShown: round.isShown === true,
				overall: agreementJson(round),
				betweenTeams: agreementJson(round.betweenTeams),
				teams: list(round.teams).map((t) => ({
					team: str(obj(t).team),
					classifiers: num(obj(t).classifiers),
					...agreementJson(t)
				}))
			};
		}),
		kappaBefore: num(d.kappaBefore),
		kappaAfter: num(d.kappaAfter),
		kappaBetweenTeamsBefore: num(d.kappaBetweenTeamsBefore),
		kappaBetweenTeamsAfter: num(d.kappaBetweenTeamsAfter),
		leadsStillSplit: list(d.leadsStillSplit).map((l) => ({
			lead: str(obj(l).lead),
			percentAgreement: num(obj(l).percentAgreement),
			classifications: Object.fromEntries(
				Object.entries(obj(obj(l).classifications)).flatMap(([k, n]) =>
					typeof n === 'number' ? [[k, n]] : []
				)
			) as Record<string, number>
		}))
	};
}

/** The charter as data: lifecycle, definitions with typed values, SLAs, thresholds, fields, measures. */
export function toMachineJson({ verification: v, verifyUrl, learning }: ExportInput) {
	const c = v.version.content;
	const definitions = itemsOf(c, 'definitions').map((i) => {
		const fields = Array.isArray(i.data.requiredFields) ? i.data.requiredFields : [];
		return {
			id: i.id,
			term: str(i.data.term) ?? i.text,
			definition: i.text,
			valueType: str(i.data.valueType) ?? 'none',
			value: num(i.data.value),
			unit: str(i.data.unit),
			requiredFields: Object.fromEntries(
				fields.flatMap((f) =>
					f && typeof f === 'object' && !Array.isArray(f) && typeof f.team === 'string'
						? [[f.team, Array.isArray(f.fields) ? f.fields : []]]
						: []
				)
			) as Record<string, string[]>
		};
	});
	const requiredFields: Record<string, string[]> = {};
	for (const d of definitions) {
		for (const [team, list] of Object.entries(d.requiredFields)) {
			requiredFields[team] = [...new Set([...(requiredFields[team] ?? []), ...list])];
		}
	}
	return {
		format: 'common-ground/charter-export@1',
		charter: {
			title: c.title,
			organisation: c.organisation,
			workshop: c.workshopTitle,
			facilitator: c.facilitator,
			version: v.version.number,
			versionId: v.version.id,
			publishedAt: v.version.publishedAt.toISOString(),
			supersededAt: v.version.supersededAt?.toISOString() ?? null,
			sha256: v.version.hash,
			isContentIntact: v.isContentIntact,
			verificationUrl: verifyUrl
		},
		participants: c.participants,
		lifecycleStages: itemsOf(c, 'journey').map((i, index) => ({
			order: index + 1,
			id: i.id,
			step: i.text,
			ownerTeam: str(i.data.ownerTeam),
			system: str(i.data.system),
			slaHours: num(i.data.slaHours),
			brokenConnection: str(i.data.broken),
			returnsToNurture: i.data.isReturnPath === true,
			/** The template's suggestion, left as it was by the room. */
			suggestedByTemplate: i.data.fromTemplate === true
		})),
		definitions,
		slaHours: Object.fromEntries(
			definitions
				.filter((d) => d.valueType === 'hours' && d.value !== null)
				.map((d) => [d.term, d.value])
		) as Record<string, number>,
		thresholds: Object.fromEntries(
			definitions
				.filter((d) => d.valueType === 'points' && d.value !== null)
				.map((d) => [d.term, d.value])
		) as Record<string, number>,
		requiredFields,
		measures: itemsOf(c, 'measures').map((i) => ({
			id: i.id,
			name: i.text,
			definition: str(i.data.definition),
			baseline: str(i.data.baseline),
			target: str(i.data.target),
			owner: str(i.data.owner),
			source: str(i.data.source),
			frequency: str(i.data.frequency)
		})),
		cadence: {
			nextReviewDate: nextReviewDate(c),
			meetings: itemsOf(c, 'cadence').map((i) => ({
				text: i.text,
				nextReviewDate: str(i.data.nextReviewDate)
			}))
		},
		calibration: itemsOf(c, 'calibration').map((i) => calibrationJson(i)),
		barriers: itemsOf(c, 'barriers').map((i) => ({
			barrier: i.text,
			remedy: str(i.data.remedy),
			owner: str(i.data.remedyOwner)
		})),
		incentives: itemsOf(c, 'incentives').map((i) => ({
			change: i.text,
			team: str(i.data.team),
			rewardedToday: str(i.data.today),
			sharedGoalNeeds: str(i.data.needed)
		})),
		agreements: itemsOf(c, 'agreements').map((i) => ({
			id: i.id,
			statement: i.text,
			ownerTeam: str(i.data.ownerTeam),
			ownerName: str(i.data.ownerName),
			dueDate: str(i.data.dueDate),
			measure: str(i.data.metric),
			evidence: evidenceOf(i),
			hasBuyerEvidence: evidenceOf(i).length > 0,
			vote: i.data.outcome ?? null,
			/** The vote in words, as the charter says it. */
			voteSummary: voteSummary(i)
		})),
		signatures: signatureLines(v).map((s) => ({
			...s,
			signedAt: s.signedAt?.toISOString() ?? null
		})),
		audit: {
			events: v.events.length,
			isChainIntact: v.chain.isIntact,
			problems: v.chain.problems
		},
		/** The content exactly as hashed: canonical JSON of this object is what `sha256` covers. */
		content: c,
		/** An appendix kept with the charter, outside `content`: not covered by `sha256`. */
		learningAgenda: learning ?? []
	};
}

// ------------------------------------------------------------------------------------ PDF

const INK = '#111827';
const SOFT = '#4b5563';
const RULE = '#d1d5db';
const ACCENT = '#0f766e';

export function toPdf({
	verification: v,
	verifyUrl,
	learning,
	brand
}: ExportInput): Promise<Buffer> {
	const c = v.version.content;
	const doc = new PDFDocument({
		size: 'A4',
		margins: { top: 64, bottom: 72, left: 64, right: 64 },
		bufferPages: true,
		info: {
			Title: `${c.title} (version ${v.version.number})`,
			Author: c.facilitator,
			Subject: `SHA-256 ${v.version.hash}`,
			Keywords: `charter; ${c.organisation}; ${v.version.hash}`
		}
	});
	doc.registerFont('serif', FONTS.serif);
	doc.registerFont('serif-bold', FONTS.serifBold);
	doc.registerFont('serif-italic', FONTS.serifItalic);
	doc.registerFont('sans', FONTS.sans);
	doc.registerFont('sans-bold', FONTS.sansBold);
	const chunks: Buffer[] = [];
	doc.on('data', (chunk: Buffer) => chunks.push(chunk));
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
	});

	const left = doc.page.margins.left;
	const width = doc.page.width - left - doc.page.margins.right;
	const rule = (color = RULE, weight = 0.75) => {
		doc
			.moveTo(left, doc.y)
			.lineTo(left + width, doc.y)
			.lineWidth(weight)
			.strokeColor(color)
			.stroke();
	};
	const keepRoom = (points: number) => {
		if (doc.y + points > doc.page.height - doc.page.margins.bottom) doc.addPage();
	};

	// The firm's logo (re-encoded PNG, brand.ts) above the title block, else its name.
	if (brand?.logo) {
		doc.image(Buffer.from(brand.logo), left, doc.y, { fit: [140, 40] });
		doc.y += 48;
	} else if (brand) {
		doc
			.font('sans-bold')
			.fontSize(10)
			.fillColor(brand.accentColour ?? SOFT)
			.text(oneLine(brand.firmName));
		doc.moveDown(0.6);
	}
	// Title block
	doc
		.font('sans-bold')
		.fontSize(9)
		.fillColor(brand?.accentColour ?? SOFT)
		.text(oneLine(c.organisation).toUpperCase(), { characterSpacing: 1.5 });
	doc.moveDown(0.4);
	doc.font('serif-bold').fontSize(24).fillColor(INK).text(oneLine(c.title), { lineGap: 2 });
	doc.moveDown(0.5);
	doc
		.font('serif')
		.fontSize(11)
		.fillColor(SOFT)
		.text(
			`Version ${v.version.number} · published ${day(v.version.publishedAt)} · workshop “${oneLine(c.workshopTitle)}” facilitated by ${oneLine(c.facilitator)}`
		)
		.text(
			`Participants: ${c.participants.map((p) => `${oneLine(p.team)} ${p.count}`).join(' · ')}`
		);
	doc.moveDown(0.8);
	rule(INK, 1.5);
	doc.moveDown(0.8);

	// Fingerprint box
	const boxTop = doc.y;
	doc.rect(left, boxTop, width, 62).fillColor('#f9fafb').fill();
	doc.rect(left, boxTop, 3, 62).fillColor(ACCENT).fill();
	doc
		.fillColor(SOFT)
		.font('sans-bold')
		.fontSize(8)
		.text('SHA-256 FINGERPRINT OF THIS VERSION', left + 14, boxTop + 9);
	doc
		.font('Courier')
		.fontSize(8.5)
		.fillColor(INK)
		.text(v.version.hash, left + 14, boxTop + 22);
	doc
		.font('sans')
		.fontSize(8.5)
		.fillColor(SOFT)
		.text(`Verify: ${verifyUrl}`, left + 14, boxTop + 40, {
			link: verifyUrl
		});
	doc.x = left;
	doc.y = boxTop + 62 + 18;
	if (v.version.supersededAt || !v.isContentIntact) {
		doc
			.font('sans-bold')
			.fontSize(10)
			.fillColor('#b91c1c')
			.text(
				[
					v.version.supersededAt
						? `This version was superseded on ${utc(v.version.supersededAt)}.`
						: '',
					v.isContentIntact ? '' : 'The stored text no longer matches its fingerprint.'
				]
					.filter(Boolean)
					.join(' ')
			);
		doc.moveDown(0.6);
	}

	// Sections
	c.sections.forEach((section, s) => {
		keepRoom(80);
		doc.moveDown(0.6);
		doc
			.font('serif-bold')
			.fontSize(15)
			.fillColor(INK)
			.text(`${s + 1}   ${oneLine(section.title)}`);
		doc.moveDown(0.2);
		rule();
		doc.moveDown(0.5);
		if (section.intro) {
			doc.font('serif-italic').fontSize(11).fillColor(INK).text(section.intro, { lineGap: 2 });
			doc.moveDown(0.4);
		}
		section.items.forEach((item, i) => {
			keepRoom(40);
			const y = doc.y;
			doc
				.font('sans')
				.fontSize(9)
				.fillColor(SOFT)
				.text(`${s + 1}.${i + 1}`, left, y + 1.5, { width: 30 });
			doc.y = y;
			const term = typeof item.data.term === 'string' ? `${oneLine(item.data.term)}. ` : '';
			if (term) {
				doc
					.font('serif-bold')
					.fontSize(11)
					.fillColor(INK)
					.text(term, left + 34, y, { width: width - 34, continued: true, lineGap: 2 });
				doc.font('serif').text(item.text, { lineGap: 2 });
			} else {
				doc
					.font('serif')
					.fontSize(11)
					.fillColor(INK)
					.text(item.text, left + 34, y, { width: width - 34, lineGap: 2 });
			}
			for (const fact of factsOf(section.kind, item)) {
				doc
					.font('sans-bold')
					.fontSize(8.5)
					.fillColor(SOFT)
					.text(`${oneLine(fact.label)}: `, left + 34, doc.y, {
						width: width - 34,
						continued: true
					})
					.font('sans')
					.fillColor(INK)
					.text(oneLine(fact.value));
			}
			doc.x = left;
			doc.moveDown(0.5);
		});
		if (section.kind === 'agreements') {
			const bare = agreementsWithoutEvidence(c);
			if (bare.length) {
				doc
					.font('sans-bold')
					.fontSize(9)
					.fillColor('#92400e')
					.text(`Without buyer evidence: `, left, doc.y, { continued: true })
					.font('sans')
					.text(bare.map((i) => `“${oneLine(i.text)}”`).join('; '));
			}
		}
	});

	// Signatures
	doc.addPage();
	doc.font('serif-bold').fontSize(18).fillColor(INK).text('Signatures');
	doc.moveDown(0.3);
	doc
		.font('serif')
		.fontSize(10.5)
		.fillColor(SOFT)
		.text(
			`Each signature records the fingerprint its signer was shown. Signatures count for version ${v.version.number} only: any later change is a new version that must be signed again.`,
			{ lineGap: 2 }
		);
	doc.moveDown(0.8);
	for (const s of signatureLines(v)) {
		keepRoom(90);
		const top = doc.y;
		doc.font('serif-bold').fontSize(12).fillColor(INK).text(oneLine(s.leader));
		if (s.status === 'signed') {
			doc
				.font('serif-italic')
				.fontSize(16)
				.fillColor(ACCENT)
				.text(oneLine(s.signedAs ?? ''));
			doc
				.font('sans')
				.fontSize(8.5)
				.fillColor(SOFT)
				.text(`Signed ${utc(s.signedAt!)} · consent given · fingerprint seen:`)
				.moveDown(0.2)
				.font('Courier')
				.fontSize(8)
				.fillColor(s.matches ? INK : '#b91c1c')
				.text(`${s.hashShown}${s.matches ? '' : '  (does NOT match the stored text)'}`);
		} else {
			doc.moveDown(1.2);
			doc
				.moveTo(left, doc.y)
				.lineTo(left + 260, doc.y)
				.lineWidth(0.75)
				.strokeColor(SOFT)
				.stroke();
			doc.moveDown(0.2);
			doc
				.font('sans')
				.fontSize(8.5)
				.fillColor(SOFT)
				.text(
					s.status === 'void'
						? 'Void: not signed before this version was superseded'
						: 'Not signed yet'
				);
		}
		doc.moveDown(0.8);
		if (doc.y < top) doc.moveDown(0);
	}
	if (v.signatures.length === 0)
		doc.font('serif').fontSize(11).text('No leader was asked to sign this version.');

	// Audit summary
	keepRoom(120);
	doc.moveDown(1);
	doc.font('serif-bold').fontSize(14).fillColor(INK).text('Audit trail');
	doc.moveDown(0.3);
	doc
		.font('sans')
		.fontSize(9)
		.fillColor(v.chain.isIntact ? INK : '#b91c1c')
		.text(auditSummary(v));
	doc.moveDown(0.4);
	for (const e of v.events) {
		keepRoom(14);
		doc
			.font('sans')
			.fontSize(8)
			.fillColor(SOFT)
			.text(
				`${e.seq}.  ${utc(e.at)}   ${EVENT_WORDS[e.kind] ?? e.kind} · ${oneLine(e.actor)}   ${e.hash.slice(0, 12)}`,
				left,
				doc.y,
				{
					width
				}
			);
	}

	if (learning?.length) {
		doc.addPage();
		doc.font('serif-bold').fontSize(18).fillColor(INK).text('Appendix: shared learning agenda');
		doc.moveDown(0.3);
		doc.font('serif').fontSize(10.5).fillColor(SOFT).text(LEARNING_APPENDIX_NOTE);
		doc.moveDown(0.6);
		for (const item of learning) {
			keepRoom(40);
			doc.font('serif').fontSize(11).fillColor(INK).text(learningLine(item), { lineGap: 1 });
			if (item.takeaways.trim()) {
				doc
					.font('serif-italic')
					.fontSize(10)
					.fillColor(SOFT)
					.text(`Takeaways: ${oneLine(item.takeaways)}`, { lineGap: 1 });
			}
			doc.moveDown(0.4);
		}
	}

	// Footer on every page: the fingerprint and where to verify it.
	const range = doc.bufferedPageRange();
	for (let i = range.start; i < range.start + range.count; i++) {
		doc.switchToPage(i);
		const bottom = doc.page.height - 44;
		const saved = doc.page.margins.bottom;
		doc.page.margins.bottom = 0;
		doc
			.font('sans')
			.fontSize(7.5)
			.fillColor(SOFT)
			.text(
				`${oneLine(c.title)} · version ${v.version.number} · SHA-256 ${v.version.hash.slice(0, 16)}… · verify at ${verifyUrl} · page ${i + 1} of ${range.count}${brand ? ' · Powered by Common Ground' : ''}`,
				left,
				bottom,
				{ width, align: 'center', lineBreak: true }
			);
		doc.page.margins.bottom = saved;
	}
	doc.end();
	return done;
}
