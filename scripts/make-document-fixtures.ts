/**
 * Writes binary fixtures of a workshop's shared documents (`Y.encodeStateAsUpdate`) into
 * tests/fixtures/documents/, built with the collab writers of the code it runs with: a room,
 * and a stage board (plus team boards where a stage writes privately) of every stage kind,
 * with the content a real workshop leaves there.
 *
 *   npx tsx scripts/make-document-fixtures.ts v1
 *
 * The argument names the shapes the files are made of (`room-v1.bin`, `board-shared-terms-v1.bin`…).
 * A fixture is never regenerated once committed: when a shape changes, run this again with the
 * next version's name and commit the new files beside the old ones (see the README there).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { RegisterEntry } from '../src/lib/collab/agreements';
import { addCard, TERM_TEXT, termText, type Card } from '../src/lib/collab/cards';
import { mergeBoard } from '../src/lib/collab/board';
import { writeCalibration } from '../src/lib/collab/calibration';
import {
	writeAgenda,
	writeCurrentStage,
	writeDone,
	writeSpotlight,
	writeTimer
} from '../src/lib/collab/live';
import { writePoll, writeResult } from '../src/lib/collab/polls';
import { writeProjectorView, writeUnrevealed } from '../src/lib/collab/projector';
import { initRoom, ROOM_KEYS } from '../src/lib/collab/room';
import { ALIGNMENT_TEMPLATE } from '../src/lib/domain/template';

const version = process.argv[2];
if (!version || !/^v\d+$/.test(version)) {
	console.error('Name the shapes: npx tsx scripts/make-document-fixtures.ts v1');
	process.exit(1);
}
const dir = join(import.meta.dirname, '..', 'tests', 'fixtures', 'documents');
mkdirSync(dir, { recursive: true });

/** Team ids as the fixtures use them; a test maps them onto its own workshop's teams. */
const SALES = 'teamsales0001';
const MARKETING = 'teammarketing1';
const TEAMS = [SALES, MARKETING];
const T0 = Date.UTC(2026, 2, 10, 9, 0);

/** A document with a fixed client id, so the same code writes the same bytes. */
function newDoc(clientID: number): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	return doc;
}

let n = 0;
function card(
	type: Card['type'],
	text: string,
	teamId: string | null,
	extra: Partial<Card> = {}
): Card {
	n++;
	return {
		id: `card${String(n).padStart(4, '0')}`,
		type,
		text,
		teamId,
		createdAt: T0 + n * 1000,
		position: n,
		...extra
	};
}

function save(name: string, doc: Y.Doc): void {
	writeFileSync(join(dir, `${name}-${version}.bin`), Y.encodeStateAsUpdate(doc));
	console.log(`wrote ${name}-${version}.bin`);
}

// ── boards ─────────────────────────────────────────────────────────────────────────────

function focusValue(): Y.Doc {
	const doc = newDoc(101);
	doc.transact(() => {
		addCard(doc, card('focus', 'Grow qualified pipeline in the mid-market', null));
		addCard(doc, card('focus', 'Shorter sales cycles', SALES));
		addCard(doc, card('value-driver', 'Fewer handoffs between SDR and AE', MARKETING));
		addCard(doc, card('outcome', 'Win rate above 25 %', SALES));
		addCard(doc, card('need', 'Leads that answer the phone', SALES));
		addCard(
			doc,
			card('empathy-goal', 'They want leads that are ready to buy', MARKETING, {
				aboutTeamId: SALES,
				verdict: 'accurate'
			})
		);
		addCard(
			doc,
			card('empathy-pain', 'They are measured on volume only', SALES, {
				aboutTeamId: MARKETING,
				verdict: 'inaccurate',
				correction: 'We are measured on pipeline too.'
			})
		);
		addCard(doc, card('note', 'Ask finance about the attribution model', null));
	});
	return doc;
}

/** Shared terms: terms with a wording and fields per team and a merged wording. */
function sharedTerms(): { stage: Y.Doc; teams: Record<string, Y.Doc> } {
	const stage = newDoc(201);
	const mql = card('term', 'Marketing qualified lead', null, {
		valueType: 'points',
		value: 60,
		hint: 'The score threshold'
	});
	const sla = card('term', 'Follow-up SLA', null, {
		valueType: 'hours',
		value: 24,
		hint: 'Hours until the first call'
	});
	stage.transact(() => {
		addCard(stage, mql, TEAMS);
		addCard(stage, sla, TEAMS);
	});
	termText(stage, mql.id, TERM_TEXT.merged)!.insert(
		0,
		'A lead scoring 60 points or more with a business email.'
	);
	termText(stage, sla.id, TERM_TEXT.wording(SALES))!.insert(
		0,
		'We call back within one working day.'
	);
	termText(stage, sla.id, TERM_TEXT.fields(SALES))!.insert(0, 'hours: 24');
	// Private round: each team writes on its own board, started from the stage board.
	const teams: Record<string, Y.Doc> = {};
	for (const [i, teamId] of TEAMS.entries()) {
		const team = newDoc(210 + i);
		Y.applyUpdate(team, Y.encodeStateAsUpdate(stage));
		termText(team, mql.id, TERM_TEXT.wording(teamId))!.insert(
			0,
			teamId === SALES ? 'Someone who asked for a demo.' : 'A lead over the score threshold.'
		);
		termText(team, mql.id, TERM_TEXT.fields(teamId))!.insert(0, 'points: 60');
		const own = card(
			'note',
			teamId === SALES ? 'Demo requests skip scoring' : 'Scoring model reviewed quarterly',
			teamId
		);
		team.transact(() => addCard(team, own));
		teams[teamId] = team;
	}
	// The reveal: the sales team's board is merged into the stage board.
	mergeBoard(stage, Y.encodeStateAsUpdate(teams[SALES]!));
	return { stage, teams };
}

function calibrationBoard(): Y.Doc {
	const doc = newDoc(301);
	doc.transact(() => addCard(doc, card('note', 'Lead 4 is a partner, not a prospect', MARKETING)));
	return doc;
}

function connections(): Y.Doc {
	const doc = newDoc(401);
	doc.transact(() => {
		addCard(
			doc,
			card('step', 'Web form filled in', null, {
				ownerTeamId: MARKETING,
				system: 'HubSpot',
				slaHours: null,
				broken: null,
				note: '',
				isReturnPath: false
			})
		);
		addCard(
			doc,
			card('step', 'Lead scored and routed', MARKETING, {
				ownerTeamId: MARKETING,
				system: 'HubSpot',
				slaHours: 1,
				broken: 'technology',
				note: 'Routing fails for new territories'
			})
		);
		addCard(
			doc,
			card('step', 'First call', SALES, {
				ownerTeamId: SALES,
				system: 'Salesforce',
				slaHours: 24,
				broken: 'human',
				keptInCharter: true
			})
		);
		addCard(
			doc,
			card('step', 'Recycled to nurture', SALES, {
				ownerTeamId: MARKETING,
				system: 'HubSpot',
				slaHours: 72,
				broken: 'human-by-technology',
				isReturnPath: true
			})
		);
	});
	return doc;
}

function barriers(): Y.Doc {
	const doc = newDoc(501);
	const first = card('barrier', 'Sales is paid on closed deals only', SALES, {
		category: 'incentives',
		remedy: 'Add a pipeline component',
		remedyOwner: 'Head of sales'
	});
	doc.transact(() => {
		addCard(doc, { ...first, groupId: first.id, groupTitle: 'Pay', dots: 7, rank: 1 });
		addCard(
			doc,
			card('barrier', 'Bonus ignores lead follow-up', MARKETING, {
				category: 'incentives',
				groupId: first.id,
				groupTitle: 'Pay',
				dots: 7,
				rank: 1
			})
		);
		addCard(
			doc,
			card('barrier', 'Two CRMs that do not talk', MARKETING, {
				category: 'technology',
				groupId: null,
				dots: 3,
				rank: 2
			})
		);
		addCard(
			doc,
			card('barrier', 'No shared pipeline review', null, { category: 'process', dots: 0, rank: 3 })
		);
		addCard(
			doc,
			card('incentive', 'Shared revenue target', null, {
				today: 'Closed revenue per rep',
				needed: 'Pipeline created together'
			})
		);
	});
	return doc;
}

function measures(): Y.Doc {
	const doc = newDoc(601);
	doc.transact(() => {
		addCard(
			doc,
			card('measure', 'MQL to SQL conversion', null, {
				definition: 'SQLs this month / MQLs this month',
				baseline: '12 %',
				target: '20 %',
				ownerTeamId: MARKETING,
				system: 'HubSpot',
				slaHours: 48
			})
		);
		addCard(
			doc,
			card('measure', 'Speed to lead', SALES, {
				definition: 'Hours from form to first call',
				ownerTeamId: SALES,
				slaHours: 24
			})
		);
		addCard(
			doc,
			card('cadence', 'Monthly pipeline review', null, {
				frequency: 'Monthly',
				nextReviewDate: '2026-04-07'
			})
		);
		addCard(
			doc,
			card('cadence', 'Quarterly SLA check', MARKETING, {
				frequency: 'Quarterly',
				nextReviewDate: ''
			})
		);
	});
	return doc;
}

function notesOnly(clientID: number, texts: string[]): Y.Doc {
	const doc = newDoc(clientID);
	doc.transact(() => {
		for (const [i, text] of texts.entries()) addCard(doc, card('note', text, i % 2 ? SALES : null));
	});
	return doc;
}

// ── room ───────────────────────────────────────────────────────────────────────────────

function room(): Y.Doc {
	const doc = newDoc(1);
	initRoom(doc);
	doc.transact(() => {
		writeAgenda(
			doc,
			ALIGNMENT_TEMPLATE.map((s) => ({
				key: s.key,
				kind: s.kind,
				title: s.title,
				prompt: s.prompt,
				timeboxMinutes: s.timeboxMinutes
			})),
			[
				{ id: SALES, name: 'Sales', colour: '#1d4ed8' },
				{ id: MARKETING, name: 'Marketing', colour: '#b45309' }
			]
		);
		const stages = doc.getMap<unknown>(ROOM_KEYS.stages);
		// As the first release stored stage states: before `hiddenFromProjector` existed.
		stages.set('focus-value', { locked: true, privateWrite: false, revealedAt: null });
		stages.set('shared-terms', {
			locked: false,
			privateWrite: false,
			revealedAt: T0 + 3_600_000,
			hiddenFromProjector: false
		});
		stages.set('barriers', {
			locked: false,
			privateWrite: true,
			revealedAt: null,
			hiddenFromProjector: true
		});
		writeCurrentStage(doc, 'shared-terms');
		writeTimer(doc, {
			stageKey: 'shared-terms',
			durationMs: 1_200_000,
			remainingMs: 600_000,
			startedAt: T0 + 4_000_000
		});
		writeSpotlight(doc, {
			stageKey: 'shared-terms',
			itemId: 'card0009',
			text: 'Marketing qualified lead',
			teamId: null
		});
		writeProjectorView(doc, {
			stageKey: 'shared-terms',
			termId: 'card0009',
			page: 1,
			resultPutAway: null
		});
		writeDone(doc, 'focus-value', { [SALES]: 4, [MARKETING]: 3 });
		writeUnrevealed(doc, 'barriers', { [SALES]: 2, [MARKETING]: 1 });
		const options = [
			{ id: 'agree', label: 'Agree' },
			{ id: 'live', label: 'Can live with it' },
			{ id: 'object', label: 'Object' }
		];
		const turnout = {
			voted: 7,
			eligible: 8,
			teams: { [SALES]: { voted: 4, eligible: 4 }, [MARKETING]: { voted: 3, eligible: 4 } }
		};
		const poll = {
			kind: 'consent' as const,
			options,
			dotBudget: null,
			dotMaxPerCard: null,
			k: 3,
			maxObjectionPercent: 20,
			previousPollId: null,
			turnout,
			keys: [{ id: 'ab'.repeat(32), teamId: SALES, spki: 'MCowBQYDK2VwAyEA' }]
		};
		writePoll(doc, {
			...poll,
			id: 'poll0001',
			status: 'revealed',
			question: 'Adopt: we call every MQL within 24 hours',
			rule: 'Passes with at most 20 % objections',
			agreementId: 'agr0001',
			stageKey: 'agreements',
			createdAt: T0 + 5_000_000
		});
		writePoll(doc, {
			...poll,
			id: 'poll0002',
			kind: 'dot',
			status: 'open',
			question: 'Which barrier first?',
			options: [{ id: 'card0018', label: 'Sales is paid on closed deals only' }],
			dotBudget: 3,
			dotMaxPerCard: 2,
			rule: null,
			agreementId: null,
			stageKey: 'barriers',
			createdAt: T0 + 5_100_000
		});
		writePoll(doc, {
			...poll,
			id: 'poll0003',
			kind: 'classification',
			status: 'revealed',
			question: 'Round 1: classify the leads',
			options: [
				{ id: 'mql', label: 'MQL' },
				{ id: 'not', label: 'Not yet' }
			],
			rule: null,
			agreementId: null,
			stageKey: 'calibration',
			leads: ['l1', 'l2', 'l3'],
			createdAt: T0 + 2_000_000
		});
		const teamsOutcome = [
			{ teamId: SALES, voters: 4, counts: { agree: 3, live: 1, object: 0 }, passes: true },
			{ teamId: MARKETING, voters: 3, counts: { agree: 2, live: 0, object: 1 }, passes: true }
		];
		writeResult(doc, 'poll0001', {
			kind: 'consent',
			options,
			voters: 7,
			counts: { agree: 5, live: 1, object: 1 },
			teams: teamsOutcome,
			reasons: ['Only if nights are excluded'],
			k: 3,
			passed: true,
			overallPasses: true,
			rule: 'Passes with at most 20 % objections',
			ranking: null,
			mean: null
		});
		writeCalibration(doc, {
			stageKey: 'calibration',
			leads: [
				{
					id: 'l1',
					reference: 'ACME-17',
					fields: { source: 'Webinar', companySize: '200-500', authority: 'CMO' }
				},
				{
					id: 'l2',
					reference: 'Lead 2',
					fields: { industry: 'Software', timeline: 'This quarter' }
				},
				{ id: 'l3', reference: 'Lead 3', fields: {} }
			],
			categories: [
				{ id: 'mql', label: 'MQL' },
				{ id: 'not', label: 'Not yet' }
			],
			focusLeadId: 'l2',
			isFrozen: true
		});
		const agreements = doc.getMap<RegisterEntry>(ROOM_KEYS.agreements);
		agreements.set('agr0001', {
			id: 'agr0001',
			statement: 'We call every MQL within 24 hours',
			ownerTeamId: SALES,
			ownerName: null,
			dueDate: '2026-04-30',
			metric: 'Speed to lead',
			stageKey: 'agreements',
			sourceItemId: 'card0013',
			status: 'adopted',
			evidence: [
				{
					kind: 'calibration',
					text: 'Kappa 0.71 on round 1',
					source: 'Calibration',
					roundId: 'poll0003'
				},
				{ kind: 'figure', text: 'Median today is 53 hours', source: 'CRM export' }
			],
			hasEvidence: true,
			outcome: {
				pollId: 'poll0001',
				passed: true,
				k: 3,
				overallPasses: true,
				rule: 'Passes with at most 20 % objections',
				voters: 7,
				counts: { agree: 5, live: 1, object: 1 },
				teams: teamsOutcome,
				reasons: ['Only if nights are excluded'],
				dissent: { overall: 1, teams: [{ teamId: MARKETING, objections: 1 }] },
				revealedAt: new Date(T0 + 6_000_000).toISOString()
			}
		});
		agreements.set('agr0002', {
			id: 'agr0002',
			statement: 'Marketing shares the scoring model each quarter',
			ownerTeamId: null,
			ownerName: 'Head of marketing ops',
			dueDate: null,
			metric: null,
			stageKey: null,
			sourceItemId: null,
			status: 'proposed',
			evidence: [],
			hasEvidence: false,
			outcome: null
		});
	});
	return doc;
}

save('room', room());
save('board-focus-value', focusValue());
const terms = sharedTerms();
save('board-shared-terms', terms.stage);
save('team-shared-terms-sales', terms.teams[SALES]!);
save('team-shared-terms-marketing', terms.teams[MARKETING]!);
save('board-calibration', calibrationBoard());
save('board-connections', connections());
save('board-barriers', barriers());
save('board-measures', measures());
save('board-agreements', notesOnly(701, ['Draft: weekly lead review', 'Who owns the SLA report?']));
save('board-open', notesOnly(801, ['Parking lot: partner leads']));
