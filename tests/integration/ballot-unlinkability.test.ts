/**
 * The adversary: a database administrator of the PostgreSQL that holds the workshop, with
 * superuser rights, reading everything the database keeps about how rows were written:
 *
 * - system columns (`xmin`, the writing transaction; `ctid`, the physical place);
 * - raw heap pages through `pageinspect`, dead row versions included (changed ballots);
 * - the write-ahead log through `pg_waldump`: which transaction wrote which relation, in order;
 * - PostgreSQL's own server log.
 *
 * Thirty people join in one order and get their voting tokens in that order (as devices do when
 * a poll opens); they cast in an independent random order, a few at a time, and five change
 * their vote. The test knows who cast which ballot (each device's tracker). The adversary pairs
 * issuance rows with ballot rows by every signal above. Transaction ids must never be shared,
 * and pairing by order must do no better than chance: a random pairing of 30 gets 1 right on
 * average and 6 or more with a probability under 0.1 %.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import { facilitatorWithWorkshop, joinAs } from '../factories/workshops';
import { serverForSuite } from '../support/suite';
import { controlPoll, createPoll, Voter } from '../support/voting';

const PEOPLE = 30;
/** Pairings right by chance: at most this many (chance gives 1 on average). */
const CHANCE_LIMIT = 5;

function shuffled<T>(items: T[]): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

function pgWaldump(): string {
	const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
	const candidates = [
		path.join(bindir, 'pg_waldump'),
		...(fs.existsSync('/usr/lib/postgresql')
			? fs.readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin/pg_waldump`)
			: [])
	];
	const found = candidates.find((c) => fs.existsSync(c));
	if (!found) throw new Error('pg_waldump not found: the WAL cannot be read');
	return found;
}

/** How many of the adversary's rank pairings (i-th issuance ↔ i-th ballot) are right. */
function rightByRank(issuedOrder: string[], ballotOrder: string[], truth: Map<string, string>) {
	let right = 0;
	for (let i = 0; i < Math.min(issuedOrder.length, ballotOrder.length); i++) {
		if (truth.get(issuedOrder[i]!) === ballotOrder[i]) right++;
	}
	return right;
}

const ctidOrder = (ctid: string) => {
	const [block, item] = ctid.slice(1, -1).split(',').map(Number);
	return block! * 1000 + item!;
};

describe.skipIf(!process.env.DATABASE_URL)('ballots against a database administrator', () => {
	const suite = serverForSuite('postgres');

	test('neither system columns, raw pages, the WAL nor the server log pair a token issuance with a ballot', async () => {
		const url = suite.server.url;
		const sqlAdmin = postgres(suite.database.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
		const scalar = async (query: string) =>
			String(Object.values((await sqlAdmin.unsafe(query))[0] ?? {})[0]);
		try {
			const ws = await facilitatorWithWorkshop(url);
			const voters: Voter[] = [];
			for (let i = 0; i < PEOPLE; i++) {
				const team = i % 2 ? 'Marketing' : 'Sales';
				const name = `Person ${String(i).padStart(2, '0')}`;
				const client = await joinAs(url, ws.joinCode, ws.teams[team]!, name);
				voters.push(new Voter(client, ws.workshopId, name, ws.teams[team]!));
			}
			const pollId = await createPoll(ws.facilitator, ws.workshopId, {
				kind: 'choice',
				question: 'Who owns the lead-score threshold?',
				options: ['Marketing ops', 'Sales ops', 'Revenue ops']
			});
			// The cluster is shared: other suites creating and dropping databases write WAL fast
			// enough that a checkpoint recycles the segments this test reads before pg_waldump
			// gets to them. A temporary slot (gone with this connection) keeps them, as a DBA
			// reading the log would. (A server without slots, max_replication_slots = 0, reads
			// as before.)
			const slot = `cg_unlinkability_${process.pid}`;
			await sqlAdmin`select pg_create_physical_replication_slot(${slot}, true, true)`.catch(
				() => {}
			);
			const walStart = await scalar('select pg_current_wal_lsn()::text');
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'open')).status).toBe(200);

			// Tokens in join order, as the devices ask when the poll opens.
			const trackerOf = new Map<string, string>();
			for (const voter of voters) trackerOf.set(voter.name, (await voter.token(pollId)).tracker);

			// Casts in an independent random order, five at a time.
			const castOrder = shuffled(voters);
			for (let i = 0; i < castOrder.length; i += 5) {
				const group = castOrder.slice(i, i + 5);
				const answers = await Promise.all(group.map((v) => v.vote(pollId, `o${1 + randomInt(3)}`)));
				expect(answers.map((a) => a.status)).toEqual(group.map(() => 201));
			}

			// The truth the adversary wants: participant id → tracker.
			const people = await sqlAdmin<{ id: string; name: string }[]>`
				select id, display_name as name from participant where workshop_id = ${ws.workshopId}`;
			const truth = new Map(people.map((p) => [p.id, trackerOf.get(p.name)!]));
			expect(truth.size).toBe(PEOPLE);

			// 1. System columns, read while the poll is open, before anyone changes a vote (a
			// change moves a ballot to a new place, which would only blur the order).
			const issued = await sqlAdmin<{ participant_id: string; xmin: string; ctid: string }[]>`
				select participant_id, xmin::text as xmin, ctid::text as ctid
				from ballot_token where poll_id = ${pollId}`;
			const ballots = await sqlAdmin<{ token_hash: string; xmin: string; ctid: string }[]>`
				select token_hash, xmin::text as xmin, ctid::text as ctid
				from ballot where poll_id = ${pollId}`;
			expect(issued).toHaveLength(PEOPLE);
			expect(ballots).toHaveLength(PEOPLE);
			const issuedXids = new Set(issued.map((r) => r.xmin));
			expect(ballots.filter((b) => issuedXids.has(b.xmin))).toEqual([]);
			const byCtid = <T extends { ctid: string }>(rows: T[]) =>
				[...rows].sort((a, b) => ctidOrder(a.ctid) - ctidOrder(b.ctid));
			const byXmin = <T extends { xmin: string; ctid: string }>(rows: T[]) =>
				[...rows].sort(
					(a, b) => Number(a.xmin) - Number(b.xmin) || ctidOrder(a.ctid) - ctidOrder(b.ctid)
				);
			const pairings: Record<string, number> = {
				ctid: rightByRank(
					byCtid(issued).map((r) => r.participant_id),
					byCtid(ballots).map((r) => r.token_hash),
					truth
				),
				xmin: rightByRank(
					byXmin(issued).map((r) => r.participant_id),
					byXmin(ballots).map((r) => r.token_hash),
					truth
				)
			};

			// Five change their vote; the poll closes and is revealed.
			for (const voter of shuffled(voters).slice(0, 5)) {
				expect((await voter.vote(pollId, 'o3')).status).toBe(200);
			}
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'close')).status).toBe(200);
			expect((await controlPoll(ws.facilitator, ws.workshopId, pollId, 'reveal')).status).toBe(200);
			const changedXmins = await sqlAdmin<{ xmin: string }[]>`
				select xmin::text as xmin from ballot where poll_id = ${pollId}`;
			expect(changedXmins.filter((b) => issuedXids.has(b.xmin))).toEqual([]);

			// 2. Raw pages, dead versions of changed ballots included.
			await sqlAdmin`create extension if not exists pageinspect`;
			const pageXids = async (table: string) => {
				const pages = (
					await sqlAdmin<{ pages: number }[]>`
					select (pg_relation_size(${table}::regclass) / current_setting('block_size')::int)::int as pages`
				)[0]!.pages;
				const xids = new Set<string>();
				let tuples = 0;
				for (let block = 0; block < pages; block++) {
					const items = await sqlAdmin<{ t_xmin: string | null; t_xmax: string | null }[]>`
						select t_xmin::text, t_xmax::text
						from heap_page_items(get_raw_page(${table}, ${block}))`;
					for (const item of items) {
						if (item.t_xmin) {
							tuples++;
							xids.add(item.t_xmin);
						}
						if (item.t_xmax && item.t_xmax !== '0') xids.add(item.t_xmax);
					}
				}
				return { xids, tuples };
			};
			const tokenPages = await pageXids('ballot_token');
			const ballotPages = await pageXids('ballot');
			// The changed ballots left dead versions behind: the pages hold more than the live rows.
			expect(ballotPages.tuples).toBeGreaterThan(PEOPLE);
			expect([...ballotPages.xids].filter((x) => tokenPages.xids.has(x))).toEqual([]);

			// 3. The write-ahead log: which transaction wrote which relation, in log order.
			await sqlAdmin`checkpoint`;
			const walEnd = await scalar('select pg_current_wal_flush_lsn()::text');
			const dir = await scalar("select current_setting('data_directory')");
			const nodes = await sqlAdmin<{ table: string; node: string; db: string }[]>`
				select c.relname as table, pg_relation_filenode(c.oid)::text as node,
					(select oid::text from pg_database where datname = current_database()) as db
				from pg_class c where c.relname in ('ballot', 'ballot_token')`;
			const dump = execFileSync(
				pgWaldump(),
				['-p', path.join(dir, 'pg_wal'), '-s', walStart, '-e', walEnd, '-r', 'Heap'],
				{ encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }
			);
			const walXids: Record<string, Set<string>> = { ballot: new Set(), ballot_token: new Set() };
			let heapInserts = 0;
			for (const line of dump.split('\n')) {
				const tx = /tx:\s+(\d+)/.exec(line)?.[1];
				if (!tx || tx === '0') continue;
				for (const { table, node, db } of nodes) {
					if (new RegExp(`rel \\d+/${db}/${node}\\b`).test(line)) {
						walXids[table]!.add(tx);
						if (/desc: INSERT/.test(line)) heapInserts++;
					}
				}
			}
			// The log was read (the check is not vacuous): every issuance and every cast is there.
			expect(walXids.ballot_token!.size).toBeGreaterThanOrEqual(PEOPLE);
			expect(walXids.ballot!.size).toBeGreaterThan(0);
			expect(heapInserts).toBeGreaterThanOrEqual(2 * PEOPLE);
			expect([...walXids.ballot!].filter((x) => walXids.ballot_token!.has(x))).toEqual([]);

			for (const [signal, right] of Object.entries(pairings)) {
				expect(right, `pairing by ${signal} gets ${right} of ${PEOPLE}`).toBeLessThanOrEqual(
					CHANCE_LIMIT
				);
			}

			// 4. PostgreSQL's own log: no tracker, no blinded message's hash.
			const logDir = (
				await sqlAdmin<{ logDir: string }[]>`
				select coalesce(nullif(current_setting('log_directory'), ''), '') as "logDir"`
			)[0]!.logDir;
			const logFiles = [
				'/var/log/postgresql',
				path.isAbsolute(logDir) ? logDir : path.join(dir, logDir)
			]
				.filter((d) => fs.existsSync(d))
				.flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f)))
				.filter((f) => fs.statSync(f).isFile());
			const blinded = await sqlAdmin<{ h: string }[]>`
				select blinded_hash as h from ballot_token where poll_id = ${pollId}`;
			const secrets = [...trackerOf.values(), ...blinded.map((b) => b.h)];
			for (const file of logFiles) {
				const text = fs.readFileSync(file, 'latin1');
				for (const secret of secrets) expect(text.includes(secret), file).toBe(false);
			}
		} finally {
			await sqlAdmin.end();
		}
	}, 120_000);
});
