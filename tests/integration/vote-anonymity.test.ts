/**
 * Unlinkability: nothing the system stores, serves, logs or exports ties a ballot's content to
 * the person who cast it.
 *
 * The same workshop is run twice, on two servers with their own databases: the same people
 * make the same requests in the same order (polls of every kind, changed ballots, a re-vote),
 * except that in the second run two pairs of teammates have swapped every choice and reason.
 * Afterwards every table, every API response and page the facilitator and each participant can
 * request, the Yjs documents, the server log and every export are collected from both runs.
 * With each person's ids mapped to their name and the remaining random ids and times blanked,
 * both runs must be indistinguishable: if anything linked a person to a choice, the swap would
 * show. Direct checks follow: the ballot table has no column a receipt could be joined on, and
 * no artifact holding ballot content holds a person's id, name, session or cookie.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { roomDocName, stageDocName } from '../../src/lib/collab/doc-names';
import { openDatabase } from '../../src/lib/server/db/open';
import { facilitatorWithWorkshop, joinAs } from '../factories/workshops';
import { databaseKinds } from '../support/databases';
import type { Client } from '../support/http';
import { connectPeer } from '../support/realtime';
import { serverForSuite, type SuiteServer } from '../support/suite';
import { controlPoll, createPoll, Voter } from '../support/voting';

const PEOPLE = [
	['Sales', 'Alder Quince'],
	['Sales', 'Birch Ottoline'],
	['Sales', 'Cedar Pimento'],
	['Sales', 'Damson Rook'],
	['Marketing', 'Elmira Sorrel'],
	['Marketing', 'Fennimore Tansy'],
	['Marketing', 'Gorse Umber']
] as const;

type Ballot = { choice: unknown; reason?: string };

/** Each person's ballots per poll, in the first run. The second run swaps Alder↔Birch and Elmira↔Fennimore. */
function plan(cards: string[]): Record<string, Record<string, Ballot>> {
	const [c1, c2, c3] = cards as [string, string, string];
	return {
		'Alder Quince': {
			consent: { choice: 'object', reason: 'The score ignores company size (reason one).' },
			dot: { choice: { [c1]: 2, [c2]: 1 } },
			choice: { choice: 'o1' },
			scale: { choice: '2' }
		},
		'Birch Ottoline': {
			consent: { choice: 'agree' },
			dot: { choice: { [c3]: 2 } },
			choice: { choice: 'o2' },
			scale: { choice: '5' }
		},
		'Cedar Pimento': {
			consent: { choice: 'agree' },
			dot: { choice: { [c2]: 1 } },
			choice: { choice: 'o1' },
			scale: { choice: '4' }
		},
		'Damson Rook': {
			consent: { choice: 'live', reason: 'Fine if we review it in a quarter (reason two).' },
			dot: { choice: { [c1]: 1, [c3]: 1 } },
			choice: { choice: 'o3' },
			scale: { choice: '3' }
		},
		'Elmira Sorrel': {
			consent: { choice: 'agree' },
			dot: { choice: { [c2]: 2, [c3]: 1 } },
			choice: { choice: 'o2' },
			scale: { choice: '1' }
		},
		'Fennimore Tansy': {
			consent: { choice: 'object', reason: 'Webinar leads are not ready (reason three).' },
			dot: { choice: { [c1]: 1 } },
			choice: { choice: 'o3' },
			scale: { choice: '5' }
		},
		'Gorse Umber': {
			consent: { choice: 'live' },
			dot: { choice: { [c3]: 1 } },
			choice: { choice: 'o1' },
			scale: { choice: '4' }
		}
	};
}

const SWAPS: Record<string, string> = {
	'Alder Quince': 'Birch Ottoline',
	'Birch Ottoline': 'Alder Quince',
	'Elmira Sorrel': 'Fennimore Tansy',
	'Fennimore Tansy': 'Elmira Sorrel'
};

const REASONS = ['reason one', 'reason two', 'reason three'];

interface Run {
	/** Artifact name → its content as text. */
	artifacts: Map<string, string>;
	/** Value → stable label (person ids, names' sessions and cookies, teams, polls…). */
	labels: Map<string, string>;
	/** Per person: every value that identifies them. */
	identities: Map<string, string[]>;
}

async function runWorkshop(suite: SuiteServer, swapped: boolean): Promise<Run> {
	const url = suite.server.url;
	const ws = await facilitatorWithWorkshop(url);
	const labels = new Map<string, string>([
		[ws.workshopId, 'W'],
		[ws.joinCode, 'JOIN'],
		[ws.email, 'FACILITATOR-EMAIL']
	]);
	for (const [name, id] of Object.entries(ws.teams)) labels.set(id, `T(${name})`);

	const voters = new Map<string, Voter>();
	for (const [team, name] of PEOPLE) {
		voters.set(
			name,
			new Voter(
				await joinAs(url, ws.joinCode, ws.teams[team]!, name),
				ws.workshopId,
				name,
				ws.teams[team]!
			)
		);
	}
	const api = `/api/workshops/${ws.workshopId}`;

	const cards: string[] = [];
	for (const text of [
		'Comp plan pays on bookings',
		'No shared lead status',
		'MQLs arrive at 5 pm'
	]) {
		const added = await ws.facilitator.json('POST', `${api}/stages/barriers/cards`, {
			type: 'barrier',
			text,
			category: 'process'
		});
		cards.push(String(added.body.id));
		labels.set(String(added.body.id), `C(${text})`);
	}
	const agreement = await ws.facilitator.json('POST', `${api}/agreements`, {
		statement: 'An MQL is a lead scored 60 or more.'
	});
	labels.set(String(agreement.body.id), 'A(mql)');

	const polls: Record<string, string> = {
		consent: await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'consent',
			agreementId: agreement.body.id,
			maxObjectionPercent: 30
		}),
		dot: await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'dot',
			question: 'Which barriers hurt most?',
			stageKey: 'barriers',
			dotBudget: 3,
			dotMaxPerCard: 2
		}),
		choice: await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'choice',
			question: 'Who owns lead scoring?',
			options: ['Marketing ops', 'Sales ops', 'Revenue ops']
		}),
		scale: await createPoll(ws.facilitator, ws.workshopId, {
			kind: 'scale',
			question: 'How confident are you in the SLA?'
		})
	};
	for (const [kind, id] of Object.entries(polls)) labels.set(id, `Q(${kind})`);

	const ballots = plan(cards);
	const ballotOf = (name: string, kind: string) =>
		ballots[swapped ? (SWAPS[name] ?? name) : name]![kind]!;
	for (const [kind, pollId] of Object.entries(polls)) {
		expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);
		for (const [, name] of PEOPLE) {
			const ballot = ballotOf(name, kind);
			const cast = await voters.get(name)!.vote(pollId, ballot.choice, { reason: ballot.reason });
			expect(cast.status, `${name} in ${kind}`).toBe(201);
		}
	}
	// Changed ballots: the same people change, each to the other's final choice after the swap.
	for (const name of ['Alder Quince', 'Birch Ottoline']) {
		const target = ballotOf(name === 'Alder Quince' ? 'Birch Ottoline' : 'Alder Quince', 'scale');
		const changed = await voters.get(name)!.vote(polls.scale!, target.choice);
		expect(changed.status).toBe(200);
	}
	for (const pollId of Object.values(polls)) {
		expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'close')).status).toBe(200);
		expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'reveal')).status).toBe(200);
	}
	const revote = await controlPoll(ws.facilitator, ws.workshopId, polls.consent!, 'revote');
	labels.set(String(revote.body.id), 'Q(revote)');

	const artifacts = new Map<string, string>();
	const everyone: [string, Client][] = [
		['facilitator', ws.facilitator],
		...[...voters].map(([name, v]) => [name, v.client] as [string, Client])
	];
	const paths = [
		`${api}/polls`,
		...[...Object.values(polls), String(revote.body.id)].map((id) => `${api}/polls/${id}`),
		...Object.values(polls).map((id) => `${api}/polls/${id}/results.csv`),
		...Object.values(polls).map((id) => `${api}/polls/${id}/bulletin`),
		`${api}/agreements`,
		`/w/${ws.workshopId}`,
		`/workshops/${ws.workshopId}`,
		`/workshops/${ws.workshopId}/run`,
		`/workshops/${ws.workshopId}/projector`
	];
	for (const [who, client] of everyone) {
		for (const path of paths) {
			const response = await client.get(path, { headers: { accept: 'application/json' } });
			artifacts.set(`GET ${path} as ${who}`, `${response.status} ${await response.text()}`);
		}
	}

	for (const docName of [
		roomDocName(ws.workshopId),
		stageDocName(ws.workshopId, 'barriers'),
		stageDocName(ws.workshopId, 'shared-terms')
	]) {
		const peer = connectPeer(url, ws.facilitator, docName);
		try {
			await peer.whenSynced();
			artifacts.set(`doc ${docName}`, JSON.stringify(docJson(peer.doc)));
		} finally {
			peer.destroy();
		}
	}

	// The tables, read directly once the server has stopped.
	await suite.server.stop();
	artifacts.set('server log', suite.server.output());
	const database = await openDatabase({ ...suite.database.options, migrationsDir: 'drizzle' });
	const identities = new Map<string, string[]>();
	try {
		const rows = async (query: string) => {
			const result = (await database.db.execute(sql.raw(query))) as unknown;
			return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
				string,
				unknown
			>[];
		};
		const people = await rows(`select id, display_name from participant`);
		for (const person of people) {
			const name = String(person.display_name);
			labels.set(String(person.id), `P(${name})`);
			identities.set(name, [String(person.id), name]);
		}
		for (const s of await rows(
			`select s.id, p.display_name from session s join participant p on p.id = s.participant_id`
		)) {
			labels.set(String(s.id), `S(${s.display_name})`);
			identities.get(String(s.display_name))!.push(String(s.id));
		}
		for (const [name, voter] of voters) {
			const token = voter.client.cookies.get('cg_participant')!;
			labels.set(token, `K(${name})`);
			identities.get(name)!.push(token);
		}
		const tables = await rows(
			`select table_name from information_schema.tables where table_schema = 'public' order by 1`
		);
		for (const { table_name } of tables) {
			const data = await rows(`select * from "${String(table_name)}"`);
			artifacts.set(`table ${String(table_name)}`, JSON.stringify(data.map(plainRow)));
		}
		const columns = await rows(
			`select table_name, column_name, data_type from information_schema.columns
			 where table_schema = 'public' and table_name in ('ballot', 'ballot_token')
			 order by table_name, ordinal_position`
		);
		artifacts.set('columns', JSON.stringify(columns));
	} finally {
		await database.close();
	}
	return { artifacts, labels, identities };
}

function docJson(doc: Y.Doc): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const key of [...doc.share.keys()].sort()) out[key] = doc.getMap(key).toJSON();
	return out;
}

/** Binary columns (Yjs updates) as text, so names or ids inside them would still be seen. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(row)) {
		out[key] =
			value instanceof Uint8Array
				? Buffer.from(value).toString('latin1')
				: value instanceof Date
					? value.toISOString()
					: value;
	}
	return out;
}

/**
 * Labels people, teams and polls by what they are; blanks whatever is random or a time (the
 * Content-Security-Policy nonce of a page's inline script is new on every answer).
 */
function normalise(text: string, labels: Map<string, string>): string {
	let out = text;
	for (const [value, label] of [...labels].sort((a, b) => b[0].length - a[0].length)) {
		out = out.split(value).join(label);
	}
	return (
		out
			.replace(/\b[a-z2-7]{16}\b/g, '<id>')
			.replace(/\b[a-z2-7]{32}\b/g, '<token>')
			.replace(/\b[0-9a-f]{64}\b/g, '<hash>')
			// Voting keys, blind signatures: random per run, and per person only in ballot_token.
			.replace(/[A-Za-z0-9_-]{300,}/g, '<blob>')
			.replace(/\d{4}-\d{2}-\d{2}[T ][0-9:.]+(Z|[+-]\d{2}(:?\d{2})?)?/g, '<time>')
			.replace(/\b1[78]\d{11}\b/g, '<ms>')
			.replace(/127\.0\.0\.1:\d+/g, '<host>')
			.replace(/facilitator-[0-9a-f]{8}@example\.com/g, '<email>')
			.replace(/\$argon2id\$[^"\s]+/g, '<password-hash>')
			.replace(/(<|\\u003C)svg[\s\S]*?(<|\\u003C)\/svg>/g, '<qr-code>')
			.replace(/\/tmp\/cg-test-\w+/g, '<data-dir>')
			.replace(/nonce="[^"]+"/g, 'nonce="<nonce>"')
			.replace(/Join code( [A-Z0-9]){6}/g, 'Join code <spelled>')
	);
}

/**
 * JSON made comparable: every key and string normalised, times blanked, keys sorted (the key
 * order of stored JSON follows random ids, not people).
 */
function normaliseJson(value: unknown, labels: Map<string, string>): unknown {
	if (Array.isArray(value)) return value.map((v) => normaliseJson(v, labels));
	if (typeof value === 'string') return normalise(value, labels);
	if (typeof value === 'number' && value > 1.7e12 && value < 1.9e12) return '<ms>';
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value)
				.map(([k, v]) => {
					const out = normaliseJson(v, labels);
					// A poll's voting keys are listed by random team id: compare them as a set.
					if (k === 'keys' && Array.isArray(out)) {
						out.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
					}
					return [normalise(k, labels), out] as const;
				})
				.sort(([a], [b]) => a.localeCompare(b))
		);
	}
	return value;
}

/** An artifact as text that does not depend on random ids, times or row order. */
function comparableText(name: string, text: string, labels: Map<string, string>): string {
	const json = (raw: string): unknown => {
		try {
			return JSON.parse(raw);
		} catch {
			return undefined;
		}
	};
	if (name.startsWith('table ')) {
		return (JSON.parse(text) as unknown[])
			.map((row) => JSON.stringify(normaliseJson(row, labels)))
			.sort()
			.join('\n');
	}
	if (name.startsWith('doc ')) return JSON.stringify(normaliseJson(JSON.parse(text), labels));
	if (name.startsWith('GET ')) {
		const space = text.indexOf(' ');
		const body = json(text.slice(space + 1));
		// The bulletin is in tracker order, which is random per run: compare it as a set.
		if (/\/bulletin as /.test(name)) {
			const lines = ((body as { ballots?: unknown[] })?.ballots ?? []).map((b) =>
				JSON.stringify(normaliseJson(b, labels))
			);
			return `${text.slice(0, space)} ${lines.sort().join('\n')}`;
		}
		if (body !== undefined)
			return `${text.slice(0, space)} ${JSON.stringify(normaliseJson(body, labels))}`;
	}
	const out = normalise(text, labels);
	return name === 'server log' ? out.split('\n').sort().join('\n') : out;
}

describe.each(databaseKinds())('anonymous ballots on %s', (kind) => {
	// Documents stay loaded for the whole run: an idle board unloading in one run and not in the
	// other (a slow machine) would add a housekeeping log line to one server's log only.
	const keepLoaded = { REALTIME_IDLE_UNLOAD_MS: '600000' };
	const first = serverForSuite(kind, keepLoaded);
	const second = serverForSuite(kind, keepLoaded);

	test('swapping two people’s votes changes nothing anyone can read, and no ballot can be tied to a person', async () => {
		// The two workshops run side by side, each on its own server and database.
		const [a, b] = await Promise.all([runWorkshop(first, false), runWorkshop(second, true)]);

		// The ballots did differ per person (the swap is real), yet every artifact is the same.
		const comparable = (run: Run) =>
			new Map(
				[...run.artifacts]
					// Binary update logs; the documents they make up are compared as documents.
					.filter(([name]) => !name.startsWith('table yjs_'))
					.map(([name, text]) => {
						return [normalise(name, run.labels), comparableText(name, text, run.labels)];
					})
			);
		const left = comparable(a);
		const right = comparable(b);
		expect([...right.keys()]).toEqual([...left.keys()]);
		for (const [name, text] of left) expect(right.get(name), name).toEqual(text);

		for (const run of [a, b]) {
			// The ballot table has nothing a receipt could be joined on but the poll.
			const columns = JSON.parse(run.artifacts.get('columns')!) as {
				table_name: string;
				column_name: string;
				data_type: string;
			}[];
			const of = (table: string) =>
				columns.filter((c) => c.table_name === table).map((c) => c.column_name);
			expect(of('ballot')).toEqual(['poll_id', 'team_id', 'choice', 'reason', 'token_hash']);
			expect(of('ballot_token')).toEqual([
				'poll_id',
				'participant_id',
				'team_id',
				'key_id',
				'blinded_hash',
				'blind_signature'
			]);
			expect(columns.filter((c) => c.data_type.startsWith('timestamp'))).toEqual([]);

			// Wherever ballot content is (a reason), no person's id, name, session or cookie is.
			const identityValues = [...run.identities.values()].flat();
			let holdingReasons = 0;
			for (const [name, text] of run.artifacts) {
				if (!REASONS.some((r) => text.includes(r))) continue;
				holdingReasons++;
				for (const value of identityValues) {
					expect(text.includes(value), `${name} holds a reason and ${value}`).toBe(false);
				}
			}
			// The reasons are there to be found (the check above is not vacuous).
			expect(holdingReasons).toBeGreaterThan(5);
			// The log never holds a reason or a choice.
			for (const reason of REASONS) expect(run.artifacts.get('server log')).not.toContain(reason);
		}
		// Two servers each run a whole workshop: under a loaded CI machine this has taken over two
		// minutes, and a timeout would say nothing about anonymity.
	}, 240_000);
});
