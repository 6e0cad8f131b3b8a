/**
 * A fixed list of choices, each a key and the words screens show for it (barrier categories,
 * the fields of a lead), written once as a record: `{ key: 'Label' }`, in the order listed.
 */
export interface Labelled<K extends string> {
	key: K;
	label: string;
}

/** The record as a list in its order; never empty, so its first entry is a default. */
export function labelledList<K extends string>(
	labels: Record<K, string>
): readonly [Labelled<K>, ...Labelled<K>[]] {
	const list = (Object.keys(labels) as K[]).map((key) => ({ key, label: labels[key] }));
	return list as [Labelled<K>, ...Labelled<K>[]];
}
