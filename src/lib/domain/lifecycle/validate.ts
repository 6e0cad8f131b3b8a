/**
 * Every lifecycle export is checked against the published JSON Schema
 * (`static/schema/lifecycle-v1.json`) before it leaves the server, with Ajv, so the file a CRM
 * admin downloads is the shape the schema promises, not only the shape our types believe in.
 */
import { Ajv } from 'ajv';
import schema from '../../../../static/schema/lifecycle-v1.json';

export const lifecycleJsonSchema = schema;

const check = new Ajv({ allErrors: true, strict: true }).compile(schema);

export class LifecycleSchemaError extends Error {}

/** Throws with every violation listed when the value does not match lifecycle-v1. */
export function assertLifecycleJson(value: unknown): void {
	if (check(value)) return;
	const problems = (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
	throw new LifecycleSchemaError(`The lifecycle does not match its schema: ${problems.join('; ')}`);
}

/** The violations, for tests that show the schema refuses a broken model. */
export function lifecycleSchemaErrors(value: unknown): string[] {
	return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
