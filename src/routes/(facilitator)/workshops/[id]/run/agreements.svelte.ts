/**
 * The agreement register as the console sees it: read live from the room document (the server
 * mirrors every change there), and changed only through the workshop's agreement endpoints.
 * A refusal comes back in the server's own words, so a form can show it and keep its values.
 */
import type * as Y from 'yjs';
import { EVIDENCE_KINDS } from '$lib/schemas/agreements';
import { consoleSend } from '$lib/client/requests';
import {
	agreementsOf,
	readAgreements,
	type Evidence,
	type RegisterEntry
} from '$lib/collab/agreements';

export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const KIND_LABELS: Record<EvidenceKind | 'calibration', string> = {
	quote: 'Customer quote',
	'lost-deal': 'Lost-deal reason',
	figure: 'Conversion figure',
	other: 'Other',
	calibration: 'Calibration result'
};

export { EVIDENCE_KINDS };

export type { Evidence, RegisterEntry };

export interface NewAgreement {
	statement: string;
	ownerTeamId: string | null;
	ownerName: string | null;
	dueDate: string | null;
	metric: string | null;
	stageKey: string | null;
	sourceItemId: string | null;
	evidence: Evidence[];
}

export class AgreementRegister {
	/** In the order this screen first saw them (the map itself has no order). */
	entries = $state.raw<RegisterEntry[]>([]);
	#order: string[] = [];
	#detach: () => void;

	constructor(doc: Y.Doc) {
		const map = agreementsOf(doc);
		const read = () => {
			const byId = Object.fromEntries(readAgreements(doc).entries);
			this.#order = this.#order.filter((id) => id in byId);
			for (const id of Object.keys(byId)) if (!this.#order.includes(id)) this.#order.push(id);
			this.entries = this.#order.map((id) => byId[id]!);
		};
		map.observe(read);
		read();
		this.#detach = () => map.unobserve(read);
	}

	get withEvidence(): number {
		return this.entries.filter((e) => e.hasEvidence || e.evidence.length > 0).length;
	}

	destroy(): void {
		this.#detach();
	}
}

/** Each resolves once the server has recorded it, and throws a refusal in its words. */
export function createAgreement(workshopId: string, input: NewAgreement): Promise<unknown> {
	return consoleSend('POST', `/api/workshops/${workshopId}/agreements`, input);
}

export function addEvidence(
	workshopId: string,
	agreementId: string,
	evidence: Evidence
): Promise<unknown> {
	return consoleSend(
		'POST',
		`/api/workshops/${workshopId}/agreements/${encodeURIComponent(agreementId)}/evidence`,
		evidence
	);
}
