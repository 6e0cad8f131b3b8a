import { error } from '@sveltejs/kit';
import * as charters from '$lib/server/charter';
import type { PageServerLoad } from './$types';

/**
 * Public: anyone holding a charter's verification link (printed on every export) can check
 * that the stored text still hashes to the fingerprint that was signed. Everything shown is
 * recomputed from storage on each request; nothing is cached. The trail is shown as who did
 * what and when: what leaders wrote in their reviews stays with the facilitator.
 */
export const load: PageServerLoad = async ({ params, setHeaders }) => {
	const verification = await charters.verify(params.versionId);
	if (!verification) error(404, 'No published charter version has this address.');
	setHeaders({ 'cache-control': 'no-store' });
	const { version, latest } = verification;
	return {
		version: {
			id: version.id,
			number: version.number,
			hash: version.hash,
			title: version.content.title,
			organisation: version.content.organisation,
			publishedAt: version.publishedAt.toISOString(),
			isSuperseded: version.supersededAt !== null
		},
		latest: latest && latest.id !== version.id ? { id: latest.id, number: latest.number } : null,
		recomputedHash: verification.recomputedHash,
		isContentIntact: verification.isContentIntact,
		publishedHash: verification.publishedHash,
		signatures: verification.signatures.map((s) => ({
			name: s.name,
			title: s.title,
			status: s.status,
			fullName: s.fullName,
			signedTitle: s.signedTitle,
			hashShown: s.hashShown,
			signedAt: s.signedAt?.toISOString() ?? null,
			matchesContent: s.matchesContent
		})),
		chain: verification.chain,
		events: verification.events.map((e) => ({
			seq: e.seq,
			kind: e.kind,
			at: e.at,
			actor: e.actor,
			versionId: e.versionId,
			hash: e.hash,
			number: typeof e.data.number === 'number' ? e.data.number : null
		}))
	};
};
