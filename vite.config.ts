import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vitest/config';
import { readFileSync } from 'node:fs';
import LongestFirst from './tests/support/sequencer';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/**
 * `npm run dev` behaves like production: the same runtime (database, housekeeping) is started
 * inside Vite's process, and WebSocket upgrades on Vite's own port reach the same handlers
 * that server/main.ts attaches.
 */
function commonGroundServer(): Plugin {
	return {
		name: 'common-ground-server',
		apply: 'serve',
		async configureServer(server) {
			// Vitest runs Vite in serve mode too; tests start their own servers.
			if (process.env.VITEST) return;
			// Readable log lines while developing; production writes JSON (LOG_FORMAT=json).
			process.env.LOG_FORMAT ||= 'pretty';
			const { readConfig } = await import('./src/lib/server/config');
			const { startRuntime } = await import('./server/runtime');
			const { attachUpgrades } = await import('./server/upgrades');
			const { handleVoting } = await import('./server/voting-endpoints');
			// The voting endpoints are served ahead of SvelteKit, in production and here alike.
			server.middlewares.use((req, res, next) => {
				if (!handleVoting(req, res)) next();
			});
			const runtime = await startRuntime(readConfig());
			if (server.httpServer) {
				attachUpgrades(server.httpServer as import('node:http').Server, runtime, {
					rejectUnknown: false
				});
				server.httpServer.once('close', () => void runtime.stop());
			}
			// Close the embedded database cleanly on Ctrl-C, as the production entry does.
			for (const signal of ['SIGINT', 'SIGTERM'] as const) {
				process.once(signal, () => {
					void runtime.stop().finally(() => process.exit(0));
				});
			}
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), commonGroundServer()],
	define: {
		__APP_VERSION__: JSON.stringify(pkg.version)
	},
	test: {
		include: ['tests/**/*.test.ts'],
		// Browser scenarios with several phones take 30–50 s on an idle machine and have taken over
		// a minute on a loaded CI machine; two minutes still catch a hang.
		testTimeout: 120_000,
		// A screen shows what another did after a network round trip and a render, which takes
		// longer than expect.poll's default second on a loaded machine; polls end at their
		// condition, so a longer limit costs nothing when all is well.
		expect: { poll: { timeout: 15_000 } },
		hookTimeout: 120_000,
		reporters: ['default', './tests/support/summary-reporter.ts'],
		globalSetup: ['./tests/support/global-setup.ts'],
		sequence: { sequencer: LongestFirst },
		pool: 'forks',
		// Test files mostly wait on their own server processes and browsers: three at a time
		// keep two cores busy (Vitest's default here would be one file at a time).
		maxWorkers: 3
	}
});
