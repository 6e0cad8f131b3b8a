import { render } from 'svelte/server';
import { describe, expect, test } from 'vitest';
import ConnectionStatus from '../../src/lib/components/workshop/ConnectionStatus.svelte';
import type { ConnectionStatus as Status } from '../../src/lib/state/doc-connection.svelte';

function html(props: { status: Status; refusal?: string | null; onRetry?: () => void }) {
	// Hydration markers (<!--[-->) carry no meaning for what is shown or read out.
	return render(ConnectionStatus, { props }).body.replace(/<!--[\s\S]*?-->/g, '');
}

/** The text inside the polite live region, tags stripped. */
function spoken(markup: string): string {
	const region =
		/<span role="status" aria-live="polite"[^>]*>([\s\S]*?)<\/span>\s*(?:<button|<\/div>)/.exec(
			markup
		);
	return (region?.[1] ?? '')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

describe('connection status indicator', () => {
	test.each([
		['connecting', /^Connecting…/],
		['live', /^Live /],
		['offline', /^Offline /],
		['read-only', /^Read only /]
	] as const)('says %s in words inside a polite live region', (status, words) => {
		const markup = html({ status });
		expect(spoken(markup)).toMatch(words);
		expect(markup).toContain(`data-status="${status}"`);
		// The coloured dot is decoration: hidden from assistive technology.
		expect(markup).toMatch(/<span class="dot[^"]*" aria-hidden="true">/);
	});

	test('offers "Retry now" only while offline and only when there is something to retry', () => {
		const retry = () => {};
		expect(html({ status: 'offline', onRetry: retry })).toContain('Retry now');
		expect(html({ status: 'offline' })).not.toContain('Retry now');
		expect(html({ status: 'live', onRetry: retry })).not.toContain('Retry now');
		expect(html({ status: 'connecting', onRetry: retry })).not.toContain('Retry now');
	});

	test('after a refusal it shows the reason and no retry button', () => {
		const markup = html({
			status: 'offline',
			refusal: 'You are no longer in this workshop.',
			onRetry: () => {}
		});
		expect(spoken(markup)).toBe('Offline You are no longer in this workshop.');
		expect(markup).not.toContain('Retry now');
	});
});
