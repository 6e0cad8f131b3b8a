/**
 * The agreement register as the server mirrors it into the room document
 * (ROOM_KEYS.agreements: agreement id → RegisterEntry), read by every screen. The entry's
 * shape is the schema below, its type inferred from it; `readAgreements` is the one reader
 * and `writeAgreements` the one writer (src/lib/server/agreements.ts).
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import type { AgreementOutcome } from '../domain/polls';
import { EVIDENCE_KINDS } from '../schemas/agreements';
import { ROOM_KEYS } from './room';

const evidenceSchema = v.object({
	/** `calibration`: a revealed calibration round's result, cited by `roundId`. */
	kind: v.picklist([...EVIDENCE_KINDS, 'calibration']),
	text: v.string(),
	source: v.string(),
	roundId: v.optional(v.nullable(v.string()))
});
export type Evidence = v.InferOutput<typeof evidenceSchema>;

const countsSchema = v.nullable(v.record(v.string(), v.number()));

const outcomeSchema = v.object({
	pollId: v.string(),
	passed: v.boolean(),
	k: v.optional(v.number()),
	overallPasses: v.optional(v.nullable(v.boolean())),
	rule: v.string(),
	voters: v.number(),
	counts: countsSchema,
	teams: v.array(
		v.object({
			teamId: v.string(),
			voters: v.number(),
			counts: countsSchema,
			passes: v.nullable(v.boolean())
		})
	),
	reasons: v.array(v.string()),
	dissent: v.object({
		overall: v.nullable(v.number()),
		teams: v.array(v.object({ teamId: v.string(), objections: v.number() }))
	}),
	revealedAt: v.string()
});
// The outcome is the polls' domain type (it goes into the charter too): the schema must read as it.
const outcomeIsDomain: AgreementOutcome = {} as v.InferOutput<typeof outcomeSchema>;
void outcomeIsDomain;

export const registerEntrySchema = v.object({
	id: v.string(),
	statement: v.string(),
	ownerTeamId: v.nullable(v.string()),
	ownerName: v.nullable(v.string()),
	dueDate: v.nullable(v.string()),
	metric: v.nullable(v.string()),
	stageKey: v.nullable(v.string()),
	sourceItemId: v.nullable(v.string()),
	status: v.picklist(['proposed', 'adopted', 'rejected']),
	evidence: v.array(evidenceSchema),
	hasEvidence: v.boolean(),
	/** The latest revealed consent poll on it (counts where allowed, reasons, dissent). */
	outcome: v.nullable(outcomeSchema)
});
export type RegisterEntry = v.InferOutput<typeof registerEntrySchema>;

export interface AgreementsRead {
	/** agreement id → entry, in the map's order. */
	entries: Map<string, RegisterEntry>;
	/** Ids of entries this release cannot read (a newer release's, or damaged). */
	unknown: string[];
}

/** The map to observe for changes of the register. */
export function agreementsOf(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap<unknown>(ROOM_KEYS.agreements);
}

/** Every entry of the register, checked. */
export function readAgreements(doc: Y.Doc): AgreementsRead {
	const read: AgreementsRead = { entries: new Map(), unknown: [] };
	agreementsOf(doc).forEach((value, id) => {
		const result = v.safeParse(registerEntrySchema, value);
		if (result.success) read.entries.set(id, result.output);
		else read.unknown.push(id);
	});
	return read;
}

/** Server side, inside a change: the room's register becomes exactly these entries. */
export function writeAgreements(doc: Y.Doc, entries: readonly RegisterEntry[]): void {
	const map = agreementsOf(doc);
	for (const key of [...map.keys()]) if (!entries.some((e) => e.id === key)) map.delete(key);
	for (const entry of entries) map.set(entry.id, entry);
}
