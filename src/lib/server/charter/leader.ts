/**
 * A leader's invitation as stored, how a leader is named (on the charter, in its audit trail,
 * on the overview), and whom the signing order still asks to sign first. Its own module so
 * that the leaders namespace and the modules behind it (signing, leadership) import it
 * without importing each other.
 */
import { mustWaitFor } from '../../domain/charter/signing';
import type { leaderInvite } from '../db/schema';
import type { SignatureLine } from './versions';

export type Invite = typeof leaderInvite.$inferSelect;

export const leaderLabel = (l: { name: string; title: string }) => `${l.name}, ${l.title}`;

/** The leaders the signing order asks to sign before this invitation's leader (void lines left out). */
export function mustSignFirst(lines: SignatureLine[], inviteId: string) {
	return mustWaitFor(
		lines
			.filter((l) => l.status !== 'void')
			.map((l) => ({
				inviteId: l.inviteId,
				name: l.name,
				order: l.signingOrder,
				hasSigned: l.status === 'signed'
			})),
		inviteId
	);
}
