import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// One name per build, however many times the build loads this file (it is imported afresh for
// the client and the server halves; two names would give the page two builds' globals).
process.env.CG_BUILD_NAME ??= `cg-build-${Date.now()}`;

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// server/ owns the HTTP server and mounts build/handler.js, so the realtime
		// endpoint can share the app's port.
		adapter: adapter({ out: 'build' }),
		// Open pages ask for /_app/version.json every minute and offer a reload once a newer
		// build is served (components/ui/NewVersion.svelte); a navigation after that loads the
		// new build in full. The name has a fixed prefix so the version-skew test can find it in
		// the built files and make an older build from a copy.
		version: {
			name: process.env.CG_BUILD_NAME,
			pollInterval: 60_000
		},
		// Every page's Content-Security-Policy. SvelteKit adds a nonce (or, for prerendered
		// pages, a hash) to script-src for the one inline script it writes (hydration), so no
		// other inline script runs. Styles: components' <style> blocks are compiled into CSS
		// files ('self'); no <style> element is written inline, so style-src has no
		// 'unsafe-inline' (SvelteKit adds it under `vite dev` only, where Vite injects styles).
		// Style *attributes* are another matter: SvelteKit's own page wrapper
		// (`<div style="display: contents">`) and our components' `style="--team: …"` and
		// `style:` directives write them, so style-src-attr allows inline attributes, which
		// can set presentation but run nothing. connect-src 'self' covers the realtime
		// WebSocket in browsers that follow CSP 3 (ws:/wss: on the same host); hooks.server.ts
		// names the page's own ws(s)://host as well, for those that do not. Nothing may frame
		// the app: the projector view is opened full-screen in a window of its own.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				'style-src-attr': ['unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
