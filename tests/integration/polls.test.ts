import { beforeAll, describe, expect, test } from 'vitest';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import { listCards } from '../../src/lib/collab/cards';
import { readPolls, readResults } from '../../src/lib/collab/polls';
import type { PublishedResult } from '../../src/lib/domain/polls';
import {
	facilitatorWithWorkshop,
	joinAs,
	type FacilitatorWithWorkshop
} from '../factories/workshops';
import { addTerm, mergedText } from '../support/board-text';
import { databaseKinds, onOne } from '../support/databases';
import { connectPeer, waitFor } from '../support/realtime';
import { serverForSuite } from '../support/suite';
import { randomBytes } from 'node:crypto';
import { registerDatabase } from '../../src/lib/server/db';
import { openDatabase } from '../../src/lib/server/db/open';
import { cast } from '../../src/lib/server/polls/ballots';
import type { RuleError } from '../../src/lib/server/rules';
import { UNSTORABLE_TEXT } from '../../src/lib/schemas/storable';
import { controlPoll, createPoll, postAnonymously, runPoll, Voter } from '../support/voting';

// Ballots, tokens and turnout run on both databases; the rules above them (the k rule, double
// majority, dot budgets, refusals) run on one.
/**
 * Devices of one person asking for a token, and casts of that token, all at one moment. The
 * embedded database runs one query at a time whatever the number, so 20 reach the same code
 * paths there (the group commit, the one signature, the one ballot) that 50 reach on
 * PostgreSQL, where concurrent connections race for real.
 */
const BURST = { postgres: 50, pglite: 20 } as const;

describe.each(databaseKinds())('polls on %s', (kind) => {
	const suite = serverForSuite(kind);
	let ws: FacilitatorWithWorkshop;
	let sales: Voter[];
	let marketing: Voter[];
	let agreementId: string;

	const polls = () => `/api/workshops/${ws.workshopId}/polls`;
	const newAgreement = async (statement: string) => {
		const created = await ws.facilitator.json(
			'POST',
			`/api/workshops/${ws.workshopId}/agreements`,
			{
				statement
			}
		);
		return String(created.body.id);
	};
	const consentPoll = async (statement = 'An MQL is a lead scored 60 or more.') =>
		createPoll(ws.facilitator, ws.workshopId, {
			kind: 'consent',
			agreementId: await newAgreement(statement)
		});
	const readPoll = async (pollId: string) =>
		(await ws.facilitator.json('GET', `${polls()}/${pollId}`)).body.poll as {
			status: string;
			turnout: { voted: number; eligible: number; teams: Record<string, { voted: number }> };
			result: PublishedResult | null;
		};

	beforeAll(async () => {
		const url = suite.server.url;
		ws = await facilitatorWithWorkshop(url);
		const join = async (team: string, name: string) =>
			new Voter(
				await joinAs(url, ws.joinCode, ws.teams[team]!, name),
				ws.workshopId,
				name,
				ws.teams[team]!
			);
		sales = [];
		marketing = [];
		for (const name of ['Sam', 'Sia', 'Sol', 'Sky']) sales.push(await join('Sales', name));
		for (const name of ['Mia', 'Max', 'Mo']) marketing.push(await join('Marketing', name));
		agreementId = await newAgreement('Sales calls every MQL back within 24 hours.');
	});

	test('a consent poll runs draft → open → closed → revealed, with turnout live and the result hidden until the reveal', async () => {
		const pollId = await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'consent',
			agreementId
		});
		const room = connectPeer(suite.server.url, sales[0]!.client, roomDocName(ws.workshopId));
		try {
			await room.whenSynced();
			const onScreen = () => readPolls(room.doc).find((p) => p.id === pollId);
			await waitFor('the draft poll in the room', () => onScreen()?.status === 'draft');
			expect(onScreen()!.rule).toContain('no objection overall and within every team of 3');

			const early = await sales[0]!.vote(pollId, 'agree');
			expect(early).toMatchObject({ status: 409, body: { message: 'This poll is not open yet.' } });

			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
			await waitFor('the poll open in the room', () => onScreen()?.status === 'open');
			expect(onScreen()!.turnout).toMatchObject({ voted: 0, eligible: 7 });

			for (const voter of [...sales, ...marketing]) {
				const cast = await voter.vote(pollId, 'agree');
				expect(cast).toEqual({
					status: 201,
					body: { voted: true, changed: false, tracker: expect.stringMatching(/^[0-9a-f]{64}$/) }
				});
			}
			await waitFor('turnout 7 of 7', () => onScreen()?.turnout.voted === 7);
			expect(onScreen()!.turnout.teams[ws.teams.Sales!]).toEqual({ voted: 4, eligible: 4 });
			expect(onScreen()!.turnout.teams[ws.teams.Marketing!]).toEqual({ voted: 3, eligible: 3 });
			// While open, nobody sees how it goes: not the room, not the API.
			expect(readResults(room.doc)[pollId]).toBeUndefined();
			expect((await readPoll(pollId)).result).toBeNull();

			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'reveal')).status).toBe(409);
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'close')).status).toBe(200);
			const late = await marketing[0]!.vote(pollId, 'object');
			expect(late).toMatchObject({
				status: 409,
				body: { message: 'This poll is closed: votes are no longer taken.' }
			});
			expect((await readPoll(pollId)).result).toBeNull();

			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'reveal')).status).toBe(200);
			const result = await waitFor('the result in the room', () => readResults(room.doc)[pollId]);
			expect(result).toMatchObject({
				voters: 7,
				counts: { agree: 7, live: 0, object: 0 },
				passed: true
			});
			const register = await sales[0]!.client.json(
				'GET',
				`/api/workshops/${ws.workshopId}/agreements`
			);
			const adopted = (register.body.agreements as { id: string; status: string }[]).find(
				(a) => a.id === agreementId
			);
			expect(adopted?.status).toBe('adopted');
		} finally {
			room.destroy();
		}
	});

	test('a ballot is changed with its own token only, and a person gets one token per poll', async () => {
		const pollId = await consentPoll();
		const otherPollId = await consentPoll('Every MQL carries its campaign.');
		expect((await controlPoll(ws.facilitator, ws.workshopId, otherPollId, 'open')).status).toBe(
			200
		);
		const revealed = await runPoll(ws.facilitator, ws.workshopId, pollId, async () => {
			for (const voter of [...sales, ...marketing])
				expect((await voter.vote(pollId, 'agree')).status).toBe(201);
			const changed = await sales[0]!.vote(pollId, 'object', {
				reason: 'Sixty is too low for us.'
			});
			expect(changed).toMatchObject({ status: 200, body: { voted: true, changed: true } });

			// A second device (or a cleared browser) of the same person gets no second token.
			const secondDevice = new Voter(sales[1]!.client, ws.workshopId, 'Sia again', ws.teams.Sales!);
			await expect(secondDevice.token(pollId)).rejects.toThrow(/belongs to the device/);

			const own = await sales[1]!.token(pollId);
			const forged = await sales[1]!.cast(
				pollId,
				{ ...own, signature: randomBytes(256).toString('base64url') },
				'object'
			);
			expect(forged).toMatchObject({ status: 403, body: { message: /does not verify/ } });
			const otherMessage = await sales[1]!.cast(
				pollId,
				{ ...own, message: randomBytes(64).toString('base64url') },
				'object'
			);
			expect(otherMessage.status).toBe(403);
			// A token of one poll is no token in another, even of the same workshop and team.
			const elsewhere = await sales[2]!.token(otherPollId);
			const crossed = await sales[2]!.cast(pollId, elsewhere, 'object');
			expect(crossed).toMatchObject({ status: 403, body: { message: /not for this poll/ } });
			const missing = await postAnonymously(suite.server.url, `${polls()}/${pollId}/ballot`, {
				choice: 'object'
			});
			expect(missing).toMatchObject({
				status: 400,
				body: { message: 'The field "token" is missing.' }
			});
		});
		const result = revealed.result as PublishedResult;
		expect(result.voters).toBe(7);
		expect(result.counts).toEqual({ agree: 6, live: 0, object: 1 });
		expect(result.reasons).toEqual(['Sixty is too low for us.']);
		expect(result.passed).toBe(false);
	});

	if (onOne(kind))
		test('double majority: a team of k or more that objects stops the poll even when the room as a whole would pass it', async () => {
			const statement = 'The hand-off SLA is 4 business hours.';
			const created = await ws.facilitator.json('POST', polls(), {
				kind: 'consent',
				agreementId: await newAgreement(statement),
				maxObjectionPercent: 20
			});
			const pollId = String(created.body.id);
			const revealed = await runPoll(ws.facilitator, ws.workshopId, pollId, async () => {
				for (const voter of sales) await voter.vote(pollId, 'agree');
				await marketing[0]!.vote(pollId, 'object', {
					reason: 'Four hours is not enough on Fridays.'
				});
				await marketing[1]!.vote(pollId, 'live');
				await marketing[2]!.vote(pollId, 'agree');
			});
			const result = revealed.result as PublishedResult;
			// 1 objection of 7 is 14%: the room passes it; 1 of Marketing's 3 is 33%: Marketing does not.
			expect(result.counts).toEqual({ agree: 5, live: 1, object: 1 });
			expect(result.teams.find((t) => t.teamId === ws.teams.Marketing)).toMatchObject({
				voters: 3,
				counts: { agree: 1, live: 1, object: 1 },
				passes: false
			});
			expect(result.teams.find((t) => t.teamId === ws.teams.Sales)?.passes).toBe(true);
			expect(result.passed).toBe(false);
			expect(result.rule).toContain('no more than 20% objecting');

			const register = await ws.facilitator.json(
				'GET',
				`/api/workshops/${ws.workshopId}/agreements`
			);
			const kept = (
				register.body.agreements as { statement: string; status: string; outcome: unknown }[]
			).find((a) => a.statement === statement);
			expect(kept?.status).toBe('proposed');
			expect(kept?.outcome).toMatchObject({
				passed: false,
				voters: 7,
				dissent: {
					overall: 1,
					teams: expect.arrayContaining([{ teamId: ws.teams.Marketing, objections: 1 }])
				}
			});
		});

	if (onOne(kind))
		test('a team below k is hidden, and so is the other team, whose numbers would give it away', async () => {
			const pollId = await createPoll(ws.facilitator, ws.workshopId, {
				kind: 'scale',
				question: 'How confident are you that the SLA will hold?'
			});
			const revealed = await runPoll(ws.facilitator, ws.workshopId, pollId, async () => {
				for (const [i, voter] of sales.entries()) await voter.vote(pollId, String(2 + (i % 3)));
				await marketing[0]!.vote(pollId, '5');
				await marketing[1]!.vote(pollId, '1');
			});
			const result = revealed.result as PublishedResult;
			expect(result.voters).toBe(6);
			expect(result.counts).toEqual({ '1': 1, '2': 2, '3': 1, '4': 1, '5': 1 });
			expect(result.mean).toBe(2.83);
			expect(result.teams.map((t) => [t.voters, t.counts])).toEqual([
				[4, null],
				[2, null]
			]);
			const csv = await (await ws.facilitator.get(`${polls()}/${pollId}/results.csv`)).text();
			expect(csv.split('\r\n')[2]).toBe('"Sales","4","","","","",""');
		});

	if (onOne(kind))
		test('a dot vote ranks the cards, within the budget and the per-card maximum', async () => {
			const cards: string[] = [];
			for (const text of [
				'Comp plan pays on bookings only',
				'No shared lead status',
				'MQLs come in at 5 pm'
			]) {
				const added = await ws.facilitator.json(
					'POST',
					`/api/workshops/${ws.workshopId}/stages/barriers/cards`,
					{ type: 'barrier', text, category: 'process' }
				);
				expect(added.status).toBe(201);
				cards.push(String(added.body.id));
			}
			const pollId = await createPoll(ws.facilitator, ws.workshopId, {
				kind: 'dot',
				question: 'Which barriers hurt most?',
				stageKey: 'barriers',
				dotBudget: 3,
				dotMaxPerCard: 2
			});
			const [a, b, c] = cards as [string, string, string];
			const dotCards = cards;
			const revealed = await runPoll(ws.facilitator, ws.workshopId, pollId, async () => {
				const over = await sales[0]!.vote(pollId, { [a]: 2, [b]: 2 });
				expect(over).toMatchObject({
					status: 400,
					body: { message: 'You have 3 dots; that is 4.' }
				});
				const tooMany = await sales[0]!.vote(pollId, { [a]: 3 });
				expect(tooMany).toMatchObject({
					status: 400,
					body: { message: 'At most 2 dots on one card.' }
				});
				const unknown = await sales[0]!.vote(pollId, { nosuchcard: 1 });
				expect(unknown).toMatchObject({
					status: 400,
					body: { message: 'One of the cards is not part of this vote.' }
				});
				for (const voter of [...sales, ...marketing]) {
					expect((await voter.vote(pollId, { [b]: 2, [c]: 1 })).status).toBe(201);
				}
			});
			const result = revealed.result as PublishedResult;
			expect(result.ranking?.map((r) => [r.label, r.dots, r.rank])).toEqual([
				['No shared lead status', 14, 1],
				['MQLs come in at 5 pm', 7, 2],
				['Comp plan pays on bookings only', 0, 3]
			]);
			// The ranking lands on the barriers board, where the stage shows its top barriers.
			const board = connectPeer(
				suite.server.url,
				sales[0]!.client,
				stageDocName(ws.workshopId, 'barriers')
			);
			try {
				await board.whenSynced();
				const ranked = await waitFor('ranks on the board', () => {
					const cards = listCards(board.doc, 'barrier').filter((card) =>
						dotCards.includes(card.id)
					);
					return cards.every((card) => typeof card.rank === 'number') ? cards : null;
				});
				expect(
					ranked
						.map((card) => [card.text, card.dots, card.rank])
						.sort((x, y) => Number(x[2]) - Number(y[2]))
				).toEqual([
					['No shared lead status', 14, 1],
					['MQLs come in at 5 pm', 7, 2],
					['Comp plan pays on bookings only', 0, 3]
				]);
			} finally {
				board.destroy();
			}
		});

	if (onOne(kind))
		test('a consent poll on a term puts its merged wording to the vote as an agreement, and adopts it', async () => {
			const termId = await addTerm(ws.facilitator, ws.workshopId, 'shared-terms', 'Hand-off SLA');
			const early = await ws.facilitator.json('POST', polls(), {
				kind: 'consent',
				stageKey: 'shared-terms',
				sourceItemId: termId
			});
			expect(early).toMatchObject({
				status: 409,
				body: { message: expect.stringMatching(/no merged wording yet/) }
			});

			const board = connectPeer(
				suite.server.url,
				ws.facilitator,
				stageDocName(ws.workshopId, 'shared-terms')
			);
			try {
				await board.whenSynced();
				const merged = await waitFor('the term on the board', () => mergedText(board.doc, termId));
				merged.insert(0, 'Sales calls back within 4 business hours.');
				await board.ack();
			} finally {
				board.destroy();
			}
			const pollId = await createPoll(ws.facilitator, ws.workshopId, {
				kind: 'consent',
				stageKey: 'shared-terms',
				sourceItemId: termId
			});
			const revealed = await runPoll(ws.facilitator, ws.workshopId, pollId, async () => {
				for (const voter of [...sales, ...marketing]) await voter.vote(pollId, 'agree');
			});
			expect(revealed.question).toBe('Hand-off SLA: Sales calls back within 4 business hours.');
			const register = await ws.facilitator.json(
				'GET',
				`/api/workshops/${ws.workshopId}/agreements`
			);
			const adopted = (
				register.body.agreements as { statement: string; status: string; sourceItemId: string }[]
			).find((a) => a.sourceItemId === termId);
			expect(adopted).toMatchObject({
				statement: 'Hand-off SLA: Sales calls back within 4 business hours.',
				status: 'adopted'
			});
		});

	if (onOne(kind))
		test('a re-vote is a new draft linked to the closed poll', async () => {
			const pollId = await consentPoll('Recycled leads go back to nurture after 30 days.');
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'revote')).status).toBe(409);
			await runPoll(ws.facilitator, ws.workshopId, pollId, async () => {
				for (const voter of marketing) await voter.vote(pollId, 'object');
			});
			const again = await controlPoll(ws.facilitator, ws.workshopId, pollId, 'revote');
			expect(again.status).toBe(201);
			const listed = (await ws.facilitator.json('GET', polls())).body.polls as {
				id: string;
				status: string;
				previousPollId: string | null;
				question: string;
			}[];
			const revote = listed.find((p) => p.id === again.body.id)!;
			expect(revote).toMatchObject({ status: 'draft', previousPollId: pollId });
			expect(revote.question).toBe('Recycled leads go back to nurture after 30 days.');

			// The re-vote is a facilitator's intervention in the charter's audit trail.
			const published = await ws.facilitator.action(
				`/workshops/${ws.workshopId}/charter?/publish`,
				{}
			);
			expect(published.type).toBe('success');
			const versionId = (published.data?.published as { id: string }).id;
			const verification = await (await ws.facilitator.get(`/verify/${versionId}`)).text();
			expect(verification).toContain('Facilitator intervention');

			// The charter carries each vote's outcome and its dissent, per team where shown.
			const exported = await ws.facilitator.json(
				'GET',
				`/charters/${ws.workshopId}/versions/${versionId}/json`
			);
			const agreementsInCharter = exported.body.agreements as {
				statement: string;
				vote: { passed: boolean; voters: number; dissent: unknown } | null;
			}[];
			expect(
				agreementsInCharter.find(
					(a) => a.statement === 'Sales calls every MQL back within 24 hours.'
				)?.vote
			).toMatchObject({ passed: true, voters: 7, dissent: { overall: 0 } });
			expect(
				agreementsInCharter.find((a) => a.statement === 'The hand-off SLA is 4 business hours.')
					?.vote
			).toMatchObject({
				passed: false,
				dissent: {
					overall: 1,
					teams: expect.arrayContaining([{ team: 'Marketing', objections: 1 }])
				}
			});
		});

	const burst = BURST[kind];
	test(`${burst} token requests at once by one participant sign one, and ${burst} casts of that token leave one ballot`, async () => {
		const pollId = await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'choice',
			question: 'Who owns lead scoring?',
			options: ['Marketing ops', 'Sales ops', 'Revenue ops']
		});
		const revealed = await runPoll(ws.facilitator, ws.workshopId, pollId, async () => {
			const devices = Array.from(
				{ length: burst },
				(_, i) => new Voter(sales[3]!.client, ws.workshopId, `Sky ${i}`, ws.teams.Sales!)
			);
			// Every device blinds first, then all ask at one moment: the server's group commit
			// then writes many of them in one batch.
			let blinded = 0;
			let allBlinded!: () => void;
			const together = new Promise<void>((resolve) => (allBlinded = resolve));
			const askTogether = async () => {
				if (++blinded === devices.length) allBlinded();
				await together;
			};
			const tokens = await Promise.allSettled(devices.map((d) => d.token(pollId, askTogether)));
			const signed = tokens.filter((t) => t.status === 'fulfilled');
			expect(signed).toHaveLength(1);
			const token = (signed[0] as PromiseFulfilledResult<Awaited<ReturnType<Voter['token']>>>)
				.value;
			const casts = await Promise.all(
				Array.from({ length: burst }, (_, i) => sales[3]!.cast(pollId, token, i % 2 ? 'o1' : 'o2'))
			);
			expect(casts.every((r) => r.status === 201 || r.status === 200)).toBe(true);
			expect(casts.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
			for (const voter of [...sales.slice(0, 3), ...marketing]) await voter.vote(pollId, 'o3');
		});
		const result = revealed.result as PublishedResult;
		expect(result.voters).toBe(7);
		expect((result.counts!.o1 ?? 0) + (result.counts!.o2 ?? 0)).toBe(1);
		expect(result.counts!.o3).toBe(6);
	});

	if (onOne(kind))
		test('bad ballots get a clear error and change nothing', async () => {
			const pollId = await consentPoll('Marketing owns the lead-score threshold.');
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
			const token = await sales[0]!.token(pollId);
			const ballot = (body: unknown) =>
				postAnonymously(suite.server.url, `${polls()}/${pollId}/ballot`, body);
			const bad: [
				string,
				Promise<{ status: number; body: Record<string, unknown> }>,
				number,
				RegExp
			][] = [
				[
					'a choice outside the options',
					sales[0]!.cast(pollId, token, 'maybe'),
					400,
					/not one of this poll’s options/
				],
				[
					'the facilitator asking for a token',
					ws.facilitator.json('POST', `${polls()}/${pollId}/token`, {
						keyId: token.keyId,
						blindedMessage: randomBytes(256).toString('base64url')
					}),
					403,
					/stays neutral/
				],
				[
					'an unknown poll',
					postAnonymously(
						suite.server.url,
						`${polls()}/nosuchpoll/ballot`,
						JSON.stringify({ choice: 'agree', token: { ...token, tracker: undefined } })
					),
					404,
					/no such poll/
				],
				[
					'a malformed token',
					ballot({ choice: 'agree', token: { ...token, tracker: undefined, message: 'short' } }),
					400,
					/voting token is not in the expected form/
				],
				[
					'an unknown field',
					ballot({
						choice: 'agree',
						token: { ...token, tracker: undefined },
						participantId: 'x'
					}),
					400,
					/field that is not known/
				],
				['not JSON', ballot('{"choice":'), 400, /not valid JSON/],
				[
					'a body too large',
					ballot({
						choice: 'agree',
						token: { ...token, tracker: undefined },
						pad: 'x'.repeat(5000)
					}),
					413,
					/too large/
				],
				[
					'a blinded message that is no number below the key’s modulus',
					sales[1]!.client.json('POST', `${polls()}/${pollId}/token`, {
						keyId: token.keyId,
						blindedMessage: Buffer.alloc(256, 0xff).toString('base64url')
					}),
					400,
					/does not fit this poll’s key/
				]
			];
			for (const [what, request, status, message] of bad) {
				const answer = await request;
				expect(answer.status, what).toBe(status);
				expect(String(answer.body.message), what).toMatch(message);
			}
			expect((await readPoll(pollId)).turnout.voted).toBe(0);
		});

	test('a reason the database cannot store is refused with words, and the ballots cast with it still count', async () => {
		const pollId = await consentPoll('Every MQL reaches an SDR within a working day.');
		expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
		const voters = [sales[0]!, sales[1]!, marketing[0]!];
		const tokens = await Promise.all(voters.map((voter) => voter.token(pollId)));
		// Sent at the same moment, so the good ones would share the bad one's batch.
		const [nul, broken, good] = await Promise.all([
			voters[0]!.cast(pollId, tokens[0]!, 'object', 'Too slow\u0000 for us'),
			voters[1]!.cast(pollId, tokens[1]!, 'object', 'Half an emoji \ud83d'),
			voters[2]!.cast(pollId, tokens[2]!, 'agree')
		]);
		for (const refused of [nul, broken]) {
			expect(refused.status).toBe(400);
			expect(String(refused.body.message)).toMatch(/character that cannot be stored/);
		}
		expect(good.status).toBe(201);
		// The refused keep their tokens: the same token with a clean reason counts.
		expect((await voters[0]!.cast(pollId, tokens[0]!, 'object', 'Too slow for us')).status).toBe(
			201
		);
		expect((await readPoll(pollId)).turnout.voted).toBe(2);
		// The same rule on every other JSON body.
		const agreement = await ws.facilitator.json(
			'POST',
			`/api/workshops/${ws.workshopId}/agreements`,
			{
				statement: 'An SQL is\u0000 accepted by sales.'
			}
		);
		expect(agreement.status).toBe(400);
		expect(String(agreement.body.message)).toMatch(/character that cannot be stored/);
	});

	// PostgreSQL only: the test opens the server's database from this process too, which the
	// embedded one (one process's) does not allow.
	if (kind === 'postgres')
		test('a batch the database refuses for one ballot is written again in halves: the others count', async () => {
			const pollId = await consentPoll('Sales accepts or rejects every MQL within two days.');
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
			const voters = [sales[2]!, sales[3]!, marketing[1]!, marketing[2]!];
			const tokens = await Promise.all(voters.map((voter) => voter.token(pollId)));
			// Past the endpoint's own check, as a value it did not foresee would be.
			const database = await openDatabase({ ...suite.database.options, migrationsDir: 'drizzle' });
			registerDatabase(database);
			try {
				const casts = await Promise.allSettled(
					tokens.map(({ tracker: _, ...token }, i) =>
						cast(ws.workshopId, pollId, {
							...token,
							choice: 'agree',
							reason: i === 1 ? 'Two days\u0000 is fine' : null
						})
					)
				);
				expect(casts.map((c) => c.status)).toEqual([
					'fulfilled',
					'rejected',
					'fulfilled',
					'fulfilled'
				]);
				const refusal = (casts[1] as PromiseRejectedResult).reason as RuleError;
				expect([refusal.status, refusal.message]).toEqual([400, UNSTORABLE_TEXT]);
			} finally {
				registerDatabase(undefined);
				await database.close();
			}
			expect((await readPoll(pollId)).turnout.voted).toBe(3);
		});

	if (onOne(kind))
		test('participants cannot run polls, and another workshop’s people cannot see or vote in this one', async () => {
			const pollId = await consentPoll('Opportunities need a next step and a date.');
			const asParticipant = await sales[0]!.client.json('POST', `${polls()}/${pollId}`, {
				action: 'open'
			});
			expect(asParticipant.status).toBe(403);
			const drafting = await sales[0]!.client.json('POST', polls(), {
				kind: 'scale',
				question: 'Sneaky?'
			});
			expect(drafting.status).toBe(403);

			const other = await facilitatorWithWorkshop(suite.server.url);
			const stranger = await joinAs(
				suite.server.url,
				other.joinCode,
				other.teams.Sales!,
				'Stranger'
			);
			expect((await stranger.json('GET', polls())).status).toBe(403);
			expect(
				(
					await stranger.json('POST', `${polls()}/${pollId}/token`, {
						keyId: '0'.repeat(64),
						blindedMessage: randomBytes(256).toString('base64url')
					})
				).status
			).toBe(403);
			const foreign = await other.facilitator.json('POST', `${polls()}/${pollId}`, {
				action: 'open'
			});
			expect(foreign.status).toBe(403);
			// The other workshop's facilitator cannot reach this poll through their own workshop either.
			const sideways = await other.facilitator.json(
				'POST',
				`/api/workshops/${other.workshopId}/polls/${pollId}`,
				{ action: 'open' }
			);
			expect(sideways.status).toBe(404);
			expect((await readPoll(pollId)).status).toBe('draft');
		});

	if (onOne(kind))
		test('bad poll definitions are refused with the reason', async () => {
			const cases: [Record<string, unknown>, RegExp][] = [
				[{ kind: 'vote' }, /consent, dot, choice or scale/],
				[{ kind: 'scale', question: 'Confidence?', k: 2 }, /k is at least 3/],
				[{ kind: 'choice', question: 'Pick', options: ['One'] }, /at least 2 options/],
				[{ kind: 'choice', question: 'Pick', options: ['One', 'One'] }, /same thing/],
				[{ kind: 'consent' }, /an agreement, or a term/],
				[{ kind: 'consent', agreementId: 'nosuchagreement' }, /no such agreement/],
				[
					{ kind: 'dot', question: 'Rank', stageKey: 'barriers', dotBudget: 2, dotMaxPerCard: 3 },
					/cannot exceed the dot budget/
				],
				[
					{
						kind: 'dot',
						question: 'Rank',
						stageKey: 'nosuchstage',
						dotBudget: 3,
						dotMaxPerCard: 1
					},
					/no such stage/
				]
			];
			for (const [body, message] of cases) {
				const answer = await ws.facilitator.json('POST', polls(), body);
				expect(answer.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
				expect(String(answer.body.message), JSON.stringify(body)).toMatch(message);
			}
		});

	if (onOne(kind))
		test('a removed participant cannot vote', async () => {
			const pollId = await consentPoll('Disqualified leads carry a reason code.');
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
			const leaving = new Voter(
				await joinAs(suite.server.url, ws.joinCode, ws.teams.Sales!, 'Leaving'),
				ws.workshopId,
				'Leaving'
			);
			const page = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
			const participantId = new RegExp(
				`Leaving[\\s\\S]*?name="participantId" value="([a-z2-7]+)"`
			).exec(page)?.[1];
			expect(participantId).toBeDefined();
			const removed = await ws.facilitator.action(
				`/workshops/${ws.workshopId}?/removeParticipant`,
				{
					participantId: participantId!
				}
			);
			expect(removed.type).not.toBe('failure');
			const refused = await leaving.vote(pollId, 'object');
			expect(refused.status).toBe(401);
			expect((await readPoll(pollId)).turnout.voted).toBe(0);
		});

	test('turnout counts ballots by the team each token proves: moving people between teams shows nothing of who voted', async () => {
		const pollId = await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'scale',
			question: 'How well do we know each other’s targets?'
		});
		expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
		const join = async (name: string) =>
			new Voter(
				await joinAs(suite.server.url, ws.joinCode, ws.teams.Sales!, name),
				ws.workshopId,
				name,
				ws.teams.Sales!
			);
		const [voted, silent] = [await join('Mover Who Voted'), await join('Mover Who Did Not')];
		expect((await voted.vote(pollId, '4')).status).toBe(201);
		expect((await sales[0]!.vote(pollId, '3')).status).toBe(201);
		const salesTurnout = async () => (await readPoll(pollId)).turnout.teams[ws.teams.Sales!];
		expect(await salesTurnout()).toMatchObject({ voted: 2 });

		const page = await (await ws.facilitator.get(`/workshops/${ws.workshopId}`)).text();
		const idOf = (name: string) =>
			new RegExp(`${name}[\\s\\S]*?name="participantId" value="([a-z2-7]+)"`).exec(page)![1]!;
		for (const name of ['Mover Who Voted', 'Mover Who Did Not']) {
			const moved = await ws.facilitator.action(`/workshops/${ws.workshopId}?/moveParticipant`, {
				participantId: idOf(name),
				teamId: ws.teams.Marketing!
			});
			expect(moved.type).toBe('success');
			// Either move leaves Sales' count of ballots as it was: it cannot tell who had voted.
			expect(await salesTurnout()).toMatchObject({ voted: 2 });
		}
		// The one who had not voted now votes, with a token of the team they are in now.
		const silentNow = new Voter(silent.client, ws.workshopId, silent.name, ws.teams.Marketing!);
		expect((await silentNow.vote(pollId, '5')).status).toBe(201);
		const turnout = (await readPoll(pollId)).turnout;
		expect(turnout.teams[ws.teams.Sales!]).toMatchObject({ voted: 2 });
		expect(turnout.teams[ws.teams.Marketing!]).toMatchObject({ voted: 1 });
		expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'close')).status).toBe(200);
	});
});
