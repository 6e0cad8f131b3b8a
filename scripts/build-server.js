// Bundles server/ (TypeScript) into build/server.js beside SvelteKit's build/handler.js.
// Packages stay external: they are loaded from node_modules like any Node program's.
import { build } from 'esbuild';

await build({
	entryPoints: ['server/main.ts'],
	outfile: 'build/server.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
