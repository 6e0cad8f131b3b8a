/**
 * Opt-in figures for the benchmarks, off unless `BENCH_METRICS=1`: the event loop's delay and
 * how long the server takes to answer each kind of HTTP request, both from the server's own
 * clock (a benchmark's clients share a machine and can lag behind it). Each SIGUSR2 prints
 * one line with the figures since the previous SIGUSR2 (then starts over), so a benchmark can
 * frame the part of a run it measures. Nothing is served over HTTP, and nothing runs when the
 * variable is not set.
 */
import type http from 'node:http';
import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from 'node:perf_hooks';

/**
 * The line's prefix, followed by JSON: `{"eventLoopDelayMs":{"p50":…,"p99":…,"max":…,"mean":…},
 * "requestsMs":{"POST /api/workshops/:id/live":{"count":…,"p50":…,"p99":…,"max":…},…}}`.
 */
export const METRICS_LINE = '[bench-metrics] ';

export type RequestTimer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const ns = (value: number) => Math.round(value / 1e4) / 100;

/** `/api/workshops/ab…z/stages/shared-terms/cards` → `/api/workshops/:id/stages/:key/cards`. */
function routeOf(req: http.IncomingMessage): string {
	const path = (req.url ?? '').split('?')[0]!;
	const route = path
		.replace(/\/[a-z2-7]{16}(?=\/|$)/g, '/:id')
		.replace(/\/stages\/[^/]+/, '/stages/:key');
	return `${req.method} ${route}`;
}

/** Starts the figures when enabled; returns what times HTTP requests, or null. */
export function startBenchMetrics(env: NodeJS.ProcessEnv = process.env): RequestTimer | null {
	if (env.BENCH_METRICS !== '1') return null;
	const delay = monitorEventLoopDelay({ resolution: 10 });
	delay.enable();
	const requests = new Map<string, RecordableHistogram>();
	process.on('SIGUSR2', () => {
		const requestsMs: Record<string, { count: number; p50: number; p99: number; max: number }> = {};
		for (const [route, histogram] of requests) {
			requestsMs[route] = {
				count: histogram.count,
				p50: ns(histogram.percentile(50)),
				p99: ns(histogram.percentile(99)),
				max: ns(histogram.max)
			};
		}
		const figures = {
			eventLoopDelayMs: {
				p50: ns(delay.percentile(50)),
				p99: ns(delay.percentile(99)),
				max: ns(delay.max),
				mean: ns(delay.mean)
			},
			requestsMs
		};
		delay.reset();
		requests.clear();
		console.log(METRICS_LINE + JSON.stringify(figures));
	});
	return (req, res) => {
		const started = process.hrtime.bigint();
		res.once('finish', () => {
			const route = routeOf(req);
			let histogram = requests.get(route);
			if (!histogram) requests.set(route, (histogram = createHistogram()));
			histogram.record(Math.max(1, Number(process.hrtime.bigint() - started)));
		});
	};
}
