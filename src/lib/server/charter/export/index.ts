/**
 * Exports of a published version: PDF (what a VP prints and files), Markdown, and a JSON that
 * another system (a CRM, a BI tool) can consume. Every export carries the version's
 * fingerprint and its verification URL, the signatures and a summary of the audit trail.
 *
 * Everything in a charter was typed by someone (wordings, agreements, names, titles), and a
 * signed document is where forged text would do harm, so user text stays text in every
 * export: escaped in Markdown, drawn as plain text in the PDF, a JSON string in the JSON, and
 * a field meant to be one line never breaks into several (a second line could pass for the
 * exporter's own, such as a signature). *
 * - pdf.ts: what a VP prints and files;
 * - markdown.ts: the Markdown, every line of user text escaped;
 * - json.ts: the data another system reads;
 * - shared.ts: the input, the audit trail's words, dates and signature lines all three use.
 */
export { LEARNING_APPENDIX_NOTE, oneLine, type ExportInput, type LearningEntry } from './shared';
export { markdownEscape, markdownText, toMarkdown } from './markdown';
export { toMachineJson } from './json';
export { toPdf } from './pdf';
