/**
 * Calibration stages in the room document: ROOM_KEYS.calibration holds, per stage key, the
 * sample of leads, the categories and the lead the facilitator opened for discussion. Only the
 * server writes it (src/lib/server/calibration.ts). The rounds themselves are polls of kind
 * `classification` in ROOM_KEYS.polls, and their results are in ROOM_KEYS.results.
 */
import type * as Y from 'yjs';
import type { Lead } from '../domain/calibration/fields';
import type { PollOption } from '../domain/polls';
import { ROOM_KEYS } from './room';

export interface CalibrationView {
	stageKey: string;
	leads: Lead[];
	categories: PollOption[];
	focusLeadId: string | null;
	/** The leads are fixed: a round has been opened. */
	isFrozen: boolean;
}

export function readCalibration(doc: Y.Doc): Record<string, CalibrationView> {
	const views: Record<string, CalibrationView> = {};
	doc.getMap<CalibrationView>(ROOM_KEYS.calibration).forEach((view, stageKey) => {
		if (view && typeof view === 'object' && Array.isArray(view.leads)) views[stageKey] = view;
	});
	return views;
}

/** Server side. */
export function writeCalibration(doc: Y.Doc, view: CalibrationView): void {
	doc.getMap<CalibrationView>(ROOM_KEYS.calibration).set(view.stageKey, view);
}
