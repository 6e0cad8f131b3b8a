/**
 * The published JSON Schema of the template file (static/schema/template-v1.json), generated
 * from the valibot schema the import uses, so the two cannot drift: a test compares this
 * output with the published file. Run `npx tsx scripts/template-schema.ts` after changing
 * src/lib/schemas/template-file.ts.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import { templateFileSchema } from '../src/lib/schemas/template-file';

export const TEMPLATE_SCHEMA_PATH = 'static/schema/template-v1.json';

export function templateJsonSchema(): Record<string, unknown> {
	const generated = toJsonSchema(templateFileSchema) as Record<string, unknown>;
	return {
		$schema: 'http://json-schema.org/draft-07/schema#',
		...generated,
		$id: '/schema/template-v1.json',
		title: 'Common Ground workshop template, version 1',
		description:
			'A workshop template: its teams and stages (prompt, timebox) and what the Shared terms and Connections boards start with. Beyond this schema, an import also refuses: a stage key or team name given twice (team names ignoring case), terms on a stage that is not shared-terms, a journey on a stage that is not connections, a step owner that is not one of the teams, and a file over 256 KB.'
	};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	writeFileSync(TEMPLATE_SCHEMA_PATH, JSON.stringify(templateJsonSchema(), null, '\t') + '\n');
	console.log(`wrote ${TEMPLATE_SCHEMA_PATH}`);
}
