/**
 * A workshop with something to put in a charter, built through the same endpoints the console
 * and the boards use: two Sales people and one Marketing person, a measure with a baseline and
 * a target, the next review date, a barrier with its remedy, the hand-off SLA and the score
 * threshold agreed over Yjs, the follow-up step of the lead journey given its SLA, and two
 * agreements (one with buyer evidence, one without).
 */
import { listCards, termText, TERM_TEXT } from '../../src/lib/collab/cards';
import { stageDocName } from '../../src/lib/collab/doc-names';
import type { Client } from '../support/http';
import { connectPeer } from '../support/realtime';
import { facilitatorWithWorkshop, joinAs, type FacilitatorWithWorkshop } from './workshops';

export interface CharterWorkshop extends FacilitatorWithWorkshop {
	measureId: string;
	charterPath: string;
	/** Posts a form action of the facilitator's charter page. */
	act(name: string, fields?: Record<string, string>): ReturnType<Client['action']>;
}

export async function workshopWithCharterContent(baseUrl: string): Promise<CharterWorkshop> {
	const ws = await facilitatorWithWorkshop(baseUrl);
	await joinAs(baseUrl, ws.joinCode, ws.teams.Sales!, 'Sam');
	await joinAs(baseUrl, ws.joinCode, ws.teams.Sales!, 'Sue');
	await joinAs(baseUrl, ws.joinCode, ws.teams.Marketing!, 'Max');
	const api = `/api/workshops/${ws.workshopId}`;
	const card = async (stage: string, body: Record<string, unknown>) => {
		const r = await ws.facilitator.json('POST', `${api}/stages/${stage}/cards`, body);
		if (r.status !== 201) throw new Error(`card refused: ${JSON.stringify(r.body)}`);
		return String(r.body.id);
	};
	const measureId = await card('measures', {
		type: 'measure',
		text: 'MQL → SQL conversion',
		definition: 'Share of MQLs accepted and qualified by sales within the quarter',
		baseline: '18%',
		target: '25%',
		ownerTeamId: ws.teams.Marketing,
		system: 'CRM pipeline report',
		frequency: 'Monthly'
	});
	await card('measures', {
		type: 'cadence',
		text: 'Joint pipeline review, first Monday of each month',
		nextReviewDate: '2027-02-01'
	});
	await card('barriers', {
		type: 'barrier',
		text: 'Sales commission rewards any closed deal, so sourced leads wait',
		category: 'incentives',
		remedy: 'Add an MQL follow-up component to the Q1 compensation plan',
		remedyOwner: 'VP Sales'
	});

	// The room agrees the hand-off SLA and the score threshold together, over Yjs.
	const terms = await new Promise<{ sla: string; threshold: string }>((resolve, reject) => {
		const peer = connectPeer(baseUrl, ws.facilitator, stageDocName(ws.workshopId, 'shared-terms'));
		peer
			.whenSynced()
			.then(async () => {
				const cards = listCards(peer.doc, 'term');
				const sla = cards.find((c) => c.text === 'Hand-off SLA')!.id;
				const threshold = cards.find((c) => c.text === 'Lead-score threshold')!.id;
				peer.doc.transact(() => {
					termText(peer.doc, sla, TERM_TEXT.merged)!.insert(
						0,
						'Sales follows up every MQL within 24 hours of hand-off.'
					);
					termText(peer.doc, threshold, TERM_TEXT.merged)!.insert(
						0,
						'A lead becomes an MQL at a score of 65.'
					);
					termText(peer.doc, sla, TERM_TEXT.fields(ws.teams.Sales!))!.insert(
						0,
						'budget, authority, need, timeline'
					);
					termText(peer.doc, sla, TERM_TEXT.fields(ws.teams.Marketing!))!.insert(
						0,
						'source, campaign'
					);
				});
				await peer.ack();
				peer.destroy();
				resolve({ sla, threshold });
			})
			.catch(reject);
	});
	for (const [id, value] of [
		[terms.sla, 24],
		[terms.threshold, 65]
	] as const) {
		const r = await ws.facilitator.json('PATCH', `${api}/stages/shared-terms/cards/${id}`, {
			value
		});
		if (r.status !== 200) throw new Error(`term value refused: ${JSON.stringify(r.body)}`);
	}

	// The room works on the journey the template suggested: the follow-up step gets its SLA.
	const followUp = await new Promise<string>((resolve, reject) => {
		const peer = connectPeer(baseUrl, ws.facilitator, stageDocName(ws.workshopId, 'connections'));
		peer
			.whenSynced()
			.then(() => {
				const step = listCards(peer.doc, 'step').find((c) => c.text.startsWith('Follow-up'));
				peer.destroy();
				if (step) resolve(step.id);
				else reject(new Error('the journey has no follow-up step'));
			})
			.catch(reject);
	});
	const sla = await ws.facilitator.json('PATCH', `${api}/stages/connections/cards/${followUp}`, {
		slaHours: 24
	});
	if (sla.status !== 200) throw new Error(`step SLA refused: ${JSON.stringify(sla.body)}`);

	for (const body of [
		{
			statement: 'Sales follows up every MQL within 24 hours.',
			ownerTeamId: ws.teams.Sales,
			ownerName: 'Tom Becker',
			dueDate: '2027-01-31',
			evidence: [
				{ kind: 'lost-deal', text: 'Lost Contoso: the buyer waited four days.', source: 'CRM' }
			]
		},
		{ statement: 'Marketing and sales share one pipeline dashboard.' }
	]) {
		const r = await ws.facilitator.json('POST', `${api}/agreements`, body);
		if (r.status !== 201) throw new Error(`agreement refused: ${JSON.stringify(r.body)}`);
	}
	const charterPath = `/workshops/${ws.workshopId}/charter`;
	return {
		...ws,
		measureId,
		charterPath,
		act: (name, fields = {}) => ws.facilitator.action(`${charterPath}?/${name}`, fields)
	};
}

/** Invites a leader from the charter page and returns the personal link's path. */
export async function inviteLeader(
	ws: CharterWorkshop,
	leader: { name: string; title: string; email: string; signingOrder?: string }
): Promise<string> {
	const result = await ws.act('invite', { signingOrder: '', expiresInDays: '14', ...leader });
	const link = (result.data?.invited as { link?: string } | undefined)?.link;
	if (!link) throw new Error(`inviting failed: ${JSON.stringify(result)}`);
	return new URL(link).pathname;
}

/** Opens a personal link like a leader's browser does; the client then holds the session. */
export async function openLink(leader: Client, path: string): Promise<Response> {
	return leader.get(path);
}

/**
 * The room completes the lead lifecycle on the Shared terms board: MQL, SQL and Disqualified
 * get merged wordings and fields over Yjs, then (through the card API) their owner teams, exit
 * criteria, the reasons, the attempts before nurture and the hand-off SLA's business hours.
 * SAL and Opportunity stay undefined. Returns the term card ids by name.
 */
export async function agreeLifecycle(
	baseUrl: string,
	ws: CharterWorkshop
): Promise<Record<string, string>> {
	const ids = await new Promise<Record<string, string>>((resolve, reject) => {
		const peer = connectPeer(baseUrl, ws.facilitator, stageDocName(ws.workshopId, 'shared-terms'));
		peer
			.whenSynced()
			.then(async () => {
				const cards = listCards(peer.doc, 'term');
				const ids = Object.fromEntries(cards.map((c) => [c.text, c.id]));
				const write = (term: string, key: string, text: string) =>
					termText(peer.doc, ids[term]!, key)!.insert(0, text);
				peer.doc.transact(() => {
					write('MQL', TERM_TEXT.merged, 'A lead in our market with a score of 65 or more.');
					write('MQL', TERM_TEXT.fields(ws.teams.Marketing!), 'source; campaign');
					write('SQL', TERM_TEXT.merged, 'Budget, authority, need and timeline confirmed.');
					write('SQL', TERM_TEXT.fields(ws.teams.Sales!), 'budget, timeline');
					write('Disqualified', TERM_TEXT.merged, 'Closed for good with one reason.');
					write('Recycled / Nurture', TERM_TEXT.merged, 'Not ready now: back to nurture.');
				});
				await peer.ack();
				peer.destroy();
				resolve(ids);
			})
			.catch(reject);
	});
	const api = `/api/workshops/${ws.workshopId}/stages/shared-terms/cards`;
	for (const [term, patch] of [
		['MQL', { ownerTeamId: ws.teams.Marketing, exitCriteria: 'Sales accepts or returns it.' }],
		['SQL', { ownerTeamId: ws.teams.Sales }],
		['Disqualified', { reasons: 'Competitor; Outside our market' }],
		['Recycled / Nurture', { attempts: 3, reasons: 'No answer; Timing' }],
		['Hand-off SLA', { hoursBasis: 'business', ownerTeamId: ws.teams.Sales }]
	] as const) {
		const r = await ws.facilitator.json('PATCH', `${api}/${ids[term]}`, patch);
		if (r.status !== 200) throw new Error(`${term} refused: ${JSON.stringify(r.body)}`);
	}
	return ids;
}
