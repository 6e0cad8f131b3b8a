/**
 * The preparation page's requests to the calibration endpoints: JSON or a file, answered with
 * the body or with the server's own words for a refusal.
 */
import { messageOf } from '../../run/controls.svelte';

export type Outcome<T> = { ok: true; body: T } | { ok: false; message: string };

export async function send<T = Record<string, unknown>>(
	url: string,
	init: { method?: 'POST' | 'DELETE'; json?: unknown; form?: FormData }
): Promise<Outcome<T>> {
	try {
		const response = await fetch(url, {
			method: init.method ?? 'POST',
			headers: {
				accept: 'application/json',
				...(init.json === undefined ? {} : { 'content-type': 'application/json' })
			},
			body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json))
		});
		if (!response.ok) return { ok: false, message: await messageOf(response) };
		const body = response.status === 204 ? {} : await response.json().catch(() => ({}));
		return { ok: true, body: body as T };
	} catch {
		return {
			ok: false,
			message: 'The server could not be reached. Check the connection and try again.'
		};
	}
}
