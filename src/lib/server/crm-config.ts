/**
 * CRM configuration from a charter: only from the version in force, the newest one every
 * invited leader signed, and only while its stored text still matches the signed hash. A
 * version not signed yet, or one a newer signed version replaced, is refused with the reason,
 * so a CRM never receives terms nobody signed or terms the leaders have since changed.
 */
import { fail } from '@sveltejs/kit';
import { exportFile, type ExportKind } from '../domain/lifecycle/exports';
import { CrmUploadError, dryRun, type FileCheck, type Upload } from '../domain/lifecycle/dry-run';
import { lifecycleOf, UnreadableCharterError, type Lifecycle } from '../domain/lifecycle/model';
import { openFacts } from '../domain/lifecycle/open-facts';
import * as charters from './charter';
import { failRefusal } from './refusals';
import { RuleError } from './rules';

const verifyUrl = (origin: string, versionId: string) => `${origin}/verify/${versionId}`;

/** The lifecycle of a version, if it is the signed version in force; RuleError otherwise. */
export async function signedLifecycle(
	workshopId: string,
	versionId: string,
	origin: string
): Promise<Lifecycle> {
	const found = await charters.verify(versionId);
	if (!found || found.version.workshopId !== workshopId) {
		throw new RuleError('This charter has no such version.', 404);
	}
	const { version } = found;
	const signed = await charters.latestSigned(workshopId);
	if (!signed || signed.number < version.number) {
		throw new RuleError(
			`Version ${version.number} is not signed by every leader yet. CRM configuration comes only from a signed version.`,
			409
		);
	}
	if (signed.id !== version.id) {
		throw new RuleError(
			`Version ${version.number} was replaced by version ${signed.number}, which the leaders signed. Export version ${signed.number}.`,
			409
		);
	}
	if (!found.isContentIntact) {
		throw new RuleError(
			`The stored text of version ${version.number} no longer matches the hash the leaders signed, so it cannot configure a CRM.`,
			409
		);
	}
	return lifecycleOf(version, verifyUrl(origin, version.id));
}

/**
 * The version a CRM may be configured from now, or null before any version is signed, with
 * the lifecycle facts it leaves undefined, each saying where the room sets it.
 */
export async function exportableVersion(workshopId: string) {
	const signed = await charters.latestSigned(workshopId);
	if (!signed) return null;
	let open: string[] = [];
	try {
		// The link is not part of what is open; the downloads name the real one.
		open = openFacts(lifecycleOf(signed, 'about:blank'));
	} catch (e) {
		if (!(e instanceof UnreadableCharterError)) throw e;
	}
	return { id: signed.id, number: signed.number, hash: signed.hash, openFacts: open };
}

export async function download(
	workshopId: string,
	versionId: string,
	kind: ExportKind,
	origin: string
) {
	return exportFile(kind, await signedLifecycle(workshopId, versionId, origin));
}

/** Compares uploaded CRM configuration with the signed version in force; keeps nothing. */
export async function check(
	workshopId: string,
	files: Upload[],
	origin: string
): Promise<{ versionNumber: number; files: FileCheck[] }> {
	const signed = await charters.latestSigned(workshopId);
	if (!signed) {
		throw new RuleError(
			'No version of this charter is signed yet: there is nothing to compare your CRM with.',
			409
		);
	}
	const model = await signedLifecycle(workshopId, signed.id, origin);
	return { versionNumber: signed.number, files: await dryRun(files, model) };
}

/**
 * The `checkCrm` form action both charter pages share (each checks who may use it first):
 * the dry run's result, or a 400/409 with the reason. The files are read in memory only.
 */
export async function checkAction(request: Request, workshopId: string, origin: string) {
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		return fail(400, { crmError: 'The upload could not be read. Choose the file again.' });
	}
	const files = form.getAll('configuration').filter((f): f is File => f instanceof File);
	try {
		return { crmCheck: await check(workshopId, files, origin) };
	} catch (e) {
		if (e instanceof CrmUploadError) return fail(400, { crmError: e.message });
		return failRefusal(e, (refusal) => ({ crmError: refusal.message }));
	}
}
