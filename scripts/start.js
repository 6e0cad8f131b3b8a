// `npm start`: builds when there is no build (or the sources are newer), then runs the server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const built = 'build/server.js';

/** @param {string} dir @returns {number} */
function newestMtime(dir) {
	let newest = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		const time = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
		if (time > newest) newest = time;
	}
	return newest;
}

const isStale =
	!fs.existsSync(built) ||
	['src', 'server', 'static'].some(
		(dir) => fs.existsSync(dir) && newestMtime(dir) > fs.statSync(built).mtimeMs
	);

if (isStale) {
	console.log('Building Common Ground (first start, or the sources changed)…');
	const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

// Signals go to the server, which shuts down gracefully; this process exits with it.
const child = spawn(process.execPath, [built], { stdio: 'inherit' });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
	process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
