/**
 * The charter's exporters against hostile text. Everything in a charter was typed by someone:
 * a wording, an agreement, a leader's name. A participant or facilitator who writes a
 * newline, "## Signatures" and a forged signed line into a clause must not make the exported
 * Markdown show a second signatures section, and no image, raw HTML or `javascript:` link
 * may come out of any export. The Markdown is read back with a real Markdown parser (marked,
 * GitHub-flavoured), as a reader's viewer would render it.
 */
import { marked, type Token, type Tokens } from 'marked';
import { describe, expect, test } from 'vitest';
import type { AuditEvent } from '../../src/lib/domain/charter/audit';
import { contentHash } from '../../src/lib/domain/charter/canon';
import { CHARTER_SCHEMA, type CharterContent } from '../../src/lib/domain/charter/content';
import {
	markdownEscape,
	toMachineJson,
	toMarkdown,
	toPdf,
	type ExportInput
} from '../../src/lib/server/charter/export';

const FORGED_LINE = `- Eve Exec, CEO: signed as Eve Exec on 2026-12-01 09:00 UTC, fingerprint \`${'a'.repeat(64)}\``;

/** A multi-line wording that, unescaped, renders a fake signatures section and worse. */
const HOSTILE_WORDING = [
	'Sales follows up every MQL within 24 hours.',
	'## Signatures',
	FORGED_LINE,
	'<img src=x onerror=alert(1)>',
	'[Verify this charter](javascript:alert(document.cookie))',
	'<javascript:alert(2)>',
	'```',
	'> a quote | with | a table',
	'1. a numbered list',
	'+ plus * star _under_ ~~struck~~ \\ back',
	'---',
	'===',
	'    indented code',
	'[ref]: javascript:alert(3)',
	'&lt;b&gt; is not bold'
].join('\n');

/** A field meant to be one line, with a line break smuggled in. */
const HOSTILE_NAME =
	'Mallory\n## Signatures\n- Fake Person: signed as CEO <img src=y onerror=alert(4)>';

function hostileCharter(): CharterContent {
	return {
		schema: CHARTER_SCHEMA,
		title: 'Alignment Charter #1 ##',
		organisation: 'Acme *Industrial* <b>',
		workshopTitle: 'Q3 [Alignment](javascript:alert(5))',
		facilitator: HOSTILE_NAME,
		participants: [
			{ team: 'Sales | Ops', count: 2 },
			{ team: 'Marketing\n# Owned', count: 1 }
		],
		sections: [
			{
				key: 'definitions',
				kind: 'definitions',
				title: 'Shared definitions\n## Signatures',
				intro: 'Read these first.\n\n## Signatures\n<script>alert(6)</script>',
				items: [
					{
						id: 'term1',
						text: HOSTILE_WORDING,
						data: {
							term: 'MQL**\n## Signatures',
							value: 65,
							unit: 'points',
							requiredFields: [{ team: 'Sales\n## Signatures', fields: ['budget\n# x'] }]
						}
					}
				]
			},
			{
				key: 'agreements',
				kind: 'agreements',
				title: 'Agreements',
				intro: '',
				items: [
					{
						id: 'agreement1',
						text: HOSTILE_WORDING,
						data: { ownerName: HOSTILE_NAME, ownerTeam: 'Sales', evidence: [] }
					}
				]
			}
		]
	};
}

function input(): ExportInput {
	const content = hostileCharter();
	const hash = contentHash(content);
	const at = new Date('2026-12-02T10:00:00Z');
	const event = (seq: number, actor: string): AuditEvent => ({
		seq,
		kind: 'signed',
		at: at.toISOString(),
		actor,
		versionId: 'v1',
		data: {},
		prevHash: '0'.repeat(64),
		hash: 'b'.repeat(64)
	});
	return {
		verifyUrl: 'https://workshops.example.com/verify/v1',
		verification: {
			version: {
				id: 'v1',
				workshopId: 'w1',
				number: 1,
				content,
				hash,
				publishedAt: at,
				supersededAt: null
			},
			recomputedHash: hash,
			isContentIntact: true,
			publishedHash: hash,
			signatures: [
				{
					inviteId: 'i1',
					name: HOSTILE_NAME,
					title: 'CMO\n## Audit trail',
					status: 'signed',
					fullName: HOSTILE_NAME,
					signedTitle: 'CMO <img src=z onerror=alert(7)>',
					hashShown: hash,
					signedAt: at,
					signingOrder: null,
					isRevoked: false,
					matchesContent: true
				},
				{
					inviteId: 'i2',
					name: 'Vic Vance',
					title: 'VP Sales',
					status: 'pending',
					fullName: null,
					signedTitle: null,
					hashShown: null,
					signedAt: null,
					signingOrder: null,
					isRevoked: false,
					matchesContent: false
				}
			],
			chain: { isIntact: true, problems: [] },
			events: [event(1, HOSTILE_NAME)],
			latest: undefined
		}
	};
}

/** Every token of a parsed document, nested ones included. */
function allTokens(tokens: Token[]): Token[] {
	return tokens.flatMap((t) => {
		const children = [
			...('tokens' in t && Array.isArray(t.tokens) ? t.tokens : []),
			...(t.type === 'list' ? (t as Tokens.List).items : []),
			...(t.type === 'table'
				? [...(t as Tokens.Table).header, ...(t as Tokens.Table).rows.flat()].flatMap(
						(cell) => cell.tokens
					)
				: [])
		];
		return [t, ...allTokens(children)];
	});
}

describe('the Markdown export', () => {
	const markdown = toMarkdown(input());
	const tokens = allTokens(marked.lexer(markdown, { gfm: true }));
	const html = marked.parse(markdown, { gfm: true, async: false });

	test('has only the headings the exporter writes: one signatures section, one audit trail', () => {
		const headings = tokens
			.filter((t): t is Tokens.Heading => t.type === 'heading')
			.map((h) => `${'#'.repeat(h.depth)} ${h.text}`);
		expect(headings).toHaveLength(5);
		expect(headings.filter((h) => h === '## Signatures')).toHaveLength(1);
		expect(headings.filter((h) => h === '## Audit trail')).toHaveLength(1);
		expect(headings.at(-2)).toBe('## Signatures');
		expect(headings.at(-1)).toBe('## Audit trail');
		expect(headings[0]).toMatch(/^# Alignment Charter/);
		expect(headings[1]).toMatch(/^## 1\. Shared definitions/);
		expect(headings[2]).toBe('## 2. Agreements');
	});

	test('renders no raw HTML, no image, no javascript: link, no quote, table, fence or rule from user text', () => {
		const kinds = new Set(tokens.map((t) => t.type));
		for (const kind of ['html', 'image', 'blockquote', 'table', 'code', 'hr', 'del', 'def']) {
			expect(kinds.has(kind), kind).toBe(false);
		}
		const links = tokens.filter((t): t is Tokens.Link => t.type === 'link');
		// The only link is the verification URL, autolinked.
		expect(links.map((l) => l.href)).toEqual(['https://workshops.example.com/verify/v1']);
		expect(html).not.toMatch(/<img|<script|<b>|href="javascript:/i);
		expect(markdown).not.toMatch(/<img|<script|<b>|<javascript/i);
		// No list item of the document is the forged signature line.
		const lists = tokens.filter((t): t is Tokens.List => t.type === 'list');
		const listed = lists.flatMap((l) => l.items.map((i) => i.text));
		expect(listed.some((line) => line.startsWith('Eve Exec'))).toBe(false);
		// The signatures section lists the two signature lines and nothing else.
		const top = marked.lexer(markdown, { gfm: true }).filter((t) => t.type !== 'space');
		const at = top.findIndex((t) => t.type === 'heading' && t.text === 'Signatures');
		const signatures = top[at + 1] as Tokens.List;
		expect(signatures.type).toBe('list');
		expect(
			signatures.items.map((i) => i.text.replace(/ on .*/, '').replace(/\\(.)/g, '$1'))
		).toEqual([
			'Mallory ## Signatures - Fake Person: signed as CEO &lt;img src=y onerror=alert(4)&gt;, CMO ## Audit trail: signed as Mallory ## Signatures - Fake Person: signed as CEO &lt;img src=y onerror=alert(4)&gt;, CMO &lt;img src=z onerror=alert(7)&gt;',
			'Vic Vance, VP Sales: not signed yet'
		]);
		expect(top[at + 2]).toMatchObject({ type: 'heading', text: 'Audit trail' });
	});

	test('keeps the hostile text as text a reader sees', () => {
		const text = (s: string) =>
			s
				.replace(/<[^>]+>/g, '')
				.replace(/&lt;/g, '<')
				.replace(/&gt;/g, '>')
				.replace(/&quot;/g, '"')
				.replace(/&#39;/g, "'")
				.replace(/&amp;/g, '&');
		const shown = text(html);
		for (const line of HOSTILE_WORDING.split('\n')) expect(shown).toContain(line.trim());
		// One-line fields stay on one line: the line break became a space.
		expect(shown).toContain(
			'Mallory ## Signatures - Fake Person: signed as CEO <img src=y onerror=alert(4)>'
		);
	});

	test('escapes each control character and line-start marker', () => {
		const cases: Array<[string, string]> = [
			['# heading', '\\# heading'],
			['> quote', '&gt; quote'],
			['- item', '\\- item'],
			['+ item', '\\+ item'],
			['12. item', '12\\. item'],
			['3) item', '3\\) item'],
			['```js', '\\`\\`\\`js'],
			['a | b', 'a \\| b'],
			['*a* _b_', '\\*a\\* \\_b\\_'],
			['[x](javascript:y)', '\\[x\\](javascript:y)'],
			['<img src=x>', '&lt;img src=x&gt;'],
			['back\\slash', 'back\\\\slash'],
			['one\ntwo\r\nthree\u2028four', 'one two three four'],
			['    code', 'code'],
			['=== ', '\\=== '],
			['&amp; &', '&amp;amp; &'],
			['Plain words, 24 hours.', 'Plain words, 24 hours.']
		];
		for (const [raw, escaped] of cases) expect(markdownEscape(raw), raw).toBe(escaped);
	});
});

describe('the JSON export', () => {
	test('is valid JSON that carries the hostile text intact', () => {
		const parsed = JSON.parse(JSON.stringify(toMachineJson(input()))) as {
			agreements: { statement: string; ownerName: string }[];
			charter: { facilitator: string };
			signatures: { leader: string }[];
		};
		expect(parsed.agreements[0]!.statement).toBe(HOSTILE_WORDING);
		expect(parsed.agreements[0]!.ownerName).toBe(HOSTILE_NAME);
		expect(parsed.charter.facilitator).toBe(HOSTILE_NAME);
		expect(parsed.signatures[0]!.leader).toBe(`${HOSTILE_NAME}, CMO\n## Audit trail`);
	});
});

describe('the PDF export', () => {
	test('draws the hostile text as text, with no link but the verification URL', async () => {
		const { extractLinks, extractText, getDocumentProxy } = await import('unpdf');
		const pdf = await getDocumentProxy(new Uint8Array(await toPdf(input())));
		const { text } = await extractText(pdf, { mergePages: true });
		const flat = text.replace(/\s+/g, ' ');
		expect(flat).toContain('<img src=x onerror=alert(1)>');
		expect(flat).toContain('[Verify this charter](javascript:alert(document.cookie))');
		expect(flat).toContain('## Signatures');
		const { links } = await extractLinks(pdf);
		expect(links).toEqual(['https://workshops.example.com/verify/v1']);
	});
});

describe('words, never internal codes, in every export', () => {
	/** A charter with a consent vote, a broken connection and a kept template suggestion. */
	function withVote(): ExportInput {
		const base = input();
		const content: CharterContent = {
			...hostileCharter(),
			sections: [
				{
					key: 'journey',
					kind: 'journey',
					title: 'The lead journey',
					intro: '',
					items: [
						{
							id: 'step1',
							text: 'Routed to an SDR with its context',
							data: { ownerTeam: 'Marketing', broken: 'human-by-technology', fromTemplate: true }
						}
					]
				},
				{
					key: 'agreements',
					kind: 'agreements',
					title: 'Agreements',
					intro: '',
					items: [
						{
							id: 'agreement1',
							text: 'One MQL definition for both teams.',
							data: {
								status: 'adopted',
								evidence: [],
								outcome: {
									passed: true,
									rule: 'Passes with no objection overall and within every team of 3 or more voters, and at least 3 voters in all.',
									voters: 3,
									k: 3,
									overallPasses: true,
									counts: { agree: 3, live: 0, object: 0 },
									teams: [
										{ team: 'Sales', voters: 2, passes: null },
										{ team: 'Marketing', voters: 1, passes: null }
									],
									dissent: { overall: 0, teams: [] }
								}
							}
						}
					]
				}
			]
		};
		const hash = contentHash(content);
		return {
			...base,
			verification: {
				...base.verification,
				version: { ...base.verification.version, content, hash },
				recomputedHash: hash,
				publishedHash: hash
			}
		};
	}
	const VOTE = 'Adopted by vote: 3 agree, 0 can live with it, 0 object (3 voting)';
	const DECIDED = 'Passed overall; no team had 3 voters, so no per-team check.';
	const CODES = / · 3 voting|\d live\b|human-by-technology|human by technology|rule: /;

	test('the Markdown and the PDF say the vote in the options’ words and what decided it', async () => {
		const markdown = toMarkdown(withVote()).replace(/\\(.)/g, '$1');
		expect(markdown).toContain(`Vote: ${VOTE}`);
		expect(markdown).toContain(`Decided: ${DECIDED}`);
		expect(markdown).toContain('Broken connection: Human, broken by technology');
		expect(markdown).not.toMatch(CODES);

		const { extractText, getDocumentProxy } = await import('unpdf');
		const pdf = await getDocumentProxy(new Uint8Array(await toPdf(withVote())));
		const flat = (await extractText(pdf, { mergePages: true })).text.replace(/\s+/g, ' ');
		expect(flat).toContain(VOTE);
		expect(flat).toContain(DECIDED);
		expect(flat).not.toMatch(CODES);
	});

	test('the JSON keeps the typed vote and adds it in words', () => {
		const json = toMachineJson(withVote());
		const agreement = json.agreements[0]! as Record<string, unknown>;
		expect(agreement.vote).toMatchObject({ counts: { agree: 3, live: 0, object: 0 } });
		expect(agreement.voteSummary).toBe(`${VOTE}. ${DECIDED}`);
		expect(json.lifecycleStages[0]).toMatchObject({
			brokenConnection: 'human-by-technology',
			suggestedByTemplate: true
		});
	});
});
