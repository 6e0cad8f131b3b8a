import { error, redirect } from '@sveltejs/kit';
import { isSha256Hex } from '$lib/domain/charter/canon';
import * as charters from '$lib/server/charter';
import type { PageServerLoad } from './$types';

/** Verification by fingerprint: the version(s) published with this SHA-256. */
export const load: PageServerLoad = async ({ params }) => {
	const hash = params.hash.toLowerCase();
	if (!isSha256Hex(hash)) error(400, 'A fingerprint is 64 hexadecimal characters (SHA-256).');
	const found = await charters.versionsByHash(hash);
	if (found.length === 0) error(404, 'No published charter version has this fingerprint.');
	if (found.length === 1) redirect(303, `/verify/${found[0]!.id}`);
	return {
		hash,
		versions: found.map((v) => ({
			id: v.id,
			number: v.number,
			title: v.content.title,
			publishedAt: v.publishedAt.toISOString()
		}))
	};
};
