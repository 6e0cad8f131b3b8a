/** The lifecycle itself as JSON and YAML, for any CRM or script that reads the open schema. */
import { stringify } from 'yaml';
import type { Lifecycle } from './model';
import { assertLifecycleJson } from './validate';
import { json, stampLines } from './export-stamp';

export function lifecycleJson(m: Lifecycle): string {
	assertLifecycleJson(m);
	return json(m);
}

export function lifecycleYaml(m: Lifecycle): string {
	assertLifecycleJson(m);
	const head = [
		'# Lead lifecycle of a signed Common Ground charter (schema: /schema/lifecycle-v1.json).',
		...stampLines(m).map((l) => `# ${l}`)
	].join('\n');
	return `${head}\n${stringify(m, { lineWidth: 0 })}`;
}
