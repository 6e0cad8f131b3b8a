/**
 * Pre-work: the facilitator opens questions per stage, people answer on their phones as their
 * team (by a mailed personal link or the shared pre-work link), and each team's answers stay
 * on its private board until the facilitator reveals the stage. Played against a real server,
 * a real SMTP server, and a participant of the other team with a raw WebSocket client.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listCards } from '../../src/lib/collab/cards';
import { stageDocName, teamDocName } from '../../src/lib/collab/doc-names';
import {
	controlStage,
	facilitatorWithWorkshop,
	type FacilitatorWithWorkshop,
	type Team
} from '../support/actors';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { Client } from '../support/http';
import { startMailbox, type Mailbox } from '../support/mailbox';
import { connectPeer, headersOf, upgradeStatus, waitFor, type Peer } from '../support/realtime';
import { startServer, type RunningServer } from '../support/server';

const SALES_LOST_DEAL = 'SALES-LOST-DEAL: the buyer chose a cheaper rival';
const SALES_FRUSTRATIONS = 'SALES-FRUSTRATIONS: leads arrive without context';
const MARKETING_LOST_DEAL = 'MARKETING-LOST-DEAL: nobody called them back in time';

interface Prompt {
	id: string;
	stageKey: string;
	text: string;
}

describe.each(databaseKinds())('pre-work on %s', (kind) => {
	let database: TestDatabase;
	let server: RunningServer;
	let mailbox: Mailbox;
	let facilitator: FacilitatorWithWorkshop;
	let prompts: Prompt[];
	/** A Sales person who came by a mailed link with the team given. */
	let sales: Client;
	/** A Marketing person who came by the shared pre-work link and picked the team. */
	let marketing: Client;
	const peers: Peer[] = [];

	const api = (workshopId: string) => `/api/workshops/${workshopId}/prework`;
	const answer = (client: Client, promptId: string, text: string, workshopId?: string) =>
		client.json('POST', `${api(workshopId ?? facilitator.workshopId)}/answers`, {
			promptId,
			text
		});
	const promptOf = (stageKey: string) => prompts.find((p) => p.stageKey === stageKey)!;
	async function peer(client: Client, docName: string): Promise<Peer> {
		const p = connectPeer(server.url, client, docName);
		peers.push(p);
		await p.whenSynced();
		return p;
	}
	const textsOn = (p: Peer) => listCards(p.doc).map((c) => c.text);
	const linkIn = (text: string) => /https?:\/\/\S+\/p\/[a-z2-7]+/.exec(text)?.[0] ?? '';
	const team = (name: string): Team => facilitator.team(name);

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		mailbox = await startMailbox();
		server = await startServer(database, {
			SMTP_URL: mailbox.url,
			MAIL_FROM: 'Common Ground <workshops@example.com>'
		});
		facilitator = await facilitatorWithWorkshop(server, 'Pre-work workshop');
		const unstorable = await facilitator.client.action(
			`/workshops/${facilitator.workshopId}/prework?/open`,
			{ 'prompts:focus-value': 'A recent lost\u0000 deal' }
		);
		expect(unstorable.status).toBe(400);
		expect(JSON.stringify(unstorable.data)).toMatch(/character that cannot be stored/);
		const opened = await facilitator.client.action(
			`/workshops/${facilitator.workshopId}/prework?/open`,
			{
				'prompts:focus-value': 'A recent lost deal and why',
				'prompts:barriers': 'Your top three frustrations with the other team'
			}
		);
		expect(opened.type).toBe('success');
		const state = await facilitator.client.json('GET', api(facilitator.workshopId));
		prompts = state.body.prompts as Prompt[];
	});

	afterAll(async () => {
		for (const p of peers) p.destroy();
		await server?.stop();
		await mailbox?.close();
		await database?.drop();
	});

	test('opening asks the questions and starts a private round on each stage that asks', async () => {
		expect(prompts.map((p) => [p.stageKey, p.text])).toEqual([
			['focus-value', 'A recent lost deal and why'],
			['barriers', 'Your top three frustrations with the other team']
		]);
		const state = await facilitator.client.json('GET', api(facilitator.workshopId));
		expect(state.body.status).toBe('open');
		for (const key of ['focus-value', 'barriers']) {
			const control = await controlStage(facilitator, key, 'lock');
			expect(((await control.json()) as { privateWrite: boolean }).privateWrite).toBe(true);
			await controlStage(facilitator, key, 'unlock');
		}
	});

	test('a mailed personal link makes its person a participant of the given team', async () => {
		const invited = await facilitator.client.action(
			`/workshops/${facilitator.workshopId}/prework?/invite`,
			{ emails: 'sam@example.com, mia@example.com', teamId: team('Sales').id }
		);
		expect(invited.type).toBe('success');
		expect(invited.data?.invited).toBe(2);
		const mail = await mailbox.next('sam@example.com', 0);
		expect(mail.subject).toBe('Pre-work for Pre-work workshop');
		const link = new URL(linkIn(mail.text ?? ''));
		sales = new Client(server.url);
		const page = await sales.get(link.pathname);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('You answer for <strong>Sales</strong>');
		const joined = await sales.action(link.pathname, { displayName: 'Sam' });
		expect(joined.location).toBe(`/w/${facilitator.workshopId}/prework`);
		// The same link opened later (another phone) resumes as the same participant.
		const again = new Client(server.url);
		const resumed = await again.get(link.pathname);
		expect(resumed.headers.get('location')).toBe(`/w/${facilitator.workshopId}/prework`);
		const people = (await facilitator.client.json('GET', api(facilitator.workshopId))).body
			.completion as { teams: { name: string; people: number }[] };
		expect(people.teams.find((t) => t.name === 'Sales')?.people).toBe(1);
	});

	test('the shared pre-work link joins as the join page does and lands on the pre-work', async () => {
		marketing = new Client(server.url);
		const joined = await marketing.action(`/j/${facilitator.joinCode}?prework`, {
			displayName: 'Max',
			teamId: team('Marketing').id
		});
		expect(joined.location).toBe(`/w/${facilitator.workshopId}/prework`);
		const page = await marketing.get(`/w/${facilitator.workshopId}/prework`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('A recent lost deal and why');
		const room = await (await marketing.get(`/w/${facilitator.workshopId}`)).text();
		expect(room).toContain('Answer the pre-work');
	});

	test('answers land on the own team board, and the other team cannot read them by socket or HTTP', async () => {
		expect((await answer(sales, promptOf('focus-value').id, SALES_LOST_DEAL)).status).toBe(200);
		expect((await answer(sales, promptOf('barriers').id, SALES_FRUSTRATIONS)).status).toBe(200);
		expect((await answer(marketing, promptOf('focus-value').id, MARKETING_LOST_DEAL)).status).toBe(
			200
		);

		const salesBoard = teamDocName(facilitator.workshopId, 'focus-value', team('Sales').id);
		const own = await peer(sales, salesBoard);
		await waitFor('the answer on the Sales board', () => textsOn(own).includes(SALES_LOST_DEAL));
		const card = listCards(own.doc).find((c) => c.text === SALES_LOST_DEAL)!;
		expect(card.prompt).toBe('A recent lost deal and why');
		expect(card.teamId).toBe(team('Sales').id);

		// A Marketing phone with a raw WebSocket client asks for the Sales board: refused.
		expect(await upgradeStatus(server.url, salesBoard, headersOf(marketing, server.url))).toBe(403);
		// The shared stage board does not hold it either, while its own answer is on its board.
		const shared = await peer(marketing, stageDocName(facilitator.workshopId, 'focus-value'));
		expect(textsOn(shared)).not.toContain(SALES_LOST_DEAL);
		const marketingBoard = await peer(
			marketing,
			teamDocName(facilitator.workshopId, 'focus-value', team('Marketing').id)
		);
		await waitFor('its own answer', () => textsOn(marketingBoard).includes(MARKETING_LOST_DEAL));
		expect(textsOn(marketingBoard)).not.toContain(SALES_LOST_DEAL);

		// Over HTTP: the API and the page give a person their own answers only.
		const viaApi = await marketing.json('GET', api(facilitator.workshopId));
		expect(viaApi.body.answers).toEqual({ [promptOf('focus-value').id]: MARKETING_LOST_DEAL });
		const page = await (await marketing.get(`/w/${facilitator.workshopId}/prework`)).text();
		expect(page).toContain('MARKETING-LOST-DEAL');
		expect(page).not.toContain('SALES-');
		const data = await (
			await marketing.get(`/w/${facilitator.workshopId}/prework/__data.json`)
		).text();
		expect(data).not.toContain('SALES-');
	});

	test('a second answer to the same question replaces the first on the board', async () => {
		const better = `${SALES_LOST_DEAL} (and we were late)`;
		expect((await answer(sales, promptOf('focus-value').id, better)).status).toBe(200);
		const state = await sales.json('GET', api(facilitator.workshopId));
		expect(state.body.answers).toMatchObject({ [promptOf('focus-value').id]: better });
		expect((await answer(sales, promptOf('focus-value').id, SALES_LOST_DEAL)).status).toBe(200);
	});

	test('the facilitator sees completion per team as counts, with no names', async () => {
		const state = await facilitator.client.json('GET', api(facilitator.workshopId));
		const completion = state.body.completion as {
			teams: { name: string; people: number; answeredAll: number; answeredSome: number }[];
			invited: number;
			invitedNotOpened: number;
		};
		expect(completion.teams.map((t) => [t.name, t.people, t.answeredAll, t.answeredSome])).toEqual([
			['Sales', 1, 1, 0],
			['Marketing', 1, 0, 1]
		]);
		expect(completion.invited).toBe(2);
		expect(completion.invitedNotOpened).toBe(1);
		const everything = JSON.stringify(state.body);
		for (const name of ['Sam', 'Max', 'mia@example.com', 'sam@example.com'])
			expect(everything).not.toContain(name);
		const page = await (
			await facilitator.client.get(`/workshops/${facilitator.workshopId}/prework`)
		).text();
		expect(page).not.toContain('mia@example.com');
		expect(page).not.toContain('Max');
	});

	test('a reminder mails only those invited who have not answered everything, and names nobody', async () => {
		const seenSam = mailbox.to('sam@example.com').length;
		const seenMia = mailbox.to('mia@example.com').length;
		const reminded = await facilitator.client.action(
			`/workshops/${facilitator.workshopId}/prework?/remind`,
			{}
		);
		expect(reminded.type).toBe('success');
		expect(reminded.data).toEqual({ reminded: 1 });
		const mail = await mailbox.next('mia@example.com', seenMia);
		expect(mail.subject).toBe('Reminder: pre-work for Pre-work workshop');
		expect(linkIn(mail.text ?? '')).not.toBe('');
		// A second reminder reaches Mia again; Sam answered everything and never gets one.
		await facilitator.client.action(`/workshops/${facilitator.workshopId}/prework?/remind`, {});
		await mailbox.next('mia@example.com', seenMia + 1);
		expect(mailbox.to('sam@example.com')).toHaveLength(seenSam);
	});

	test('empty and oversized answers are refused with a reason', async () => {
		const empty = await answer(sales, promptOf('focus-value').id, '   ');
		expect(empty.status).toBe(400);
		expect(empty.body.message).toBe('Write your answer before saving it.');
		const long = await answer(sales, promptOf('focus-value').id, 'x'.repeat(501));
		expect(long.status).toBe(400);
		expect(long.body.message).toBe('An answer holds at most 500 characters.');
		const state = await sales.json('GET', api(facilitator.workshopId));
		expect(state.body.answers).toMatchObject({ [promptOf('focus-value').id]: SALES_LOST_DEAL });
	});

	test('answers for another workshop are refused, by question and by session', async () => {
		const other = await facilitatorWithWorkshop(server, 'Another workshop');
		await other.client.action(`/workshops/${other.workshopId}/prework?/open`, {
			'prompts:focus-value': 'Another question'
		});
		const otherPrompt = (
			(await other.client.json('GET', api(other.workshopId))).body.prompts as Prompt[]
		)[0]!;
		const foreignQuestion = await answer(sales, otherPrompt.id, 'Into the other workshop');
		expect(foreignQuestion.status).toBe(404);
		expect(foreignQuestion.body.message).toBe(
			'That question is not part of this workshop’s pre-work.'
		);
		const foreignWorkshop = await answer(sales, otherPrompt.id, 'Into it', other.workshopId);
		expect(foreignWorkshop.status).toBe(403);
		const read = await sales.json('GET', api(other.workshopId));
		expect(read.status).toBe(403);
	});

	test('the wrong role is refused: the facilitator answers nothing, a participant runs nothing', async () => {
		const byFacilitator = await answer(facilitator.client, promptOf('focus-value').id, 'Mine');
		expect(byFacilitator.status).toBe(403);
		expect(byFacilitator.body.message).toMatch(/Only participants answer the pre-work/);
		const nobody = await answer(new Client(server.url), promptOf('focus-value').id, 'Who?');
		expect(nobody.status).toBe(401);
		for (const action of ['close', 'remind', 'open']) {
			const tried = await sales.action(`/workshops/${facilitator.workshopId}/prework?/${action}`, {
				'prompts:focus-value': 'Hijacked'
			});
			expect(tried.type).toBe('redirect');
			expect(tried.location).toMatch(/^\/signin/);
		}
		const state = await facilitator.client.json('GET', api(facilitator.workshopId));
		expect(state.body.status).toBe('open');
		expect((state.body.prompts as Prompt[]).map((p) => p.text)).not.toContain('Hijacked');
	});

	test('a stage revealed in the room takes no more pre-work answers', async () => {
		expect((await controlStage(facilitator, 'barriers', 'reveal')).status).toBe(200);
		const late = await answer(marketing, promptOf('barriers').id, 'Too late for this one');
		expect(late.status).toBe(409);
		expect(late.body.message).toMatch(/already shown this stage’s pre-work in the room/);
	});

	test('after closing, an answer is refused with a reason and the phone gets its text back', async () => {
		const closed = await facilitator.client.action(
			`/workshops/${facilitator.workshopId}/prework?/close`,
			{}
		);
		expect(closed.type).toBe('success');
		const typed = 'Typed on the bus, saved after closing';
		const viaApi = await answer(marketing, promptOf('focus-value').id, typed);
		expect(viaApi.status).toBe(409);
		expect(viaApi.body.message).toMatch(/closed the pre-work/);
		const viaForm = await marketing.action(`/w/${facilitator.workshopId}/prework?/answer`, {
			promptId: promptOf('focus-value').id,
			text: typed
		});
		expect(viaForm.type).toBe('failure');
		expect(viaForm.status).toBe(409);
		expect(viaForm.data).toMatchObject({ text: typed, promptId: promptOf('focus-value').id });
		const state = await marketing.json('GET', api(facilitator.workshopId));
		expect(state.body.answers).toEqual({ [promptOf('focus-value').id]: MARKETING_LOST_DEAL });
		const room = await (await marketing.get(`/w/${facilitator.workshopId}`)).text();
		expect(room).not.toContain('Answer the pre-work');
	});

	test('revealed in the session, every team sees both teams’ answers', async () => {
		expect((await controlStage(facilitator, 'focus-value', 'reveal')).status).toBe(200);
		const shared = await peer(marketing, stageDocName(facilitator.workshopId, 'focus-value'));
		await waitFor('both answers on the shared board', () => {
			const texts = textsOn(shared);
			return texts.includes(SALES_LOST_DEAL) && texts.includes(MARKETING_LOST_DEAL);
		});
		const salesBoard = teamDocName(facilitator.workshopId, 'focus-value', team('Sales').id);
		expect(await upgradeStatus(server.url, salesBoard, headersOf(marketing, server.url))).toBe(101);
	});
});
