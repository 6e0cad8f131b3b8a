import { error, json, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { MAX_FILE_BYTES } from '$lib/domain/calibration/fields';
import { parseJson, readJson, requireFacilitatorOf } from '$lib/server/api';
import * as calibration from '$lib/server/calibration';
import { throwRefusal } from '$lib/server/refusals';
import { columnMappingSchema, typedLeadSchema } from '$lib/schemas/calibration';
import type { RequestHandler } from './$types';

const TOO_LARGE =
	'The file is larger than 1 MiB. A sample of 10 to 40 leads fits in far less: remove the columns and lines you do not need.';

/** The uploaded file's bytes and the mapping sent with it (multipart/form-data). */
async function readUpload(event: RequestEvent) {
	let form: FormData;
	try {
		form = await event.request.formData();
	} catch (e) {
		// The server's own limit on request bodies (BODY_SIZE_LIMIT) is reached only by files
		// far beyond 1 MiB; say the same as for those just above it.
		if ((e as { status?: number }).status === 413) error(413, TOO_LARGE);
		error(400, 'The upload could not be read: send the file as multipart/form-data.');
	}
	const file = form.get('file');
	if (!(file instanceof File)) error(400, 'Choose a CSV file to upload (the field "file").');
	if (file.size > MAX_FILE_BYTES) error(413, TOO_LARGE);
	let mapping: v.InferOutput<typeof columnMappingSchema> = {};
	const rawMapping = form.get('mapping');
	if (typeof rawMapping === 'string' && rawMapping.trim()) {
		mapping = parseJson(rawMapping, columnMappingSchema, 'The column mapping is not valid JSON.');
	}
	return {
		bytes: new Uint8Array(await file.arrayBuffer()),
		mapping,
		isPreview: form.get('preview') === '1'
	};
}

/**
 * Leads in: a CSV upload (multipart: `file`, optional `mapping` as JSON column → field or
 * "drop", and `preview=1` to analyse the columns without storing anything), or one lead typed
 * in (JSON: `reference`, `fields`).
 */
export const POST: RequestHandler = async (event) => {
	await requireFacilitatorOf(event, event.params.id, 'poll.manage');
	const { id, stageKey } = event.params;
	const type = event.request.headers.get('content-type') ?? '';
	try {
		if (type.startsWith('multipart/form-data')) {
			const upload = await readUpload(event);
			if (upload.isPreview) {
				return json(await calibration.preview(id, stageKey, upload.bytes));
			}
			const leads = await calibration.importFile(id, stageKey, upload.bytes, upload.mapping);
			return json({ leads }, { status: 201 });
		}
		const input = await readJson(event, typedLeadSchema);
		return json({ lead: await calibration.addLead(id, stageKey, input) }, { status: 201 });
	} catch (e) {
		throwRefusal(e);
	}
};
