/**
 * What the room's shared screen shows, as the facilitator decides it: hiding a stage's board
 * from the projector (the realtime server then stops sending that board to the projector's
 * connections at once), the term in focus, the page, putting a revealed result away to show
 * the board again; and, during a private round, how many cards each team has written (the
 * projector never receives a team's board, so the server counts for it).
 *
 * Each control is checked here, then written to the room document through rooms.change.
 * Every check runs before anything is written: a refusal (a `RuleError`, rules.ts) changes
 * nothing.
 */
import type * as Y from 'yjs';
import { cardsOf, listCards } from '../collab/cards';
import { roomDocName, stageDocName, teamDocName } from '../collab/doc-names';
import { readPolls } from '../collab/polls';
import {
	countUnrevealed,
	pageIndex,
	pollOnProjector,
	readProjectorView,
	writeProjectorView,
	writeUnrevealed,
	type ProjectorView
} from '../collab/projector';
import { writeStageState } from '../collab/room';
import { requireStage } from './live';
import * as rooms from './rooms';
import { RuleError } from './rules';
import * as workshops from './workshops';

/** How far the page number may wander; the projector counts round the pages it has. */
const MAX_PAGE = 999;

/** Hides a stage's board from the projector (a private moment), or shows it again. */
export async function setHidden(workshopId: string, stageKey: string, hidden: boolean) {
	await requireStage(workshopId, stageKey);
	await rooms.change(roomDocName(workshopId), (doc) =>
		writeStageState(doc, stageKey, { hiddenFromProjector: hidden })
	);
}

async function changeView(
	workshopId: string,
	stageKey: string,
	next: (view: ProjectorView, doc: Y.Doc) => void
) {
	await rooms.change(roomDocName(workshopId), (doc) => next(readProjectorView(doc, stageKey), doc));
}

/** Puts a term of the stage on the projector; null lets the projector follow the typing. */
export async function focusTerm(workshopId: string, stageKey: string, termId: string | null) {
	await requireStage(workshopId, stageKey);
	if (termId !== null) {
		const isTerm = await rooms.read(
			stageDocName(workshopId, stageKey),
			(doc) => cardsOf(doc).get(termId)?.get('type') === 'term'
		);
		if (!isTerm) throw new RuleError('This stage has no such term on its board.', 404);
	}
	await changeView(workshopId, stageKey, (view, doc) =>
		writeProjectorView(doc, { ...view, termId, page: 0 })
	);
}

/**
 * The next page (step 1) or the previous one (step -1) of the stage's work. On Shared terms
 * the pages are the terms: the next term is put in focus (the first after "follow the typing").
 */
export async function turnPage(workshopId: string, stageKey: string, step: 1 | -1) {
	const stage = await requireStage(workshopId, stageKey);
	if (stage.kind === 'shared-terms') {
		const terms = await rooms.read(stageDocName(workshopId, stageKey), (doc) =>
			listCards(doc, 'term').map((t) => t.id)
		);
		if (terms.length === 0) throw new RuleError('This stage has no terms yet.', 409);
		await changeView(workshopId, stageKey, (view, doc) => {
			const at = view.termId === null ? -1 : terms.indexOf(view.termId);
			const next =
				at < 0 ? (step === 1 ? 0 : terms.length - 1) : pageIndex(at + step, terms.length);
			writeProjectorView(doc, { ...view, termId: terms[next]!, page: 0 });
		});
		return;
	}
	await changeView(workshopId, stageKey, (view, doc) =>
		writeProjectorView(doc, {
			...view,
			page: Math.max(-MAX_PAGE, Math.min(MAX_PAGE, view.page + step))
		})
	);
}

/** The revealed result on the projector makes way for the board. */
export async function showBoard(workshopId: string, stageKey: string) {
	await requireStage(workshopId, stageKey);
	const [polls, view] = await rooms.read(
		roomDocName(workshopId),
		(doc) => [readPolls(doc), readProjectorView(doc, stageKey)] as const
	);
	const shown = pollOnProjector(polls, stageKey, view);
	if (!shown) throw new RuleError('No result is on the projector: it shows the board.', 409);
	if (shown.status !== 'revealed') {
		throw new RuleError(
			'A vote is on: the projector shows its turnout until the result is revealed.',
			409
		);
	}
	await changeView(workshopId, stageKey, (current, doc) =>
		writeProjectorView(doc, { ...current, resultPutAway: shown.id })
	);
}

/**
 * Counts again, per team, the cards of the stage's private round that are not revealed yet,
 * and writes them to the room when they changed. Called after every card added to or removed
 * from a team board, and after a private round starts or is revealed.
 */
export async function refreshUnrevealed(workshopId: string, stageKey: string): Promise<void> {
	const teams = await workshops.teams(workshopId);
	const teamCards = await Promise.all(
		teams.map((team) =>
			rooms.read(teamDocName(workshopId, stageKey, team.id), (doc) => ({
				teamId: team.id,
				cardIds: [...cardsOf(doc).keys()]
			}))
		)
	);
	const onStage = await rooms.read(
		stageDocName(workshopId, stageKey),
		(doc) => new Set(cardsOf(doc).keys())
	);
	const counts = countUnrevealed(teamCards, onStage);
	await rooms.change(roomDocName(workshopId), (doc) => writeUnrevealed(doc, stageKey, counts));
}
