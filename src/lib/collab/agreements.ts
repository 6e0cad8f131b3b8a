/**
 * The agreement register as the server mirrors it into the room document
 * (ROOM_KEYS.agreements: agreement id → RegisterEntry), read by every screen.
 */
import type { AgreementOutcome } from '../domain/polls';
import type { EVIDENCE_KINDS } from '../schemas/agreements';

export interface Evidence {
	/** `calibration`: a revealed calibration round's result, cited by `roundId`. */
	kind: (typeof EVIDENCE_KINDS)[number] | 'calibration';
	text: string;
	source: string;
	roundId?: string | null;
}

export interface RegisterEntry {
	id: string;
	statement: string;
	ownerTeamId: string | null;
	ownerName: string | null;
	dueDate: string | null;
	metric: string | null;
	stageKey: string | null;
	sourceItemId: string | null;
	status: 'proposed' | 'adopted' | 'rejected';
	evidence: Evidence[];
	hasEvidence: boolean;
	/** The latest revealed consent poll on it (counts where allowed, reasons, dissent). */
	outcome: AgreementOutcome | null;
}
