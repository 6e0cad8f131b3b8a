/**
 * The CRM configuration a signed charter becomes: HubSpot request bodies, a Salesforce
 * Metadata API package, and the lifecycle as JSON and YAML. Pure functions of the lifecycle
 * model, so the same version always gives the same bytes (zip entries carry the version's
 * publishing time, never the time of the download).
 *
 * Every file names the charter, its version, its SHA-256 and the verification URL, so an admin
 * can prove the configuration is the signed one. HubSpot bodies are wrapped in an envelope
 * (`charter`, `request`) because HubSpot refuses unknown keys in a body: a script sends
 * `request.body` to `request.method request.path`.
 *
 * Each format lives in its own file (export-hubspot, export-salesforce, export-generic) and shares
 * the stamp in export-stamp; this module bundles them into downloads.
 */
import { zipSync, strToU8 } from 'fflate';
import type { Lifecycle } from './model';
import { fileName } from './export-stamp';
import { lifecycleJson, lifecycleYaml } from './export-generic';
import { hubspotFiles } from './export-hubspot';
import { salesforceFiles } from './export-salesforce';

export { apiName } from './export-stamp';
export { lifecycleJson, lifecycleYaml } from './export-generic';
export { HUBSPOT_REFERENCE, hubspotFiles } from './export-hubspot';
export { SALESFORCE_API_VERSION, salesforceFiles } from './export-salesforce';

export interface ExportFile {
	name: string;
	type: string;
	bytes: Uint8Array;
}

function zip(files: Record<string, string>, m: Lifecycle): Uint8Array {
	const mtime = new Date(m.charter.publishedAt);
	return zipSync(
		Object.fromEntries(
			Object.entries(files)
				.sort(([a], [b]) => (a < b ? -1 : 1))
				.map(([name, body]) => [name, [strToU8(body), { mtime }]])
		),
		{ level: 6 }
	);
}

export const EXPORT_KINDS = ['hubspot', 'salesforce', 'lifecycle.json', 'lifecycle.yaml'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** One download: its file name, media type and bytes. */
export function exportFile(kind: ExportKind, m: Lifecycle): ExportFile {
	const name = fileName(m);
	switch (kind) {
		case 'hubspot':
			return {
				name: `${name}-hubspot.zip`,
				type: 'application/zip',
				bytes: zip(hubspotFiles(m), m)
			};
		case 'salesforce':
			return {
				name: `${name}-salesforce.zip`,
				type: 'application/zip',
				bytes: zip(salesforceFiles(m), m)
			};
		case 'lifecycle.json':
			return {
				name: `${name}-lifecycle.json`,
				type: 'application/json',
				bytes: strToU8(lifecycleJson(m))
			};
		case 'lifecycle.yaml':
			return {
				name: `${name}-lifecycle.yaml`,
				type: 'application/yaml',
				bytes: strToU8(lifecycleYaml(m))
			};
	}
}
