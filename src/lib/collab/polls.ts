/**
 * Polls in the room document: ROOM_KEYS.polls holds each poll's question, rules, status and
 * live turnout; ROOM_KEYS.results holds a poll's published result once it is revealed.
 * Only the server writes either (src/lib/server/polls/). Ballots never travel here: turnout
 * counts people per team, and a result is what `publishResult` lets out, nothing finer.
 */
import type * as Y from 'yjs';
import type { PollKind, PollOption, PollStatus, PublishedResult, Turnout } from '../domain/polls';
import type { TokenKey } from '../domain/voting-token';
import { ROOM_KEYS } from './room';

export interface PollView {
	id: string;
	kind: PollKind;
	status: PollStatus;
	question: string;
	options: PollOption[];
	dotBudget: number | null;
	dotMaxPerCard: number | null;
	k: number;
	maxObjectionPercent: number;
	/** The rule shown on a consent poll. */
	rule: string | null;
	agreementId: string | null;
	stageKey: string | null;
	previousPollId: string | null;
	/** Calibration rounds: the leads every ballot classifies. */
	leads?: string[] | null;
	turnout: Turnout;
	/**
	 * The poll's public voting keys, per team (one per server instance that issues tokens):
	 * every device sees the same list, so a key made for one person alone would show.
	 */
	keys: TokenKey[];
	/** Epoch ms, for ordering on screens. */
	createdAt: number;
}

export function readPolls(doc: Y.Doc): PollView[] {
	const polls: PollView[] = [];
	doc.getMap<PollView>(ROOM_KEYS.polls).forEach((poll) => {
		if (poll && typeof poll === 'object' && typeof poll.id === 'string') polls.push(poll);
	});
	return polls.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

export function readResults(doc: Y.Doc): Record<string, PublishedResult> {
	const results: Record<string, PublishedResult> = {};
	doc.getMap<PublishedResult>(ROOM_KEYS.results).forEach((result, pollId) => {
		if (result && typeof result === 'object') results[pollId] = result;
	});
	return results;
}

/** Server side. */
export function writePoll(doc: Y.Doc, poll: PollView): void {
	doc.getMap<PollView>(ROOM_KEYS.polls).set(poll.id, poll);
}

/** Server side: only a turnout that differs is written, so a burst of casts writes little. */
export function writeTurnout(doc: Y.Doc, pollId: string, turnout: Turnout): void {
	const map = doc.getMap<PollView>(ROOM_KEYS.polls);
	const poll = map.get(pollId);
	if (!poll || JSON.stringify(poll.turnout) === JSON.stringify(turnout)) return;
	map.set(pollId, { ...poll, turnout });
}

export function writeResult(doc: Y.Doc, pollId: string, result: PublishedResult): void {
	doc.getMap<PublishedResult>(ROOM_KEYS.results).set(pollId, result);
}

export function deletePoll(doc: Y.Doc, pollId: string): void {
	doc.getMap(ROOM_KEYS.polls).delete(pollId);
	doc.getMap(ROOM_KEYS.results).delete(pollId);
}

/** Votes cast per team, over the given polls: the balance meter's third figure. */
export function votesPerTeam(polls: PollView[]): Record<string, number> {
	const votes: Record<string, number> = {};
	for (const poll of polls) {
		for (const [teamId, t] of Object.entries(poll.turnout.teams)) {
			votes[teamId] = (votes[teamId] ?? 0) + t.voted;
		}
	}
	return votes;
}
