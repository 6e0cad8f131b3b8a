/**
 * The charter, imported as one namespace (`import * as charters from '$lib/server/charter'`).
 */
export * from './versions';
