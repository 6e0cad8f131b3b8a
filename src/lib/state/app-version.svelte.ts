/**
 * Whether this page is older than the server it talks to, and what it keeps for after the
 * reload that fixes that.
 *
 * Two signals say a new version is out: SvelteKit's own poll of `/_app/version.json`
 * (`updated` from `$app/state`, every `version.pollInterval`), and the realtime server refusing
 * a document with close code 4426 because the page was built for other document shapes
 * (src/lib/collab/compat.ts). Either way the page shows "A new version … Reload"
 * (components/ui/NewVersion.svelte) and never reloads by itself: someone mid-sentence decides.
 *
 * What a refused document held on this device (typing done offline while the server was being
 * replaced, say) is kept in sessionStorage as a Yjs update, and merged into the fresh copy once
 * the reloaded page has synced it, so it reaches the server then. Yjs applies only what the
 * server lacks; the server checks it like any other edit.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';

export const appVersion = $state({ isOutdated: false });

const KEPT_PREFIX = 'cg:kept-for-reload:';

/** Keeps `doc`'s content for the page that replaces this one (same tab). */
export function keepForReload(docName: string, doc: Y.Doc): void {
	appVersion.isOutdated = true;
	try {
		sessionStorage.setItem(KEPT_PREFIX + docName, toBase64(Y.encodeStateAsUpdate(doc)));
	} catch {
		// No storage (private mode, full): the reload then shows the server's copy only.
	}
}

/**
 * Merges into `doc` what an older page of this tab kept for it, once; returns whether there
 * was anything. Call it after `doc` has synced with the server.
 */
export function restoreKept(docName: string, doc: Y.Doc): boolean {
	let kept: string | null = null;
	try {
		kept = sessionStorage.getItem(KEPT_PREFIX + docName);
		if (kept !== null) sessionStorage.removeItem(KEPT_PREFIX + docName);
	} catch {
		return false;
	}
	if (kept === null) return false;
	try {
		Y.applyUpdate(doc, fromBase64(kept), 'kept-for-reload');
		return true;
	} catch {
		// Damaged or from shapes this build cannot read: the server's copy stands.
		return false;
	}
}
