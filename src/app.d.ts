import type { LeaderActor } from '$lib/server/auth/leader-sessions';
import type { AccountActor, ParticipantActor } from '$lib/server/auth/sessions';

declare global {
	/** From package.json, set at build time. */
	const __APP_VERSION__: string;

	namespace App {
		interface Locals {
			/** The signed-in facilitator or leader on this device, if any. */
			account: AccountActor | null;
			/** This device's participant session (one workshop), if any. */
			participant: ParticipantActor | null;
			/** A leader's review session (one invitation, one workshop), if any. */
			leader: LeaderActor | null;
		}
		interface Error {
			message: string;
			/** Quoted to support to find the log line; no details of the failure. */
			errorId?: string;
			/**
			 * The database was away: the answer is a 503 (hooks.server.ts), though SvelteKit
			 * rendered the page as a 500, and the page says to try again.
			 */
			isUnavailable?: boolean;
		}
	}
}

export {};
