/**
 * What every CRM export file shares: the charter stamp (title, version, SHA-256, verification
 * URL) that lets an admin prove a configuration is the signed one, and the small text helpers
 * the formats have in common.
 */
import type { Lifecycle, Maybe } from './model';

export const stampLines = (m: Lifecycle) => [
	`Charter: ${m.charter.title}`,
	`Version: ${m.charter.version} (published ${m.charter.publishedAt})`,
	`SHA-256: ${m.charter.sha256}`,
	`Verify: ${m.charter.verificationUrl}`
];

export const stampObject = (m: Lifecycle) => ({
	charter: m.charter.title,
	version: m.charter.version,
	sha256: m.charter.sha256,
	verificationUrl: m.charter.verificationUrl
});

export const json = (value: unknown) => `${JSON.stringify(value, null, '\t')}\n`;

export const valueOr = <T>(m: Maybe<T>, show: (v: T) => string) =>
	m.defined ? show(m.value) : `not defined (${m.reason})`;

/** A name safe in HubSpot and Salesforce API names: letters, digits, single underscores. */
export function apiName(text: string, max = 30): string {
	const base = text
		.normalize('NFKD')
		.replace(/[^A-Za-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '')
		.slice(0, max)
		.replace(/_+$/, '');
	return /^[A-Za-z]/.test(base) ? base : `F_${base}`.slice(0, max);
}

export const slaText = (h: Lifecycle['handoffs'][number]) =>
	h.hours.defined
		? `${h.hours.value} hours, ${valueOr(h.hoursBasis, (v) => `${v} hours`)}`
		: valueOr(h.hours, String);

export const fileName = (m: Lifecycle) =>
	`charter-v${m.charter.version}-${m.charter.sha256.slice(0, 8)}`;
