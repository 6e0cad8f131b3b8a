/**
 * Which shapes of the shared documents a build reads and writes. A page sends its build's tag
 * when it opens a document (`?schema=` on the realtime URL); a server built with another tag
 * answers with close code 4426 and "A new version … reload", so a tab left open across a
 * release never writes old shapes into a document the new release has migrated. Change the
 * tag only together with a migration of the documents it names.
 *
 * It is a string, not a number, so that it survives minification unchanged: the version-skew
 * test makes an older build by rewriting it in a copy of the built files.
 */
export const DOCUMENT_SCHEMA = 'cg-documents-1';

/** The query parameter that carries it. */
export const SCHEMA_PARAM = 'schema';

/**
 * What a page built before the check existed (it sends no tag) is taken to read and write:
 * the first shapes. Such pages are let in while the server's tag is still this one.
 */
export const UNTAGGED_SCHEMA = 'cg-documents-1';

/** What a refused page is told (the close reason; at most 123 bytes). */
export const OUTDATED_MESSAGE = 'A new version of Common Ground is available: reload the page.';
