/**
 * Group commit: requests that arrive while a write is in flight are written together by the
 * next one, in one transaction, and each is answered once that transaction has committed.
 * Under a burst this turns hundreds of commits into a handful; alone, a request waits for
 * nothing but the write in flight. The first write of a burst starts after the I/O already
 * received has been read (`setImmediate`), so requests that arrived together go together.
 */
export function groupCommit<T, R>(
	write: (items: T[]) => Promise<R[]>,
	maxBatch = 2000
): (item: T) => Promise<R> {
	let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
	let isRunning = false;

	async function drain() {
		while (queue.length > 0) {
			const batch = queue.slice(0, maxBatch);
			queue = queue.slice(maxBatch);
			try {
				const results = await write(batch.map((b) => b.item));
				batch.forEach((b, i) => b.resolve(results[i]!));
			} catch (error) {
				for (const b of batch) b.reject(error);
			}
		}
		isRunning = false;
	}

	return (item) =>
		new Promise<R>((resolve, reject) => {
			queue.push({ item, resolve, reject });
			if (!isRunning) {
				isRunning = true;
				setImmediate(() => void drain());
			}
		});
}
