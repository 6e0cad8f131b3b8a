/**
 * HubSpot request bodies for a signed charter. HubSpot refuses unknown keys in a body, so each
 * body is wrapped in an envelope (`charter`, `request`): a script sends `request.body` to
 * `request.method request.path`.
 */
import { definedStages, leadStatuses, requiredFieldsByStage, type Lifecycle } from './model';
import { assertLifecycleJson } from './validate';
import { apiName, json, slaText, stampLines, stampObject, valueOr } from './export-stamp';

/** The HubSpot reference the request bodies follow, as the README states it. */
export const HUBSPOT_REFERENCE = {
	api: 'HubSpot CRM API v3 (Pipelines, Properties)',
	read: '2026-12-03',
	pipelinesGuideModified: '2025-11-18',
	urls: [
		'https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/guide',
		'https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/patch-crm-v3-properties-objectType-propertyName'
	]
} as const;

const propertyName = (field: string) => `cg_${apiName(field, 40).toLowerCase()}`;

/** One JSON file: the charter it comes from, and the one call to send. */
const requestFile = (m: Lifecycle, method: 'POST' | 'PATCH', path: string, body: object) => ({
	...stampObject(m),
	request: { method, path, body }
});

export function hubspotFiles(m: Lifecycle): Record<string, string> {
	assertLifecycleJson(m);
	const stages = definedStages(m);
	const statuses = leadStatuses(m);
	const required = requiredFieldsByStage(m);
	const pipeline = requestFile(m, 'POST', '/crm/v3/pipelines/contacts', {
		label: `Lead lifecycle (charter v${m.charter.version})`,
		displayOrder: 0,
		stages: stages.map((s, i) => ({ label: s.label, displayOrder: i, metadata: {} }))
	});
	const leadStatus = requestFile(m, 'PATCH', '/crm/v3/properties/contacts/hs_lead_status', {
		options: statuses.map((s, i) => ({
			label: s.label,
			value: s.value,
			displayOrder: i,
			hidden: false,
			description: `From charter v${m.charter.version} (${m.charter.sha256.slice(0, 12)})`
		}))
	});
	const properties = {
		...requestFile(m, 'POST', '/crm/v3/properties/contacts/batch/create', {
			inputs: required.map((r) => ({
				name: propertyName(r.field),
				label: r.field,
				type: 'string',
				fieldType: 'text',
				groupName: 'contactinformation',
				description: `Required from ${r.stage.label} on (charter v${m.charter.version})`
			}))
		}),
		requiredByStage: stages.map((s) => ({
			stage: s.label,
			properties: required.filter((r) => r.stage.key === s.key).map((r) => propertyName(r.field))
		}))
	};
	const lines = [
		'# HubSpot configuration from a signed charter',
		'',
		...stampLines(m).map((l) => `- ${l}`),
		'',
		`Based on the ${HUBSPOT_REFERENCE.api} public reference, read on ${HUBSPOT_REFERENCE.read}`,
		`(the pipelines guide was last modified on ${HUBSPOT_REFERENCE.pipelinesGuideModified}):`,
		...HUBSPOT_REFERENCE.urls.map((u) => `- ${u}`),
		'',
		'Each JSON file holds the charter it comes from and one request. Send `request.body` as the',
		'JSON body of `request.method` `https://api.hubapi.com` + `request.path`, with a private-app',
		'token that has the `crm.schemas.contacts.write` scope.',
		'',
		'## The calls',
		'',
		`1. \`lifecycle-pipeline.json\`: \`POST /crm/v3/pipelines/contacts\` (CRM Pipelines API v3)`,
		`   creates the lifecycle pipeline with ${stages.length} stage(s): ${stages.map((s) => s.label).join(', ') || 'none defined'}.`,
		`2. \`lead-status-options.json\`: \`PATCH /crm/v3/properties/contacts/hs_lead_status\``,
		`   (CRM Properties API v3) sets the lead-status options: ${statuses.map((s) => s.label).join(', ') || 'none defined'}.`,
		'   It replaces the option list: options not in it are removed.',
		`3. \`required-properties.json\`: \`POST /crm/v3/properties/contacts/batch/create\``,
		`   (CRM Properties API v3) creates the ${required.length} field(s) the charter requires.`,
		'   `requiredByStage` lists which stage requires each one. The public reference we read has',
		'   no endpoint that marks a property required for a lifecycle stage: set that in',
		'   Settings > Objects > Contacts > Lifecycle stage, using this list.',
		'',
		'## Settings without an API call',
		'',
		`- MQL score threshold: ${valueOr(m.mqlThreshold, (v) => `${v} points`)} (set it in your lead-scoring tool).`,
		...m.handoffs.map((h) => `- SLA "${h.name}": ${slaText(h)}.`),
		...m.otherRequiredFields.map(
			(o) =>
				`- Fields asked for on "${o.term}" (not a stage, so not made required): ${o.fields.map((f) => `${f.team}: ${f.fields.join(', ')}`).join('; ')}.`
		),
		`- Attempts before return to nurture: ${valueOr(m.attemptsBeforeNurture, String)}.`,
		`- Disqualification reasons: ${valueOr(m.disqualification.reasons, (v) => v.join('; '))}.`,
		`- Recycle reasons: ${valueOr(m.recycle.reasons, (v) => v.join('; '))}.`,
		...m.stages
			.filter((s) => !s.entryCriteria.defined)
			.map((s) => `- Stage ${s.label}: not exported, ${valueOr(s.entryCriteria, String)}.`),
		''
	];
	return {
		'README.md': lines.join('\n'),
		'lifecycle-pipeline.json': json(pipeline),
		'lead-status-options.json': json(leadStatus),
		'required-properties.json': json(properties)
	};
}
