/**
 * Who still has to sign, in which order, and the status of a charter as leadership sees it.
 * Pure rules: the server feeds them rows, the pages and the overview show the answers.
 */

export interface Signer {
	inviteId: string;
	name: string;
	/** Optional signing order: lower numbers sign first; null signs at any time. */
	order: number | null;
	hasSigned: boolean;
}

/**
 * The signers who must sign before this one may: everyone with a lower order number who has
 * not signed yet (e.g. both function heads before the executive sponsor).
 */
export function mustWaitFor(signers: readonly Signer[], inviteId: string): Signer[] {
	const me = signers.find((s) => s.inviteId === inviteId);
	if (!me || me.order === null) return [];
	return signers.filter(
		(s) => s.inviteId !== inviteId && s.order !== null && s.order < me.order! && !s.hasSigned
	);
}

export const CHARTER_STATUSES = [
	'draft',
	'in-review',
	'changes-requested',
	'signed',
	'superseded'
] as const;
export type CharterStatus = (typeof CHARTER_STATUSES)[number];

export const STATUS_LABELS: Record<CharterStatus, string> = {
	draft: 'Draft',
	'in-review': 'In review',
	'changes-requested': 'Changes requested',
	signed: 'Signed',
	superseded: 'Superseded'
};

/**
 * A version's status: superseded once a newer one is published; signed once every invited
 * leader signed it; changes requested while a leader's request on it stands; in review
 * otherwise. A charter with no published version is a draft.
 */
export function versionStatus(input: {
	isPublished: boolean;
	isSuperseded: boolean;
	signers: readonly Signer[];
	hasChangeRequest: boolean;
}): CharterStatus {
	if (!input.isPublished) return 'draft';
	if (input.isSuperseded) return 'superseded';
	if (input.signers.length > 0 && input.signers.every((s) => s.hasSigned)) return 'signed';
	if (input.hasChangeRequest) return 'changes-requested';
	return 'in-review';
}
