/**
 * Prints the closing line CI reads: "N passed, N failed" (", N skipped" when any were).
 * Counts every test case Vitest ran in this run.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
		let passed = 0;
		let failed = 0;
		let skipped = 0;
		for (const module of testModules) {
			let failedHere = 0;
			for (const test of module.children.allTests()) {
				const state = test.result().state;
				if (state === 'passed') passed++;
				else if (state === 'failed') failedHere++;
				else skipped++;
			}
			// A file that failed to load, or whose set-up hook failed, counts as a failure
			// even though none of its tests ran.
			if (module.state() === 'failed' && failedHere === 0) failedHere = 1;
			failed += failedHere;
		}
		const line = `${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
		process.stdout.write(`\n${line}\n`);
	}
}
