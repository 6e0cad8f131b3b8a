/**
 * Production entry: `node build/server.js`. One process, one port: SvelteKit's handler and
 * the realtime WebSocket endpoint share the HTTP server created here.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, readConfig } from '../src/lib/server/config';
import { handleVoting } from './voting-endpoints';
import { log } from '../src/lib/server/logger';
import { startBenchMetrics } from './bench-metrics';
import { DatabaseStartError } from '../src/lib/server/db/open';
import { createAppServer, OWN_PROTOCOL_HEADER, type RequestHandler } from './http';
import { startRuntime, type Runtime } from './runtime';
import { attachUpgrades } from './upgrades';

function fail(message: string): never {
	log.fatal(`Common Ground could not start: ${message}`);
	process.exit(1);
}

async function main() {
	// An empty variable means "not set" (adapter-node would reject an empty ORIGIN).
	for (const name of ['ORIGIN', 'DATABASE_URL', 'DATA_DIR', 'HOST', 'PORT']) {
		if (process.env[name] === '') delete process.env[name];
	}
	let config;
	try {
		config = readConfig();
	} catch (error) {
		if (error instanceof ConfigError) fail(error.message);
		throw error;
	}

	const timeRequest = startBenchMetrics();

	let runtime: Runtime;
	try {
		runtime = await startRuntime(config);
	} catch (error) {
		if (error instanceof DatabaseStartError) fail(error.message);
		throw error;
	}

	if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) {
		process.env.PROTOCOL_HEADER = OWN_PROTOCOL_HEADER;
	}
	// adapter-node reads request bodies up to 512 KiB by default; a calibration's lead file may
	// be 1 MiB (its endpoint refuses more, in words), and a CRM lead report up to 16 MiB (a
	// 50,000-lead export; refused above that, in words). JSON endpoints keep their own 64 KiB.
	process.env.BODY_SIZE_LIMIT ??= '17M';
	const here = path.dirname(fileURLToPath(import.meta.url));
	const { handler } = (await import(pathToFileURL(path.join(here, 'handler.js')).href)) as {
		handler: RequestHandler;
	};
	const app = createAppServer(handler, {
		onRequest: timeRequest,
		requestIdHeader: config.requestIdHeader,
		metricsToken: config.metricsToken,
		ownRoutes: [handleVoting]
	});
	attachUpgrades(app.server, runtime, { rejectUnknown: true });

	let port: number;
	try {
		port = await app.listen(config.port, config.host);
	} catch (error) {
		await runtime.stop();
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') {
			fail(
				`port ${config.port} is already in use: stop the other program or set PORT to a free port.`
			);
		}
		if (code === 'EACCES')
			fail(`no permission to listen on port ${config.port}: use a port above 1023.`);
		if (code === 'EADDRNOTAVAIL') fail(`HOST ${config.host} is not an address of this machine.`);
		throw error;
	}

	let shuttingDown = false;
	const shutdown = async (signal: string) => {
		if (shuttingDown) return;
		shuttingDown = true;
		log.info(`${signal} received: finishing requests and closing the database`);
		await app.close();
		await runtime.stop();
		process.exit(0);
	};
	// Before saying it listens: whoever reads that line may stop the server at once, and a
	// signal that arrives before its handler ends the process without closing the database.
	process.on('SIGTERM', () => void shutdown('SIGTERM'));
	process.on('SIGINT', () => void shutdown('SIGINT'));

	const where = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
	log.info(
		{ metrics: config.metricsToken ? '/metrics' : 'off' },
		`Common Ground listening on http://${config.host}:${port} (database: ${where})`
	);
}

main().catch((error) => {
	log.fatal({ err: error }, 'Common Ground stopped on an unexpected error');
	process.exit(1);
});
