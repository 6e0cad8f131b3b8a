/**
 * The console's run-sheet: planned against actual per stage, the projected end of the day,
 * where to take time back, and the private notes. Read from and saved to the run-sheet
 * endpoint (the notes never travel in a shared document); read again when the room moves to
 * another stage and every half minute, so "running over" stays current.
 */
import type { RunSheetView } from '$lib/domain/run-sheet';
import { messageOf } from './controls.svelte';

export interface RunSheetStage {
	key: string;
	title: string;
	timeboxMinutes: number;
	plannedMinutes: number | null;
	notes: string;
}

export interface RunSheetData {
	stages: RunSheetStage[];
	dayStartsAt: number | null;
	view: RunSheetView;
}

export class ConsoleRunSheet {
	data = $state.raw<RunSheetData>();
	/** The last refusal, in the server's words; null after a success. */
	error = $state<string | null>(null);
	saving = $state<string | null>(null);
	/** Stage key of the last save that succeeded, said once in a status message. */
	saved = $state<string | null>(null);
	#timer: ReturnType<typeof setInterval>;

	constructor(
		readonly workshopId: string,
		initial: RunSheetData
	) {
		this.data = initial;
		this.#timer = setInterval(() => void this.refresh(), 30_000);
	}

	get url() {
		return `/api/workshops/${this.workshopId}/run-sheet`;
	}

	stage(key: string): RunSheetStage | undefined {
		return this.data?.stages.find((s) => s.key === key);
	}

	async refresh(): Promise<void> {
		try {
			const response = await fetch(this.url, { headers: { accept: 'application/json' } });
			if (response.ok) this.data = (await response.json()) as RunSheetData;
		} catch {
			// Offline for a moment: the next refresh catches up.
		}
	}

	/** Saves a stage's plan and notes; false (with `error` set) when refused, keeping the input. */
	saveStage(stageKey: string, plannedMinutes: number | string | null, notes: string) {
		return this.#send(stageKey, { action: 'stage', stageKey, plannedMinutes, notes });
	}

	saveDayStart(startsAt: string | null) {
		return this.#send('dayStart', { action: 'dayStart', startsAt });
	}

	/** The day is over: the stage the room is on stops counting (the timing report's actuals). */
	async finish(): Promise<boolean> {
		this.saving = 'finish';
		try {
			const response = await fetch(`/api/workshops/${this.workshopId}/live`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify({ action: 'finish' })
			});
			if (!response.ok) {
				this.error = await messageOf(response);
				return false;
			}
			this.error = null;
			await this.refresh();
			return true;
		} catch {
			this.error = 'The server could not be reached. Check the connection and try again.';
			return false;
		} finally {
			this.saving = null;
		}
	}

	async #send(what: string, body: unknown): Promise<boolean> {
		this.saving = what;
		this.saved = null;
		try {
			const response = await fetch(this.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify(body)
			});
			if (!response.ok) {
				this.error = await messageOf(response);
				return false;
			}
			this.data = (await response.json()) as RunSheetData;
			this.error = null;
			this.saved = what;
			return true;
		} catch {
			this.error = 'The server could not be reached. Your text is still here: try again.';
			return false;
		} finally {
			this.saving = null;
		}
	}

	destroy() {
		clearInterval(this.#timer);
	}
}
