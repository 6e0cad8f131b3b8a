/**
 * What the database holds of a shared document, read straight from its tables (snapshot plus
 * log), with no server in between: a test can tell "committed" from "still in some process's
 * memory". With PGlite the server must not be running (one process per data directory).
 */
import { sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { rowsOf } from '../../src/lib/server/db';
import { openDatabase } from '../../src/lib/server/db/open';
import type { TestDatabase } from './databases';

/** Every stored document named in `docNames`, each rebuilt into a Y.Doc. */
export async function readStoredDocs(
	database: TestDatabase | { options: TestDatabase['options'] },
	docNames: string[]
): Promise<Map<string, Y.Doc>> {
	const opened = await openDatabase({ ...database.options, migrationsDir: 'drizzle' });
	try {
		const docs = new Map<string, Y.Doc>();
		for (const name of docNames) {
			const result = await opened.db.execute(sql`
				select data, 0 as part, seq from yjs_snapshot where doc_name = ${name}
				union all
				select data, 1 as part, seq from yjs_update where doc_name = ${name}
				order by part, seq`);
			const doc = new Y.Doc();
			// In the order the server applies them: the snapshot, then the log by sequence.
			for (const row of rowsOf<{ data: Uint8Array }>(result)) Y.applyUpdate(doc, row.data);
			docs.set(name, doc);
		}
		return docs;
	} finally {
		await opened.close();
	}
}
