import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// server/ owns the HTTP server and mounts build/handler.js, so the realtime
		// endpoint can share the app's port.
		adapter: adapter({ out: 'build' })
	}
};

export default config;
