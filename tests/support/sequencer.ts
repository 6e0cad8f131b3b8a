/**
 * The order test files start in: the longest first, so that the run ends on short files
 * running side by side rather than on one long file running alone. Vitest does this by itself
 * once it has timed a run on this machine; a fresh clone (CI) has no such record and would
 * start the largest files first, which left three of the longest to start in the last
 * two minutes.
 *
 * The seconds are one run's, on a 2-core machine with three files at a time; only their order
 * matters. A file not listed starts after these, largest first, as Vitest would order it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SECONDS: Record<string, number> = {
	'tests/e2e/whole-workshop.test.ts': 75,
	'tests/e2e/live-workshop.test.ts': 68,
	'tests/integration/vote-anonymity.test.ts': 45,
	'tests/integration/polls.test.ts': 43,
	'tests/e2e/network-drop.test.ts': 39,
	'tests/integration/realtime-crash.test.ts': 32,
	'tests/integration/realtime-server-writes.test.ts': 31,
	'tests/integration/startup.test.ts': 30,
	'tests/integration/review-sessions.test.ts': 28,
	'tests/integration/charter-tamper.test.ts': 28,
	'tests/e2e/accessibility.test.ts': 23,
	'tests/integration/realtime-durability.test.ts': 22,
	'tests/e2e/console.test.ts': 15,
	'tests/integration/joining.test.ts': 15,
	'tests/e2e/participant-room.test.ts': 15,
	'tests/e2e/review-session.test.ts': 15,
	'tests/integration/charter.test.ts': 13,
	'tests/integration/database-outage.test.ts': 13,
	'tests/integration/auth.test.ts': 11,
	'tests/e2e/crm-evidence.test.ts': 10,
	'tests/integration/ballot-unlinkability.test.ts': 10,
	'tests/e2e/version-skew.test.ts': 9,
	'tests/e2e/projector.test.ts': 9,
	'tests/e2e/between-sessions.test.ts': 8,
	'tests/integration/prework.test.ts': 8,
	'tests/integration/workshops.test.ts': 8,
	'tests/e2e/join-flow.test.ts': 8,
	'tests/integration/seed-demo.test.ts': 7,
	'tests/integration/operations.test.ts': 7,
	'tests/e2e/slow-network.test.ts': 7,
	'tests/e2e/co-facilitation.test.ts': 6,
	'tests/integration/realtime-board-guard.test.ts': 6,
	'tests/integration/realtime-input.test.ts': 6,
	'tests/integration/co-facilitation.test.ts': 6,
	'tests/integration/document-fixtures.test.ts': 5,
	'tests/integration/people.test.ts': 5,
	'tests/e2e/agreements.test.ts': 5,
	'tests/integration/calibration.test.ts': 5
};

export default class LongestFirst extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const root = this.ctx.config.root;
		const order = new Map(
			files.map((spec) => [
				spec,
				{
					seconds: SECONDS[path.relative(root, spec.moduleId).split(path.sep).join('/')] ?? 0,
					size: fs.statSync(spec.moduleId).size
				}
			])
		);
		return [...files].sort((a, b) => {
			const [x, y] = [order.get(a)!, order.get(b)!];
			return y.seconds - x.seconds || y.size - x.size;
		});
	}
}
