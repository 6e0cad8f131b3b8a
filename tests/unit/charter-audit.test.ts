import { describe, expect, test } from 'vitest';
import { nextEvent, verifyChain, type AuditEvent } from '../../src/lib/domain/charter/audit';

function chain(n: number): AuditEvent[] {
	const events: AuditEvent[] = [];
	for (let i = 0; i < n; i++) {
		events.push(
			nextEvent(events.at(-1), {
				kind: i === 0 ? 'published' : 'commented',
				at: new Date(Date.UTC(2027, 0, 1, 9, i)).toISOString(),
				actor: i === 0 ? 'Facilitator Fay' : 'Dana Diaz, CMO',
				versionId: 'v1',
				data: { text: `comment ${i}` }
			})
		);
	}
	return events;
}

describe('the audit chain', () => {
	test('an untouched chain is intact and each event points at the one before', () => {
		const events = chain(4);
		expect(verifyChain(events, { count: 4, hash: events[3]!.hash })).toEqual({
			isIntact: true,
			problems: []
		});
		expect(events[2]!.prevHash).toBe(events[1]!.hash);
		expect(events[0]!.prevHash).toBe('0'.repeat(64));
	});

	test('an edited event is detected', () => {
		const events = chain(4);
		events[1] = { ...events[1]!, data: { text: 'I approve without reservation' } };
		const check = verifyChain(events, { count: 4, hash: events[3]!.hash });
		expect(check.isIntact).toBe(false);
		expect(check.problems).toContain('Event 2 (commented) was altered after it was recorded.');
	});

	test('an edited event whose hash was recomputed breaks the link from the next one', () => {
		const events = chain(4);
		const forged = nextEvent(events[0], { ...events[1]!, data: { text: 'forged' } });
		events[1] = forged;
		const check = verifyChain(events);
		expect(check.problems).toEqual(['Event 3 does not follow the event recorded before it.']);
	});

	test('a removed event is detected, in the middle and at the end', () => {
		const events = chain(5);
		const middle = [...events.slice(0, 2), ...events.slice(3)];
		expect(verifyChain(middle, { count: 5, hash: events[4]!.hash }).problems).toEqual([
			'Event 3 is missing from the trail.',
			'1 event(s) were removed from the trail.'
		]);
		const end = events.slice(0, 4);
		expect(verifyChain(end, { count: 5, hash: events[4]!.hash }).isIntact).toBe(false);
		expect(verifyChain(end).isIntact).toBe(true);
	});
});
