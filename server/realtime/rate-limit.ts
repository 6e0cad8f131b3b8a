/**
 * Per-connection token buckets for messages and bytes. Generous for a person typing and
 * pasting (a provider sends one message per edit), tight enough that one socket cannot keep
 * the process busy for everyone else.
 */
export interface RateLimitSettings {
	messagesPerSecond: number;
	messageBurst: number;
	bytesPerSecond: number;
	byteBurst: number;
}

export const defaultRateLimit: RateLimitSettings = {
	messagesPerSecond: 100,
	messageBurst: 400,
	bytesPerSecond: 2 * 1024 * 1024,
	byteBurst: 8 * 1024 * 1024
};

export class RateLimiter {
	private messages: number;
	private bytes: number;
	private refilledAt = performance.now();

	constructor(private readonly settings: RateLimitSettings) {
		this.messages = settings.messageBurst;
		this.bytes = settings.byteBurst;
	}

	/** Takes one message of `size` bytes; false when the connection is over its limit. */
	take(size: number): boolean {
		const now = performance.now();
		const seconds = (now - this.refilledAt) / 1000;
		this.refilledAt = now;
		const s = this.settings;
		this.messages = Math.min(s.messageBurst, this.messages + seconds * s.messagesPerSecond);
		this.bytes = Math.min(s.byteBurst, this.bytes + seconds * s.bytesPerSecond);
		this.messages -= 1;
		this.bytes -= size;
		return this.messages >= 0 && this.bytes >= 0;
	}
}
