import { describe, expect, test } from 'vitest';
import {
	canonicalJson,
	contentHash,
	normaliseText,
	sha256Hex
} from '../../src/lib/domain/charter/canon';
import { CHARTER_SCHEMA, type CharterContent } from '../../src/lib/domain/charter/content';

function sample(): CharterContent {
	return {
		schema: CHARTER_SCHEMA,
		title: 'Sales & Marketing Alignment Charter',
		organisation: 'Acme Industrial',
		workshopTitle: 'Q3 Alignment',
		facilitator: 'Fay Facilitator',
		participants: [
			{ team: 'Sales', count: 4 },
			{ team: 'Marketing', count: 3 }
		],
		sections: [
			{
				key: 'definitions',
				kind: 'definitions',
				title: 'Shared definitions',
				intro: '',
				items: [
					{
						id: 'term1',
						text: 'An MQL is a lead that scored 65 or more.',
						data: { term: 'MQL', value: 65, unit: 'points', requiredFields: [] }
					}
				]
			},
			{
				key: 'journey',
				kind: 'journey',
				title: 'The lead journey',
				intro: '',
				items: [{ id: 'step1', text: 'Sales calls back', data: { slaHours: 24 } }]
			}
		]
	};
}

describe('canonical JSON and its hash', () => {
	test('the same content gives the same hash however its keys are ordered', () => {
		const a = sample();
		const b = JSON.parse(JSON.stringify(a)) as CharterContent;
		const reordered = Object.fromEntries(Object.entries(b).reverse());
		expect(contentHash(reordered)).toBe(contentHash(a));
		expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
			'{"a":{"c":null,"d":[2,1]},"b":1}'
		);
	});

	test('composed and decomposed accents, line endings and extra spaces hash the same', () => {
		const a = sample();
		const b = sample();
		a.title = 'Charte d’alignement — équipe';
		b.title = '  Charte d’alignement —  e\u0301quipe \r\n';
		a.sections[0]!.items[0]!.text = 'Line one\nLine two';
		b.sections[0]!.items[0]!.text = 'Line one\r\nLine two\t ';
		expect(contentHash(b)).toBe(contentHash(a));
		expect(normaliseText('a\u200bb\u00a0\u00a0c\r\r\n\n\nd')).toBe('ab c\n\nd');
	});

	test('any change a reader could see gives a different hash', () => {
		const base = contentHash(sample());
		const edits: Array<(c: CharterContent) => void> = [
			(c) => (c.title += '.'),
			(c) => (c.sections[0]!.items[0]!.text = 'An MQL is a lead that scored 66 or more.'),
			(c) => (c.sections[0]!.items[0]!.data.value = 66),
			(c) => (c.sections[1]!.items[0]!.data.slaHours = '24'),
			(c) => c.sections.reverse(),
			(c) => (c.participants[0]!.count = 5),
			(c) => (c.sections[0]!.intro = 'Adopted by vote.'),
			(c) => (c.sections[0]!.items[0]!.text = 'An mql is a lead that scored 65 or more.'),
			(c) => (c.sections[1]!.items = [])
		];
		const hashes = new Set([base]);
		for (const edit of edits) {
			const changed = sample();
			edit(changed);
			const hash = contentHash(changed);
			expect(hash, edit.toString()).not.toBe(base);
			hashes.add(hash);
		}
		expect(hashes.size).toBe(edits.length + 1);
	});

	test('the hash is SHA-256 of the canonical UTF-8 bytes, in lower-case hex', () => {
		expect(sha256Hex('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
		expect(contentHash({ a: 'é' })).toBe(sha256Hex('{"a":"é"}'));
	});

	test('values JSON cannot carry are refused instead of hashed loosely', () => {
		expect(() => canonicalJson({ a: Number.NaN })).toThrow(/Not a JSON number/);
		expect(() => canonicalJson({ a: new Date(0) })).toThrow(/plain objects/);
		expect(canonicalJson({ a: undefined, b: -0 })).toBe('{"b":0}');
	});
});
