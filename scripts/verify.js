// The checks `npm test` runs before Vitest: lint and formatting alongside the type check and the
// build. Lint reads only the sources, so it runs at the same time as the other two; the type
// check and the build both write `.svelte-kit/`, so they run one after the other. Each job's
// output is printed whole when it ends, so two jobs never interleave their lines. Exits non-zero
// when any job fails, after every job has ended.
import { spawn } from 'node:child_process';

/** @param {string[]} scripts npm scripts run in turn @returns {Promise<boolean>} */
function runInTurn(scripts) {
	return scripts.reduce(
		(previous, script) =>
			previous.then((ok) => {
				if (!ok) return false;
				return new Promise((resolve) => {
					const started = Date.now();
					const child = spawn('npm', ['run', '--silent', script], {
						stdio: ['ignore', 'pipe', 'pipe']
					});
					/** @type {Buffer[]} */
					const output = [];
					child.stdout.on('data', (chunk) => output.push(chunk));
					child.stderr.on('data', (chunk) => output.push(chunk));
					child.on('close', (code) => {
						const seconds = ((Date.now() - started) / 1000).toFixed(1);
						const verdict = code === 0 ? 'passed' : `failed (exit ${code})`;
						process.stdout.write(
							`\n── npm run ${script}: ${verdict} in ${seconds} s ──\n` +
								Buffer.concat(output).toString()
						);
						resolve(code === 0);
					});
				});
			}),
		Promise.resolve(true)
	);
}

const results = await Promise.all([runInTurn(['lint']), runInTurn(['check', 'build'])]);
process.exit(results.every(Boolean) ? 0 : 1);
