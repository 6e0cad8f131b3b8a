/**
 * One person's classifications in a calibration round, on their phone. What they have chosen
 * so far is kept in this browser (a reload or a dropped connection loses nothing); the ballot
 * goes through the voting-token protocol of every poll (src/lib/client/voting-token.ts): a
 * blind-signed token fetched with the session, then a cast with the token and no cookies. The
 * whole ballot goes at once, every lead classified, and sending again with the same token
 * replaces it until the round closes.
 */
import type { Classification } from '$lib/domain/calibration/results';
import type { TokenKey } from '$lib/domain/voting-token';
import {
	castAnonymously,
	castBody,
	obtain,
	postWithSession,
	TokenRefused,
	type KeptToken
} from '$lib/client/voting-token';
import { hasTokenAt, keepToken, keptToken, prepareAhead } from './ballot-key';

type Draft = Record<string, { category: string; criterion: string | null }>;

const draftKey = (roundId: string) => `common-ground:classification:${roundId}`;

function readDraft(roundId: string): Draft {
	try {
		const raw = localStorage.getItem(draftKey(roundId));
		const parsed = raw ? (JSON.parse(raw) as unknown) : null;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Draft;
	} catch {
		// Storage blocked or garbled: start from the ballot sent, if any.
	}
	return {};
}

export class Classifier {
	draft = $state<Draft>({});
	kept = $state<KeptToken>({ choice: null, reason: '' });
	/** Whether the server issued this person a token for the round (from any device). */
	hasToken = $state<boolean | null>(null);
	isSending = $state(false);
	message = $state<string | null>(null);
	confirmation = $state<string | null>(null);
	readonly #path: string;
	#obtaining: Promise<NonNullable<KeptToken['token']>> | null = null;

	constructor(
		readonly roundId: string,
		workshopId: string,
		readonly leads: readonly string[],
		readonly key: TokenKey | null
	) {
		this.#path = `/api/workshops/${encodeURIComponent(workshopId)}/polls/${encodeURIComponent(roundId)}`;
		this.kept = keptToken(roundId);
		const sent = Array.isArray(this.kept.choice) ? (this.kept.choice as Classification[]) : [];
		this.draft = {
			...Object.fromEntries(
				sent.map((c) => [c.lead, { category: c.category, criterion: c.criterion }])
			),
			...readDraft(roundId)
		};
		void hasTokenAt(this.#path).then((hasToken) => {
			if (hasToken !== null) this.hasToken = hasToken;
		});
	}

	get isComplete(): boolean {
		return this.leads.every((id) => this.draft[id]?.category);
	}

	get sent(): Classification[] | null {
		return Array.isArray(this.kept.choice) ? (this.kept.choice as Classification[]) : null;
	}

	/** The token went to another device, or this browser lost it: the ballot belongs there. */
	get isLockedOut(): boolean {
		return this.hasToken === true && !this.kept.token && !this.kept.pending;
	}

	choose(leadId: string, category: string) {
		this.#set(leadId, { category, criterion: this.draft[leadId]?.criterion ?? null });
	}

	decide(leadId: string, criterion: string | null) {
		const current = this.draft[leadId];
		if (current) this.#set(leadId, { ...current, criterion });
	}

	#set(leadId: string, value: Draft[string]) {
		this.draft = { ...this.draft, [leadId]: value };
		this.confirmation = null;
		try {
			localStorage.setItem(draftKey(this.roundId), JSON.stringify(this.draft));
		} catch {
			// Private mode: the choices live as long as the page.
		}
	}

	#save = (next: KeptToken) => {
		this.kept = next;
		keepToken(this.roundId, next);
	};

	/** Prepares and fetches the token as soon as the round is open, so sending is one request. */
	async ready(): Promise<void> {
		if (typeof crypto === 'undefined' || !crypto.subtle) return;
		await prepareAhead(this.roundId, this.key);
		const stored = keptToken(this.roundId);
		const now = this.kept;
		if (!now.token && !now.pending && stored.pending)
			this.kept = { ...now, pending: stored.pending };
		if (this.kept.pending && !this.kept.token) {
			await this.#token().catch((e: unknown) => {
				if (e instanceof TokenRefused && e.status !== 0) this.message = e.message;
			});
		}
	}

	#token() {
		this.#obtaining ??= obtain(
			this.kept,
			this.#save,
			postWithSession,
			`${this.#path}/token`,
			this.key
		).finally(() => (this.#obtaining = null));
		return this.#obtaining;
	}

	async send(): Promise<boolean> {
		this.message = null;
		this.confirmation = null;
		if (!this.isComplete) {
			this.message = 'Classify every lead before sending.';
			return false;
		}
		if (typeof crypto === 'undefined' || !crypto.subtle) {
			this.message =
				'Classifying needs a secure connection (https). Ask the facilitator for the https link.';
			return false;
		}
		const choice: Classification[] = this.leads.map((lead) => ({
			lead,
			category: this.draft[lead]!.category,
			criterion: this.draft[lead]!.criterion
		}));
		this.isSending = true;
		try {
			const token = await this.#token();
			const { changed } = await castAnonymously(
				`${this.#path}/ballot`,
				castBody(token, choice),
				'Your classifications'
			);
			this.#save({ ...this.kept, choice });
			this.hasToken = true;
			this.confirmation = changed
				? 'Your classifications are changed.'
				: 'Your classifications are in.';
			return true;
		} catch (error) {
			this.message =
				error instanceof TokenRefused ? error.message : 'Your classifications did not go through.';
			return false;
		} finally {
			this.isSending = false;
		}
	}
}
