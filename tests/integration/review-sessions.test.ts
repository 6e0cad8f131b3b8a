/**
 * Review sessions and the shared learning agenda against the real server and database, with
 * the scheduling clock three months after signing (CG_TEST_CLOCK_OFFSET) and a real SMTP
 * server: a review starts only from a signed charter, each clause gets an anonymous pulse
 * (voting tokens, casts without a session, per-team results under the k rule, reasons inside
 * the ballot), a closed review takes no pulse, marked clauses become version 2 with its diff,
 * an amendment of a superseded version is refused, the review reminder is mailed once its date
 * has come, and learning items are proposed, accepted and appended to the exports outside the
 * signed hash. Every refusal changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contentHash } from '../../src/lib/domain/charter/canon';
import {
	inviteLeader,
	openLink,
	workshopWithCharterContent,
	type CharterWorkshop
} from '../factories/charter';
import { facilitatorWithWorkshop, joinAs } from '../factories/workshops';
import { oneDatabase } from '../support/databases';
import { Client, uploadAction, type ActionResult } from '../support/http';
import { generateLeads, leadCsv } from '../support/lead-report';
import { startMailbox, type Mailbox } from '../support/mailbox';
import { waitFor } from '../support/realtime';
import { serverForSuite } from '../support/suite';
import { Voter } from '../support/voting';

type Json = Record<string, unknown>;

/** A refused form's words for one field, and what it sends back to fill the form again. */
const refusal = (r: ActionResult) =>
	r.data as { errors: Record<string, string>; values: Record<string, string> };

const DAY = 24 * 60 * 60 * 1000;
/** Three months after signing, as the scheduling clock sees it. */
const OFFSET_MS = 92 * DAY;
const clockDay = (days: number) =>
	new Date(Date.now() + OFFSET_MS + days * DAY).toISOString().slice(0, 10);

interface Clause {
	clauseId: string;
	text: string;
	pollId: string;
	pollStatus: string;
	proposedText: string | null;
	result: {
		voters: number;
		counts: Record<string, number> | null;
		teams: { teamId: string; counts: Record<string, number> | null }[];
		reasons: string[];
	} | null;
}

let mailbox: Mailbox;
beforeAll(async () => {
	mailbox = await startMailbox();
});
afterAll(async () => {
	await mailbox?.close();
});

describe.each(oneDatabase('pglite'))('review sessions on %s', (kind) => {
	const suite = serverForSuite(kind, {
		CG_TEST_CLOCK_OFFSET: String(OFFSET_MS),
		REVIEW_REMINDER_INTERVAL_MS: '200',
		get SMTP_URL() {
			return mailbox.url;
		},
		MAIL_FROM: 'Common Ground <workshops@example.com>'
	} as Record<string, string>);
	let ws: CharterWorkshop;
	let vic: Client;
	let vicEmail: string;
	let voters: Voter[];
	let v1: { id: string; hash: string };
	let reviewId: string;
	let clauses: Clause[];
	const url = () => suite.server.url;
	const api = () => `/api/workshops/${ws.workshopId}`;
	const sign = (versionId: string, hash: string) =>
		vic.action(`/charters/${ws.workshopId}?/sign`, {
			versionId,
			hash,
			fullName: 'Vic Vance',
			title: 'VP Sales',
			consent: 'yes'
		});

	beforeAll(async () => {
		ws = await workshopWithCharterContent(url());
		vicEmail = `vic-${kind}-${Date.now()}@example.com`;
		vic = new Client(url());
		await openLink(
			vic,
			await inviteLeader(ws, { name: 'Vic', title: 'VP Sales', email: vicEmail })
		);
		voters = [];
		for (const [team, names] of [
			['Sales', ['Ann', 'Bob', 'Cat']],
			['Marketing', ['Dee', 'Eve', 'Fay']]
		] as const) {
			for (const name of names) {
				const teamId = ws.teams[team]!;
				voters.push(
					new Voter(await joinAs(url(), ws.joinCode, teamId, name), ws.workshopId, name, teamId)
				);
			}
		}
	});

	test('a review starts only from a charter every leader has signed, and only by its facilitator', async () => {
		const unpublished = await ws.facilitator.json('POST', `${api()}/reviews`, {});
		expect(unpublished.status).toBe(409);
		expect(String(unpublished.body.message)).toMatch(/not been published yet/);

		const published = await ws.act('publish');
		v1 = published.data!.published as typeof v1;
		const unsigned = await ws.facilitator.json('POST', `${api()}/reviews`, {});
		expect(unsigned.status).toBe(409);
		expect(String(unsigned.body.message)).toMatch(/version 1 is not signed by every leader/);

		expect((await sign(v1.id, v1.hash)).type).toBe('success');

		const stranger = await facilitatorWithWorkshop(url());
		const refusals: Array<[Client, number]> = [
			[voters[0]!.client, 403],
			[stranger.facilitator, 403],
			[vic, 401],
			[new Client(url()), 401]
		];
		for (const [client, status] of refusals) {
			const r = await client.json('POST', `${api()}/reviews`, {});
			expect(r.status).toBe(status);
		}
		const list = await ws.facilitator.json('GET', `${api()}/reviews`);
		expect(list.body.reviews).toEqual([]);
	});

	test('the reminder goes to the facilitator and the leader once the cadence date has come', async () => {
		// The charter's cadence says 2027-02-01; the scheduling clock is three months on.
		const mail = await waitFor('the review reminder', () =>
			mailbox.to(vicEmail).find((m) => /Charter review due/.test(m.subject ?? ''))
		);
		expect(mail.text).toContain('is due for review on 2027-02-01');
		expect(mailbox.to(ws.email).some((m) => /Charter review due/.test(m.subject ?? ''))).toBe(true);
	});

	test('starting a review opens one anonymous pulse per clause of the signed version, with the measures’ actuals', async () => {
		const recorded = await ws.act('recordMeasure', {
			measureId: ws.measureId,
			period: '2027-02',
			value: '21',
			recordedBy: 'Marketing ops'
		});
		expect(recorded.type, JSON.stringify(recorded.data)).toBe('success');

		// Pulses are chosen from the signed version's clauses (every one when none is named).
		const machine = (await (
			await vic.get(`/charters/${ws.workshopId}/versions/${v1.id}/json`)
		).json()) as { content: { sections: { items: { id: string; text: string }[] }[] } };
		const all = machine.content.sections.flatMap((s) => s.items);
		const sla = all.find((i) => /within 24 hours/.test(i.text))!;
		const picked = [sla, ...all.filter((i) => i !== sla).slice(0, 2)].map((i) => i.id);
		const unknown = await ws.facilitator.json('POST', `${api()}/reviews`, {
			clauseIds: ['nosuchclause']
		});
		expect(unknown.status).toBe(400);
		expect(String(unknown.body.message)).toMatch(/not in version 1/);

		const started = await ws.facilitator.json('POST', `${api()}/reviews`, { clauseIds: picked });
		expect(started.status).toBe(201);
		const review = started.body.review as Json;
		reviewId = String(review.id);
		expect(review.number).toBe(1);
		expect(review.versionId).toBe(v1.id);
		// Started by the scheduling clock: three months after signing.
		expect(String(review.startedAt).slice(0, 10)).toBe(clockDay(0));

		const again = await ws.facilitator.json('POST', `${api()}/reviews`, {});
		expect(again.status).toBe(409);
		expect(String(again.body.message)).toMatch(/already open/);

		const read = await ws.facilitator.json('GET', `${api()}/reviews/${reviewId}`);
		expect(read.status).toBe(200);
		clauses = read.body.clauses as Clause[];
		expect(clauses.map((c) => c.clauseId)).toEqual(
			all.filter((i) => picked.includes(i.id)).map((i) => i.id)
		);
		expect(clauses.every((c) => c.pollStatus === 'open')).toBe(true);
		const measures = read.body.measures as {
			measureId: string;
			status: { latest: { value: number } | null };
		}[];
		expect(measures.find((m) => m.measureId === ws.measureId)?.status.latest?.value).toBe(21);

		// A phone sees the pulse as a poll with three fixed options.
		const seen = await voters[0]!.client.json('GET', `${api()}/polls/${clauses[0]!.pollId}`);
		expect((seen.body.poll as { kind: string; options: { label: string }[] }).kind).toBe('pulse');
		expect(
			(seen.body.poll as { options: { label: string }[] }).options.map((o) => o.label)
		).toEqual(['Still holds', 'Needs a change', 'Not working']);
	});

	test('pulses are cast with voting tokens and no session; per-team results follow the k rule; reasons travel in the ballot', async () => {
		const target = clauses.find((c) => /within 24 hours/.test(c.text))!;
		const choices = ['change', 'change', 'holds', 'broken', 'change', 'change'];
		for (const [i, voter] of voters.entries()) {
			const answer = await voter.vote(target.pollId, choices[i], {
				reason: i === 3 ? 'The SLA is missed every Friday.' : undefined
			});
			expect(answer.status, JSON.stringify(answer.body)).toBe(201);
		}
		// Two Sales voters only on the second clause: Sales is below k, so no team is shown.
		const second = clauses.find((c) => c !== target)!;
		for (const voter of voters.slice(0, 4)) {
			expect((await voter.vote(second.pollId, 'holds')).status).toBe(201);
		}
		// Not an option of a pulse.
		expect((await voters[5]!.vote(second.pollId, 'agree')).status).toBe(400);

		const closed = await ws.facilitator.json('POST', `${api()}/reviews/${reviewId}/close`, {});
		expect(closed.status).toBe(200);
		expect((closed.body.review as Json).status).toBe('closed');

		const late = await voters[5]!.vote(target.pollId, 'holds');
		expect(late.status).toBe(409);
		expect(String(late.body.message)).toMatch(/closed: votes are no longer taken/);
		const closeTwice = await ws.facilitator.json('POST', `${api()}/reviews/${reviewId}/close`, {});
		expect(closeTwice.status).toBe(409);

		const read = await ws.facilitator.json('GET', `${api()}/reviews/${reviewId}`);
		clauses = read.body.clauses as Clause[];
		const result = clauses.find((c) => c.clauseId === target.clauseId)!.result!;
		expect(result.voters).toBe(6);
		expect(result.counts).toEqual({ holds: 1, change: 4, broken: 1 });
		const sales = result.teams.find((t) => t.teamId === ws.teams.Sales)!;
		expect(sales.counts).toEqual({ holds: 1, change: 2, broken: 0 });
		expect(result.reasons).toEqual(['The SLA is missed every Friday.']);
		const secondResult = clauses.find((c) => c.clauseId === second.clauseId)!.result!;
		expect(secondResult.voters).toBe(4);
		expect(secondResult.teams.every((t) => t.counts === null)).toBe(true);
	});

	test('a marked clause becomes version 2 with its diff; amending a superseded version is refused', async () => {
		const target = clauses.find((c) => c.result?.voters === 6)!;
		const wording = 'Sales follows up every MQL within 24 business hours.';
		const bad = await ws.facilitator.json('PATCH', `${api()}/reviews/${reviewId}/clauses`, {
			clauseId: target.clauseId,
			proposedText: '   '
		});
		expect(bad.status).toBe(400);
		expect(String(bad.body.message)).toMatch(/Write the wording/);
		const unknown = await ws.facilitator.json('PATCH', `${api()}/reviews/${reviewId}/clauses`, {
			clauseId: 'nosuchclause',
			proposedText: wording
		});
		expect(unknown.status).toBe(404);

		const marked = await ws.facilitator.json('PATCH', `${api()}/reviews/${reviewId}/clauses`, {
			clauseId: target.clauseId,
			proposedText: wording
		});
		expect(marked.status).toBe(200);

		const amended = await ws.facilitator.json('POST', `${api()}/reviews/${reviewId}/amendment`, {
			versionId: v1.id,
			publish: true
		});
		expect(amended.status, JSON.stringify(amended.body)).toBe(201);
		const v2 = amended.body.published as { id: string; number: number; hash: string };
		expect(v2.number).toBe(2);

		const diff = await (await vic.get(`/charters/${ws.workshopId}/diff`)).text();
		expect(diff).toContain('24 business hours');

		const stale = await ws.facilitator.json('POST', `${api()}/reviews/${reviewId}/amendment`, {
			versionId: v1.id,
			publish: true
		});
		expect(stale.status).toBe(409);
		expect(String(stale.body.message)).toMatch(/Version 1 has been superseded by version 2/);

		expect((await sign(v2.id, v2.hash)).type).toBe('success');
		// Signed again, so the next review may start from version 2.
		const next = await ws.facilitator.json('POST', `${api()}/reviews`, {
			clauseIds: [target.clauseId]
		});
		expect(next.status).toBe(201);
		const second = next.body.review as Json;
		expect(second.versionId).toBe(v2.id);
		const closed = await ws.facilitator.json(
			'POST',
			`${api()}/reviews/${String(second.id)}/close`,
			{}
		);
		expect(closed.status).toBe(200);
	});

	test('the leadership overview shows each clause’s pulse per review, the measures and the next review date', async () => {
		const page = (await (await vic.get('/leadership')).text()).replace(/<!--.*?-->/g, '');
		expect(page).toContain('Charter health');
		expect(page).toMatch(/Review 1/);
		expect(page).toMatch(/data-testid="pulse-counts"[^>]*>[^<]*4 need a change/);
		expect(page).toContain('Next review');
		expect(page).toContain('2027-02-01');

		const bad = await ws.facilitator.json('PATCH', `${api()}/review-date`, { date: clockDay(-1) });
		expect(bad.status).toBe(400);
		expect(String(bad.body.message)).toMatch(/in the past/);
		const set = await ws.facilitator.json('PATCH', `${api()}/review-date`, { date: clockDay(90) });
		expect(set.status).toBe(200);
		expect(set.body.nextReview).toBe(clockDay(90));
		const byLeader = await vic.json('PATCH', `${api()}/review-date`, { date: clockDay(91) });
		expect(byLeader.status).toBe(401);
	});

	test('the learning agenda: participants propose, the facilitator and leaders accept, bad input is refused', async () => {
		const item = {
			title: 'The Challenger Sale, chapters 1–3',
			kind: 'reading',
			teamId: ws.teams.Sales,
			owner: 'Ann',
			// Discussed today, so its takeaways may be recorded.
			discussOn: clockDay(0)
		};
		const cases: Array<[Json, RegExp]> = [
			[{ ...item, title: '   ' }, /title: it cannot be empty/],
			[{ ...item, discussOn: clockDay(-1) }, /in the past/],
			[{ ...item, discussOn: '2027-13-45' }, /not a real date/],
			[{ ...item, kind: 'podcast' }, /reading, a talk or a course/]
		];
		for (const [body, message] of cases) {
			const r = await voters[0]!.client.json('POST', `${api()}/learning`, body);
			expect(r.status, JSON.stringify(body)).toBe(400);
			expect(String(r.body.message)).toMatch(message);
		}
		const stranger = await facilitatorWithWorkshop(url());
		const foreignTeam = await voters[0]!.client.json('POST', `${api()}/learning`, {
			...item,
			teamId: stranger.teams.Sales
		});
		expect(foreignTeam.status).toBe(400);
		expect((await ws.facilitator.json('GET', `${api()}/learning`)).body.items).toEqual([]);

		const proposed = await voters[0]!.client.json('POST', `${api()}/learning`, item);
		expect(proposed.status).toBe(201);
		const proposal = proposed.body.item as Json;
		expect(proposal.status).toBe('proposed');
		expect(proposal.proposedBy).toBe('A participant');
		const itemPath = `${api()}/learning/${String(proposal.id)}`;

		// Neither a participant nor another workshop's facilitator may accept it.
		expect((await voters[1]!.client.json('PATCH', itemPath, { action: 'accept' })).status).toBe(
			403
		);
		expect((await stranger.facilitator.json('PATCH', itemPath, { action: 'accept' })).status).toBe(
			403
		);
		// Nor through another workshop's address.
		const elsewhere = await stranger.facilitator.json(
			'PATCH',
			`/api/workshops/${stranger.workshopId}/learning/${String(proposal.id)}`,
			{ action: 'accept' }
		);
		expect(elsewhere.status).toBe(404);
		// Takeaways wait for the item to be accepted.
		const early = await ws.facilitator.json('PATCH', itemPath, { takeaways: 'Teach, tailor.' });
		expect(early.status).toBe(409);

		const accepted = await vic.json('PATCH', itemPath, { action: 'accept' });
		expect(accepted.status).toBe(200);
		expect((accepted.body.item as Json).status).toBe('accepted');
		const noted = await ws.facilitator.json('PATCH', itemPath, {
			takeaways: 'Teach, tailor, take control: sales wants insight, not more leads.'
		});
		expect(noted.status).toBe(200);

		const byLeader = await vic.json('POST', `${api()}/learning`, {
			...item,
			title: 'Forrester talk on the buyer journey',
			kind: 'talk',
			teamId: ws.teams.Marketing,
			owner: 'Dee'
		});
		expect(byLeader.status).toBe(201);
		expect((byLeader.body.item as Json).status).toBe('accepted');

		const overview = await (await vic.get('/leadership')).text();
		expect(overview).toContain('Shared learning agenda');
		expect(overview).toContain('The Challenger Sale, chapters 1–3');
		expect(overview).toContain('Teach, tailor, take control');
	});

	test('the exports carry the learning agenda as an appendix, outside the signed text and its hash', async () => {
		const current = (await ws.facilitator.json('GET', `${api()}/reviews`)).body.reviews as Json[];
		const versionId = String(current.at(-1)!.versionId);
		const base = `/charters/${ws.workshopId}/versions/${versionId}`;
		const md = await (await vic.get(`${base}/md`)).text();
		expect(md).toContain('## Appendix: shared learning agenda');
		expect(md).toContain('not part of the signed text or its fingerprint');
		expect(md).toMatch(/Reading: The Challenger Sale, chapters 1–3 \(chosen by Sales, owner Ann/);
		const machine = (await (await vic.get(`${base}/json`)).json()) as {
			content: unknown;
			charter: { sha256: string };
			learningAgenda: { title: string }[];
		};
		expect(machine.learningAgenda.map((i) => i.title)).toContain(
			'The Challenger Sale, chapters 1–3'
		);
		expect(contentHash(machine.content)).toBe(machine.charter.sha256);
		expect(JSON.stringify(machine.content)).not.toContain('Challenger');
		const pdf = await vic.get(`${base}/pdf`);
		expect(pdf.status).toBe(200);
	});

	// The screens' form paths.
	let phoneItemId: string;
	const agendaItems = async () =>
		(await ws.facilitator.json('GET', `${api()}/learning`)).body.items as Json[];
	const phoneItem = {
		title: 'Gong talk: what top reps do differently',
		kind: 'talk',
		teamId: '',
		owner: 'Cat',
		discussOn: clockDay(7)
	};

	test('a phone proposes an agenda item by form without its name; bad input keeps what was typed; a participant of another workshop is refused', async () => {
		const bob = voters[1]!.client;
		const room = await (await bob.get(`/w/${ws.workshopId}`)).text();
		expect(room).toContain(`href="/w/${ws.workshopId}/learning"`);
		const page = await (await bob.get(`/w/${ws.workshopId}/learning`)).text();
		expect(page).toContain('Propose an item');
		// Bob's team is chosen for him.
		expect(page).toMatch(new RegExp(`<option value="${ws.teams.Sales}"[^>]*selected`));

		const path = `/w/${ws.workshopId}/learning?/proposeItem`;
		const before = (await agendaItems()).length;
		const empty = await bob.action(path, { ...phoneItem, title: '  ' });
		expect(empty.status).toBe(400);
		expect(refusal(empty).errors.title).toMatch(/title: it cannot be empty/);
		expect(refusal(empty).values.owner).toBe('Cat');
		const past = await bob.action(path, { ...phoneItem, discussOn: clockDay(-1) });
		expect(past.status).toBe(400);
		expect(refusal(past).errors.discussOn).toMatch(/in the past: choose today or a later day/);
		expect(refusal(past).values.title).toBe(phoneItem.title);

		const stranger = await facilitatorWithWorkshop(url());
		const outsider = await joinAs(url(), stranger.joinCode, stranger.teams.Sales!, 'Olga');
		const foreign = await outsider.action(path, phoneItem);
		expect(foreign.status).toBe(403);
		expect((await outsider.get(`/w/${ws.workshopId}/learning`)).status).toBe(403);
		expect((await agendaItems()).length).toBe(before);

		const proposed = await bob.action(path, phoneItem);
		expect(proposed.type, JSON.stringify(proposed)).toBe('success');
		expect(proposed.data!.itemProposed).toEqual({ title: phoneItem.title, isAccepted: false });
		const item = (await agendaItems()).find((i) => i.title === phoneItem.title)!;
		expect(item.status).toBe('proposed');
		expect(item.proposedBy).toBe('A participant');
		expect(JSON.stringify(item)).not.toContain('Bob');
		phoneItemId = String(item.id);
		const shown = await (await bob.get(`/w/${ws.workshopId}/learning`)).text();
		expect(shown).toContain('A participant proposed it · waiting for the facilitator or a leader');
	});

	test('a leader accepts, adds and records takeaways on the charter page; a participant and another charter’s leader are refused', async () => {
		const page = `/charters/${ws.workshopId}`;
		const html = await (await vic.get(page)).text();
		expect(html).toContain('Shared learning agenda');
		expect(html).toContain(phoneItem.title);

		// A participant may not accept, here or on the facilitator's page.
		const byPhone = await voters[0]!.client.action(`${page}?/acceptItem`, {
			itemId: phoneItemId
		});
		expect(byPhone.status).toBe(403);
		const onConsole = await voters[0]!.client.action(
			`/workshops/${ws.workshopId}/reviews?/acceptItem`,
			{ itemId: phoneItemId }
		);
		expect(onConsole.type).not.toBe('success');
		// Nor may the leader of another charter.
		const other = await workshopWithCharterContent(url());
		const olive = new Client(url());
		await openLink(
			olive,
			await inviteLeader(other, {
				name: 'Olive',
				title: 'CRO',
				email: `olive-${Date.now()}@example.com`
			})
		);
		const foreign = await olive.action(`${page}?/acceptItem`, { itemId: phoneItemId });
		expect(foreign.status).toBe(403);
		expect(foreign.error?.message).toMatch(/another workshop’s charter/);
		const foreignAdd = await olive.action(`${page}?/proposeItem`, phoneItem);
		expect(foreignAdd.status).toBe(403);
		const stillProposed = (await agendaItems()).find((i) => i.id === phoneItemId)!;
		expect(stillProposed.status).toBe('proposed');
		const unknown = await vic.action(`${page}?/acceptItem`, { itemId: 'nosuchitem' });
		expect(unknown.status).toBe(404);
		expect(refusal(unknown).errors.item).toMatch(/no such item/);

		const accepted = await vic.action(`${page}?/acceptItem`, { itemId: phoneItemId });
		expect(accepted.type).toBe('success');
		expect((await agendaItems()).find((i) => i.id === phoneItemId)!.status).toBe('accepted');

		// Takeaways wait for the discussion date, and say so; what was typed comes back.
		const early = await vic.action(`${page}?/recordTakeaways`, {
			itemId: phoneItemId,
			takeaways: 'Ask more questions.'
		});
		expect(early.status).toBe(409);
		expect(refusal(early).errors.takeaways).toMatch(/record its takeaways once that day has come/);
		expect(refusal(early).values.takeaways).toBe('Ask more questions.');

		const leaderItem = {
			title: 'Course: negotiating the hand-off',
			kind: 'course',
			teamId: ws.teams.Marketing!,
			owner: 'Dee',
			discussOn: clockDay(0)
		};
		const empty = await vic.action(`${page}?/proposeItem`, { ...leaderItem, title: '' });
		expect(empty.status).toBe(400);
		expect(refusal(empty).errors.title).toMatch(/cannot be empty/);
		expect(refusal(empty).values.owner).toBe('Dee');
		const past = await vic.action(`${page}?/proposeItem`, {
			...leaderItem,
			discussOn: clockDay(-3)
		});
		expect(past.status).toBe(400);
		expect(refusal(past).errors.discussOn).toMatch(/in the past/);
		const added = await vic.action(`${page}?/proposeItem`, leaderItem);
		expect(added.data!.itemProposed).toEqual({ title: leaderItem.title, isAccepted: true });
		const item = (await agendaItems()).find((i) => i.title === leaderItem.title)!;
		expect(item.status).toBe('accepted');

		const blank = await vic.action(`${page}?/recordTakeaways`, {
			itemId: String(item.id),
			takeaways: '  '
		});
		expect(blank.status).toBe(400);
		expect(refusal(blank).errors.takeaways).toMatch(/Write the takeaways/);
		const noted = await vic.action(`${page}?/recordTakeaways`, {
			itemId: String(item.id),
			takeaways: 'Agree the hand-off fields before the quarter starts.'
		});
		expect(noted.type).toBe('success');

		const overview = await (await vic.get('/leadership')).text();
		expect(overview).toContain(phoneItem.title);
		expect(overview).toContain('Agree the hand-off fields before the quarter starts.');
	});

	test('the review session page shows, beside its clauses, the actuals for its period by hand and from the CRM', async () => {
		const period = clockDay(0).slice(0, 7);
		const recorded = await ws.act('recordMeasure', {
			measureId: ws.measureId,
			period,
			value: '23',
			recordedBy: 'Marketing ops'
		});
		expect(recorded.type, JSON.stringify(recorded.data)).toBe('success');
		const reviewPage = `/workshops/${ws.workshopId}/reviews/${reviewId}`;
		const before = (await (await ws.facilitator.get(reviewPage)).text()).replace(/<!--.*?-->/g, '');
		expect(before).toContain(`Measures for ${period}`);
		expect(before).toMatch(/data-testid="period-actual"[^>]*>23</);
		expect(before).toContain('No lead report uploaded yet.');

		const uploaded = await uploadAction(
			vic,
			`/charters/${ws.workshopId}?/uploadEvidence`,
			{ timeZone: 'UTC' },
			{ name: 'leads.csv', text: leadCsv(generateLeads(200)) }
		);
		expect(uploaded.type, JSON.stringify(uploaded)).toBe('success');
		const after = await (await ws.facilitator.get(reviewPage)).text();
		expect(after).toContain('MQLs touched by sales within the SLA (CRM)');
		expect(after).not.toContain('No lead report uploaded yet.');
	});
});
