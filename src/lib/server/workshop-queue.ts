/**
 * Live interventions on one workshop run one after another. Two consoles (two facilitators,
 * or a facilitator and a producer) may press at the same moment: "Bring everyone here" twice,
 * lock while another reveals, two timer starts. Each intervention reads the room and writes it
 * in several steps (a reveal stops the writing, merges the team boards, then stamps the room),
 * so they are queued per workshop; different workshops never wait for each other.
 *
 * The queue is per process. Every write inside also stays safe across instances: the room's
 * values are set whole (so concurrent writes converge to one of them) and the visits' partial
 * unique index allows one open visit per workshop.
 */
const KEY = Symbol.for('common-ground.workshop-queue');
type Registry = { [KEY]?: Map<string, Promise<unknown>> };

function tails(): Map<string, Promise<unknown>> {
	const registry = globalThis as Registry;
	return (registry[KEY] ??= new Map());
}

export function serialised<T>(workshopId: string, run: () => Promise<T>): Promise<T> {
	const queue = tails();
	const previous = queue.get(workshopId) ?? Promise.resolve();
	const next = previous.then(run, run);
	const tail = next.catch(() => {});
	queue.set(workshopId, tail);
	void tail.then(() => {
		if (queue.get(workshopId) === tail) queue.delete(workshopId);
	});
	return next;
}
