import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { textOf } from '../../src/lib/collab/cards';
import {
	capChange,
	diffText,
	transformIndex,
	type DeltaOp,
	type TextChange
} from '../../src/lib/collab/text-diff';

function apply(text: string, change: TextChange | null): string {
	if (!change) return text;
	return text.slice(0, change.index) + change.insert + text.slice(change.index + change.remove);
}

function applyToY(ytext: Y.Text, change: TextChange | null) {
	if (!change) return;
	ytext.doc!.transact(() => {
		if (change.remove > 0) ytext.delete(change.index, change.remove);
		if (change.insert) ytext.insert(change.index, change.insert);
	});
}

describe('turning a textarea input into the smallest change', () => {
	test('typing, deleting and replacing a selection each become one small change', () => {
		expect(diffText('MQL is', 'MQL is a', 8)).toEqual({ index: 6, remove: 0, insert: ' a' });
		expect(diffText('MQL is a lead', 'MQL is lead', 7)).toEqual({
			index: 7,
			remove: 2,
			insert: ''
		});
		expect(diffText('score above 50', 'score above 65', 14)).toEqual({
			index: 12,
			remove: 2,
			insert: '65'
		});
		expect(diffText('same', 'same')).toBeNull();
	});

	test('the caret decides where a repeated character was typed', () => {
		// "aa" → "aaa" with the caret at 2: the new "a" is the one at index 1.
		expect(diffText('aa', 'aaa', 2)).toEqual({ index: 1, remove: 0, insert: 'a' });
		expect(diffText('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
		// Without a caret the change goes at the end of the common start.
		expect(diffText('aa', 'aaa')).toEqual({ index: 2, remove: 0, insert: 'a' });
	});

	test('any pair of texts round-trips through the change', () => {
		const samples = ['', 'a', 'ab', 'ba', 'abc', 'aXc', 'hello world', 'hello', 'world', 'aaaa'];
		for (const before of samples) {
			for (const after of samples) {
				for (let caret = 0; caret <= after.length; caret++) {
					expect(apply(before, diffText(before, after, caret))).toBe(after);
				}
			}
		}
	});

	test('an emoji is never split in half', () => {
		const before = 'lead 👍';
		const after = 'lead 👎';
		const change = diffText(before, after, after.length)!;
		expect(change.insert).toBe('👎');
		expect(change.remove).toBe(2);
		expect(apply(before, change)).toBe(after);
	});

	test('a paste is cut to the cap, and deleting stays possible above it', () => {
		const change = diffText('abc', 'abcdefgh', 8)!;
		expect(capChange(change, 3, 5)).toEqual({ index: 3, remove: 0, insert: 'de' });
		const removal = diffText('abcdefgh', 'abcdefg', 7)!;
		expect(capChange(removal, 8, 5)).toEqual(removal);
		// The cut never leaves half an emoji at the end.
		expect(capChange({ index: 0, remove: 0, insert: 'a👍' }, 0, 2).insert).toBe('a');
	});
});

describe('two people typing in the same wording at once', () => {
	test('both keep their characters, unlike writing the whole value', () => {
		const sales = new Y.Doc();
		const marketing = new Y.Doc();
		const salesText = sales.getText('merged');
		const marketingText = marketing.getText('merged');
		salesText.insert(0, 'A lead is an MQL when it scores.');
		Y.applyUpdate(marketing, Y.encodeStateAsUpdate(sales));

		// Concurrently: Sales adds a word at the start, Marketing one before the full stop.
		const salesBefore = salesText.toString();
		const salesAfter = 'Every ' + salesBefore.slice(2);
		applyToY(salesText, diffText(salesBefore, salesAfter, 6));
		const marketingBefore = marketingText.toString();
		const marketingAfter = marketingBefore.replace('scores.', 'scores 50.');
		applyToY(marketingText, diffText(marketingBefore, marketingAfter, marketingAfter.length - 1));

		Y.applyUpdate(marketing, Y.encodeStateAsUpdate(sales));
		Y.applyUpdate(sales, Y.encodeStateAsUpdate(marketing));
		expect(salesText.toString()).toBe('Every lead is an MQL when it scores 50.');
		expect(marketingText.toString()).toBe(salesText.toString());
	});
});

describe('keeping the caret in place when someone else edits', () => {
	test('text inserted or deleted before the caret moves it; after it, not', () => {
		expect(transformIndex(5, [{ insert: 'XY' }])).toBe(7);
		expect(transformIndex(5, [{ retain: 6 }, { insert: 'XY' }])).toBe(5);
		expect(transformIndex(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
		// A deletion around the caret leaves it where the deleted text was.
		expect(transformIndex(5, [{ retain: 3 }, { delete: 5 }])).toBe(3);
		// Someone typing exactly at the caret does not push it along.
		expect(transformIndex(5, [{ retain: 5 }, { insert: 'Z' }])).toBe(5);
	});

	test('follows a real Yjs delta', () => {
		const doc = new Y.Doc();
		const text = doc.getText('t');
		text.insert(0, 'hello world');
		let delta: DeltaOp[] = [];
		text.observe((event) => (delta = event.delta as DeltaOp[]));
		doc.transact(() => {
			text.delete(0, 5);
			text.insert(0, 'goodbye cruel');
		});
		// The caret was before "world" (index 6); it still is.
		const caret = transformIndex(6, delta);
		expect(text.toString().slice(caret)).toBe('world');
	});
});

describe('a shared text read on the server', () => {
	test('drops a NUL and shows a lone surrogate as U+FFFD, and keeps whole emoji as typed', () => {
		// A document stored before the board guard refused NULs, read into a poll or the charter.
		const doc = new Y.Doc();
		const text = doc.getText('wording');
		text.insert(0, 'Back\u0000 to nurture \ud83d after 90 days 🙂');
		expect(textOf(text)).toBe('Back to nurture \uFFFD after 90 days 🙂');
		expect(textOf(null)).toBe('');
	});
});
