/** Exports of a published charter version. */
export * from './pdf';
