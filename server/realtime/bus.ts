/**
 * Fan-out between instances sharing one PostgreSQL: every append sends NOTIFY with a pointer
 * (instance, sequence, document), never the update itself; an instance that has the document
 * loaded reads the log after the last sequence it applied. With PGlite there is only ever one
 * instance, so there is no bus.
 */
import postgres from 'postgres';
import { NOTIFY_CHANNEL } from './persistence';

export interface BusHandlers {
	pointer(docName: string, seq: number): void;
	/** The listener (re)connected: notifications may have been missed meanwhile. */
	resync(): void;
}

export interface Bus {
	stop(): Promise<void>;
}

export async function startBus(
	databaseUrl: string,
	instanceId: string,
	handlers: BusHandlers
): Promise<Bus> {
	const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	const subscription = await client.listen(
		NOTIFY_CHANNEL,
		(payload) => {
			const [sender, seq, ...rest] = payload.split(' ');
			if (sender === instanceId || !seq || rest.length === 0) return;
			handlers.pointer(rest.join(' '), Number(seq));
		},
		() => handlers.resync()
	);
	return {
		stop: async () => {
			await subscription.unlisten().catch(() => {});
			await client.end({ timeout: 2 });
		}
	};
}
