/**
 * The process's Prometheus figures, served at `GET /metrics` (server/http.ts) when
 * `METRICS_TOKEN` is set.
 *
 * The Node entry in server/ and the SvelteKit bundle are separate module graphs in one
 * process: each would create its own metric objects, and registering one name twice throws.
 * So one registry and one set of metric objects are made once and kept on `globalThis`; every
 * copy of this module hands out those.
 *
 * Plain TypeScript (no `$env`): server/ imports it too.
 */
import client, { type Counter, type Gauge, type Histogram, type Registry } from 'prom-client';
import { currentDatabaseOrNull } from './db';

/** What the realtime hub (server/realtime/hub.ts) reports when scraped. */
export interface RealtimeSource {
	connections(): number;
	documents(): number;
}

export interface Metrics {
	registry: Registry;
	/** Set by the realtime hub once it runs. */
	realtimeSource: RealtimeSource | null;
	/** Open realtime WebSocket connections. */
	realtimeConnections: Gauge;
	/** Yjs documents held in memory. */
	realtimeDocuments: Gauge;
	/** Document updates relayed to other connections (rate() of it: updates per second). */
	realtimeUpdatesRelayed: Counter;
	/** From an update's receipt to the commit of the batch that stored it. */
	realtimePersistLagSeconds: Histogram;
	/** From a ballot's arrival to its answer (observed by the ballot endpoint). */
	ballotAckSeconds: Histogram;
	/** Answers by status class. */
	httpResponses: Counter<'status'>;
}

const KEY = Symbol.for('common-ground.metrics');
type Holder = { [KEY]?: Metrics };

function createMetrics(): Metrics {
	const registry = new client.Registry();
	// Event-loop delay (nodejs_eventloop_lag_*), memory, CPU, handles, GC.
	client.collectDefaultMetrics({ register: registry });
	const registers = [registry];
	/** A figure asked of the realtime hub when scraped; none until the hub runs. */
	const realtimeGauge = (name: string, help: string, read: (source: RealtimeSource) => number) =>
		new client.Gauge({
			name,
			help,
			registers,
			collect() {
				const source = made.realtimeSource;
				if (source) this.set(read(source));
			}
		});
	const made: Metrics = {
		registry,
		realtimeSource: null,
		realtimeConnections: realtimeGauge(
			'commonground_realtime_connections',
			'Open realtime WebSocket connections.',
			(source) => source.connections()
		),
		realtimeDocuments: realtimeGauge(
			'commonground_realtime_documents_loaded',
			'Realtime documents loaded in memory.',
			(source) => source.documents()
		),
		realtimeUpdatesRelayed: new client.Counter({
			name: 'commonground_realtime_updates_relayed_total',
			help: 'Document updates relayed to the connections of their document (rate(): per second).',
			registers
		}),
		realtimePersistLagSeconds: new client.Histogram({
			name: 'commonground_realtime_persist_lag_seconds',
			help: 'From an update’s receipt to the database commit that stored it.',
			buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30],
			registers
		}),
		ballotAckSeconds: new client.Histogram({
			name: 'commonground_ballot_ack_seconds',
			help: 'From a ballot’s arrival to its acknowledgement.',
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			registers
		}),
		httpResponses: new client.Counter({
			name: 'commonground_http_responses_total',
			help: 'HTTP answers by status class (2xx, 3xx, 4xx, 5xx).',
			labelNames: ['status'],
			registers
		}),
		...databasePool(registers)
	};
	return made;
}

/** Pool figures, read from the database when scraped (nothing to keep up to date). */
function databasePool(registers: Registry[]): object {
	const size = new client.Gauge({
		name: 'commonground_db_pool_size',
		help: 'Connections this instance may open to the database (1 for the embedded one).',
		registers,
		async collect() {
			const stats = await currentDatabaseOrNull()
				?.poolStats()
				.catch(() => null);
			if (stats) this.set(stats.size);
		}
	});
	const connections = new client.Gauge({
		name: 'commonground_db_pool_connections',
		help: 'This instance’s database connections by state (open, busy), as the database sees them.',
		labelNames: ['state'],
		registers,
		async collect() {
			this.reset();
			// During an outage there is nothing to read: the series is absent, not zero.
			const stats = await currentDatabaseOrNull()
				?.poolStats()
				.catch(() => null);
			if (!stats) return;
			this.set({ state: 'open' }, stats.open);
			this.set({ state: 'busy' }, stats.busy);
		}
	});
	return { dbPoolSize: size, dbPoolConnections: connections };
}

/** The process's metrics (made on first use). */
export function metrics(): Metrics {
	return ((globalThis as Holder)[KEY] ??= createMetrics());
}

/** Observe a ballot's acknowledgement time in seconds: `ballotAckSeconds.observe(s)`. */
export const ballotAckSeconds: Histogram = metrics().ballotAckSeconds;
