/**
 * The PDF export, what a VP prints and files: pdfkit, the long-maintained Node PDF generator
 * (foliojs), because it draws on the server with no browser, embeds and subsets TrueType
 * fonts (so any text a charter holds prints, and text extraction works through ToUnicode
 * maps), and paginates flowing text itself. Fonts: Source Serif 4 for the text and IBM Plex
 * Sans for labels (both SIL OFL), shipped as npm packages so a deployment needs no system
 * fonts.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { agreementsWithoutEvidence, factsOf } from '../../../domain/charter/content';
import {
	auditSummary,
	day,
	EVENT_WORDS,
	LEARNING_APPENDIX_NOTE,
	learningLine,
	oneLine,
	signatureLines,
	utc,
	type ExportInput
} from './shared';

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
