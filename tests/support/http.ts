/**
 * A small HTTP client for tests that behaves like one browser: it keeps cookies, sends the
 * Origin header SvelteKit's CSRF check expects, and posts form actions the way
 * `use:enhance` does, returning the action's parsed result.
 */
import * as devalue from 'devalue';

export interface ActionResult {
	type: 'success' | 'failure' | 'redirect' | 'error';
	status: number;
	location?: string;
	data?: Record<string, unknown>;
	error?: { message: string };
}

export class Client {
	readonly cookies = new Map<string, string>();

	/** @param address sent as X-Forwarded-For, for servers started with ADDRESS_HEADER. */
	constructor(
		readonly baseUrl: string,
		readonly address = '127.0.0.1'
	) {}

	private headers(extra: Record<string, string> = {}): Record<string, string> {
		return { cookie: this.cookieHeader(), 'x-forwarded-for': this.address, ...extra };
	}

	/** The same device talking to another server (a restarted or second instance). */
	at(baseUrl: string): Client {
		const moved = new Client(baseUrl, this.address);
		for (const [name, value] of this.cookies) moved.cookies.set(name, value);
		return moved;
	}

	cookieHeader(): string {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	private remember(response: Response) {
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const index = pair!.indexOf('=');
			const name = pair!.slice(0, index).trim();
			const value = pair!.slice(index + 1).trim();
			const expired = attributes.some((a) => {
				const [k, v] = a.trim().split('=');
				return (
					(k?.toLowerCase() === 'max-age' && Number(v) <= 0) ||
					(k?.toLowerCase() === 'expires' && new Date(v!).getTime() <= Date.now())
				);
			});
			if (expired || value === '') this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}

	async get(path: string, init: RequestInit = {}): Promise<Response> {
		const response = await fetch(this.baseUrl + path, {
			...init,
			redirect: 'manual',
			headers: this.headers(init.headers as Record<string, string>)
		});
		this.remember(response);
		return response;
	}

	/** Calls a JSON endpoint as the app's pages do (same-origin, JSON body). */
	async json(
		method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
		path: string,
		body?: unknown
	): Promise<{ status: number; body: Record<string, unknown> }> {
		const response = await fetch(this.baseUrl + path, {
			method,
			redirect: 'manual',
			headers: this.headers({
				origin: this.baseUrl,
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' })
			}),
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
		});
		this.remember(response);
		const text = await response.text();
		let parsed: Record<string, unknown> = {};
		try {
			parsed = JSON.parse(text) as Record<string, unknown>;
		} catch {
			parsed = { text };
		}
		return { status: response.status, body: parsed };
	}

	/** Posts a form action (e.g. "/signin" or "/workshops/x?/removeParticipant"). */
	async action(path: string, fields: Record<string, string>): Promise<ActionResult> {
		const response = await fetch(this.baseUrl + path, {
			method: 'POST',
			redirect: 'manual',
			headers: this.headers({
				origin: this.baseUrl,
				accept: 'application/json',
				'x-sveltekit-action': 'true'
			}),
			body: new URLSearchParams(fields)
		});
		this.remember(response);
		const body = (await response.json()) as {
			type: ActionResult['type'];
			status: number;
			location?: string;
			data?: string;
			error?: { message: string };
		};
		return {
			type: body.type,
			status: body.status ?? response.status,
			location: body.location,
			data: body.data ? (devalue.parse(body.data) as Record<string, unknown>) : undefined,
			error: body.error
		};
	}
}

/**
 * Posts a form action with a file, as a browser's multipart form does (for uploads); the
 * result is parsed like `Client.action`'s.
 */
export async function uploadAction(
	client: Client,
	path: string,
	fields: Record<string, string>,
	file: { name: string; text: string }
): Promise<ActionResult> {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.set(k, v);
	form.set('file', new Blob([file.text], { type: 'text/csv' }), file.name);
	const response = await fetch(client.baseUrl + path, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			cookie: client.cookieHeader(),
			'x-forwarded-for': client.address,
			origin: client.baseUrl,
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: form
	});
	const body = (await response.json()) as {
		type: ActionResult['type'];
		status: number;
		location?: string;
		data?: string;
		error?: { message: string };
	};
	return {
		type: body.type,
		status: body.status ?? response.status,
		location: body.location,
		data: body.data ? (devalue.parse(body.data) as Record<string, unknown>) : undefined,
		error: body.error
	};
}
