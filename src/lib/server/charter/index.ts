/**
 * The charter of a workshop, imported as one namespace
 * (`import * as charters from '$lib/server/charter'`):
 *
 * - draft.ts: the draft, compiled from the workshop (compile.ts, with calibration.ts for the
 *   calibration section) and edited by the facilitator;
 * - versions.ts: publishing frozen versions, reading them, their signature lines;
 * - audit.ts: the hash chain of events; verify.ts: what a version's verification recomputes;
 * - follow-up.ts: the signed charter's measures and their recorded values;
 * - rules.ts: the version and transaction types.
 *
 * Every refusal is a `RuleError` (src/lib/server/rules.ts).
 *
 * Leaders' invitations, reviews and signatures are their own namespace (leaders.ts), the
 * guards of the charter's pages are guards.ts, and the exports of a version are export/.
 *
 * Every change that matters to a signer (publishing, superseding, reviews, signatures,
 * invitations, interventions) appends an event to the hash chain in the same transaction as
 * the change itself, so the trail cannot miss an event that happened.
 */
export { appendEvent, events, recordIntervention } from './audit';
export { draft, edit, includeCompiled, recompile } from './draft';
export { followUp, recordMeasure, type FollowUpLine } from './follow-up';
export { type Tx, type Version } from './rules';
export { verify, type Verification } from './verify';
export {
	activeInvites,
	current,
	latestSigned,
	publish,
	signatures,
	version,
	versions,
	versionsByHash,
	type SignatureLine
} from './versions';
